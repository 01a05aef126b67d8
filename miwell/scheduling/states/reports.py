"""Reflex states of the appointments report (/staff/reports) and of a doctor's .ics download.

The page shows at most ``ROWS_SHOWN`` rows, enough to read; the counts cover every row and the
CSV download holds them all. Downloads are built from a fresh query when asked for, never from
what the page holds, so they always match the database at that moment.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

import reflex as rx

from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import allow, Owns
from miwell.scheduling import services as service
from miwell.scheduling.core.attendance import GROUPINGS, attendance_by, rate_text
from miwell.scheduling.core.formatting import clock, day_text, short_date
from miwell.scheduling.core.reports import (
    AppointmentRecord,
    appointments_csv,
    appointments_ics,
    count_by_doctor,
    count_by_status,
    group_by_day,
    period_range,
)
from miwell.scheduling.core.status import STATUSES, status_label
from miwell.scheduling.services import SchedulingError
from miwell.scheduling.services import calendar as calendar_service
from miwell.scheduling.services.calendar import Filters
from miwell.scheduling.states.common import _form, _last_segment, _run, _today

STAFF = Role.STAFF.value
ROWS_SHOWN = 500
PERIODS = ("day", "week", "month", "range")
_FILTERS = ("clinic_id", "doctor_id", "patient", "status", "period", "anchor", "range_start", "range_end", "grouping")
ATTENDANCE_SHOWN = 50
ICS_WEEKS = 4


@dataclasses.dataclass
class ReportRow:
    id: int = 0
    hours: str = ""
    doctor: str = ""
    colour: str = ""
    patient: str = ""
    client: str = ""
    clinic: str = ""
    status: str = ""
    status_label: str = ""


@dataclasses.dataclass
class ReportDay:
    label: str = ""
    total: int = 0
    rows: list[ReportRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class AttendanceRow:
    key: str = ""
    label: str = ""
    appointments: int = 0
    no_shows: int = 0
    no_show_rate: str = ""
    late_cancellations: int = 0
    late_rate: str = ""


@dataclasses.dataclass
class CountRow:
    key: str = ""
    label: str = ""
    colour: str = ""
    count: int = 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "doctor"


def _row(record: AppointmentRecord) -> ReportRow:
    return ReportRow(
        id=record.id,
        hours=f"{clock(record.start)}–{clock(record.end)}",
        doctor=record.doctor_name,
        colour=record.doctor_colour,
        patient=record.patient_name,
        client="The patient themself" if record.client_name == record.patient_name else record.client_name,
        clinic=record.clinic_name,
        status=record.status,
        status_label=status_label(record.status),
    )


class ReportState(AuthState):
    clinics: list[dict[str, str]] = []
    doctors: list[dict[str, str]] = []
    statuses: list[dict[str, str]] = [{"id": s, "label": status_label(s)} for s in STATUSES]

    clinic_id: str = ""
    doctor_id: str = ""
    patient: str = ""
    status: str = ""
    period: str = "week"
    anchor: str = ""
    range_start: str = ""
    range_end: str = ""

    period_label: str = ""
    total: int = 0
    by_status: list[CountRow] = []
    by_doctor: list[CountRow] = []
    days: list[ReportDay] = []
    shown_note: str = ""
    grouping: str = "patient"
    attendance: list[AttendanceRow] = []
    attendance_note: str = ""
    error: str = ""
    loaded: bool = False

    def _period(self) -> tuple[date, date]:
        """``[first, end)`` of the chosen period; a refusal message for a bad one."""
        if self.period == "range":
            first = service.parse_day(self.range_start, "first day")
            last = service.parse_day(self.range_end, "last day")
            if last < first:
                raise SchedulingError("The last day is before the first day.")
            return first, last + timedelta(days=1)
        anchor = service.parse_day(self.anchor, "day")
        return period_range(self.period, anchor)

    def _filters(self) -> Filters:
        def number(raw: str) -> int | None:
            return int(raw) if raw.isdigit() else None

        doctor = number(self.doctor_id)
        return Filters(
            clinic_id=number(self.clinic_id),
            doctor_ids=(doctor,) if doctor is not None else (),
            patient=self.patient,
            statuses=(self.status,) if self.status else (),
            include_cancelled=True,
        )

    def _records(self, user: CurrentUser) -> tuple[tuple[date, date] | None, list[AppointmentRecord], str]:
        try:
            first, end = self._period()
        except SchedulingError as exc:
            return None, [], str(exc)
        filters = self._filters()
        records, error = _run(lambda s: calendar_service.report_records(s, user, first, end, filters))
        return (first, end), records or [], error

    def _reload(self, user: CurrentUser) -> None:
        period, records, self.error = self._records(user)
        if period is None or self.error:
            self.total, self.by_status, self.by_doctor, self.days, self.period_label = 0, [], [], [], ""
            self.attendance, self.attendance_note = [], ""
            return
        first, end = period
        self._attendance(user, first, end, records)
        last = end - timedelta(days=1)
        self.period_label = day_text(first) if first == last else f"{short_date(first)} – {short_date(last)}"
        self.total = len(records)
        self.by_status = [
            CountRow(key=s, label=status_label(s) if s in STATUSES else s, count=n) for s, n in count_by_status(records).items()
        ]
        self.by_doctor = [
            CountRow(key=str(d.doctor_id), label=d.doctor_name, colour=d.doctor_colour, count=d.count)
            for d in count_by_doctor(records)
        ]
        shown = records[:ROWS_SHOWN]
        self.days = [
            ReportDay(label=day_text(group.day), total=group.total, rows=[_row(r) for r in group.appointments])
            for group in group_by_day(shown)
        ]
        self.shown_note = (
            f"The first {ROWS_SHOWN:,} of {len(records):,} appointments are listed; the counts and the CSV cover them all."
            if len(records) > ROWS_SHOWN
            else ""
        )

    def _attendance(self, user: CurrentUser, first: date, end: date, records: list[AppointmentRecord]) -> None:
        filters = self._filters()
        cancelled, error = _run(lambda s: calendar_service.report_cancellations(s, user, first, end, filters))
        counts = attendance_by(records, cancelled or {}, self.grouping if self.grouping in GROUPINGS else "patient")
        if self.grouping == "patient":
            # Who misses appointments is the question: those with none are counted, not listed.
            missing = [c for c in counts if c.no_shows or c.late_cancellations]
            missing.sort(key=lambda c: (-(c.no_shows + c.late_cancellations), c.label.casefold()))
            others = len(counts) - len(missing)
            self.attendance_note = (
                f"{others} other patient{'' if others == 1 else 's'} had no no-show and no late cancellation." if others else ""
            )
            if len(missing) > ATTENDANCE_SHOWN:
                self.attendance_note += f" The {ATTENDANCE_SHOWN} with the most are listed, of {len(missing)}."
            counts = missing[:ATTENDANCE_SHOWN]
        else:
            self.attendance_note = ""
        self.attendance_note = (error + " " + self.attendance_note).strip()
        self.attendance = [
            AttendanceRow(
                key=c.key, label=c.label, appointments=c.appointments, no_shows=c.no_shows, no_show_rate=rate_text(c.no_show_rate),
                late_cancellations=c.late_cancellations, late_rate=rate_text(c.late_cancellation_rate),
            )  # fmt: skip
            for c in counts
        ]

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        setup, error = _run(lambda s: calendar_service.calendar_setup(s, user))
        if setup is None:
            self.error = error
            return
        self.clinics = [{"id": str(c.id), "label": c.name} for c in setup.clinics]
        self.doctors = [{"id": str(d.id), "label": d.name, "colour": d.colour} for d in setup.doctors]
        if self.clinic_id not in {c["id"] for c in self.clinics}:
            self.clinic_id = ""
        if self.doctor_id not in {d["id"] for d in self.doctors}:
            self.doctor_id = ""
        today = _today()
        if not self.anchor:
            self.anchor = today.isoformat()
        if not self.range_start or not self.range_end:
            self.range_start, self.range_end = today.isoformat(), (today + timedelta(days=13)).isoformat()
        notice = None
        try:
            self._period()
        except SchedulingError:
            # A period kept from an earlier visit that can no longer be used must not break the page
            # on every visit: start again from today, and say so.
            self.period, self.anchor = "week", today.isoformat()
            self.range_start, self.range_end = today.isoformat(), (today + timedelta(days=13)).isoformat()
            notice = rx.toast.info("The dates kept from your last visit could not be used, so the report shows this week.")
        self.loaded = True
        self._reload(user)
        return notice

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_filter(self, name: str, value: str):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if name not in _FILTERS:
            return
        value = str(value or "")[: service.SEARCH_MAX]
        if name == "period" and value not in PERIODS:
            return
        if name == "status" and value and value not in STATUSES:
            return
        if name == "grouping" and value not in GROUPINGS:
            return
        setattr(self, name, value)
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def set_patient(self, value: str):
        """Typing in the patient box: a handler of its own, so that it can be debounced."""
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        self.patient = str(value or "")[: service.SEARCH_MAX]
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def step(self, direction: int):
        """The previous or next day, week or month."""
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if self.period == "range" or direction not in (-1, 1):
            return
        try:
            first, end = self._period()
        except SchedulingError as exc:
            self.error = str(exc)
            return
        self.anchor = (end if direction > 0 else first - timedelta(days=1)).isoformat()
        self._reload(user)

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def download_csv(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        period, records, error = self._records(user)
        if period is None or error:
            return rx.toast.error(error)
        first, end = period
        # The BOM tells Excel the file is UTF-8, so accented names read right.
        data = appointments_csv(records).encode("utf-8-sig")
        return rx.download(data=data, filename=f"miwell-appointments-{first}-to-{end - timedelta(days=1)}.csv", mime_type="text/csv")

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def download_ics(self):
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        if not self.doctor_id.isdigit():
            return rx.toast.info("Choose a doctor first: the calendar file holds one doctor's appointments.")
        try:
            first, end = self._period()
        except SchedulingError as exc:
            return rx.toast.error(str(exc))
        return _ics_download(user, int(self.doctor_id), first, end)


def _ics_download(user: CurrentUser, doctor_id: int, first: date, end: date) -> Any:
    result, error = _run(lambda s: calendar_service.doctor_records(s, user, doctor_id, first, end))
    if result is None:
        return rx.toast.error(error)
    name, records = result
    data = appointments_ics(records, calendar_name=f"{name} · MiWell")
    last = end - timedelta(days=1)
    return rx.download(data=data, filename=f"{_slug(name)}-{first}-to-{last}.ics", mime_type="text/calendar")


class DoctorExportState(AuthState):
    """The .ics download on a doctor's page."""

    ics_from: str = ""
    ics_to: str = ""
    ics_key: int = 0

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def load(self):
        if self._require(STAFF) is None:
            return  # the page guard turns the visitor away
        today = _today()
        self.ics_from, self.ics_to = today.isoformat(), (today + timedelta(weeks=ICS_WEEKS, days=-1)).isoformat()
        self.ics_key += 1

    @rx.event
    @allow(STAFF, owns=Owns.OWN_ORGANISATION)
    def download(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(STAFF)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            doctor_id = service.parse_id(_last_segment(self.router.url.path))
            first = service.parse_day(_form(form, "ics_from"), "first day")
            last = service.parse_day(_form(form, "ics_to"), "last day")
        except SchedulingError as exc:
            return rx.toast.error(str(exc))
        return _ics_download(user, doctor_id, first, last + timedelta(days=1))


__all__ = ["DoctorExportState", "ReportState"]
