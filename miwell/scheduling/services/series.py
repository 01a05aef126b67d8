"""Recurring series: previewing every date against the free slots, booking the chosen ones in one
transaction, and cancelling an occurrence with the ones after it.

Every occurrence goes through the same checks as a single booking (agendas, bookings, buffers,
notice, horizon), computed once for the whole range; the unique index (and on PostgreSQL the
exclusion constraint) settles a race with another desk, and then nothing of the series is booked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from miwell.accounts.services import CurrentUser
from miwell.scheduling.core.formatting import clock, day_text, span_text
from miwell.scheduling.core.series import (
    ALTERNATIVE_WINDOW,
    EVERY_WEEKS,
    MAX_OCCURRENCES,
    SeriesRule,
    occurrences,
    plan_series,
    series_label,
    too_close,
    validate_series,
)
from miwell.scheduling.core.status import transition
from miwell.scheduling.models import Agenda, Appointment, AppointmentSeries, ClinicPatient, Doctor
from miwell.scheduling.services.appointments import _client_for, _history, _note
from miwell.scheduling.services.offers import offer_free_slots
from miwell.scheduling.services.slots import (
    OfferedSlot,
    free_slot_data,
    free_slots_from,
    free_slots_in_organisation,
    free_times_from,
)
from miwell.scheduling.services.common import (
    REASON_MAX,
    _line,
    _owned,
    _staff_organisation,
    _touch_calendar,
)
from miwell.scheduling.services.errors import SchedulingError
from miwell.timeutil import utcnow

MOVE_TAKEN = "One of the new times was just taken by another desk, so nothing was moved. Check the dates again."
SERIES_TAKEN = (
    "One of the dates was just booked by another desk, so nothing of the series was booked. "
    "Check the dates again and book the ones that still fit."
)


@dataclass(frozen=True)
class SeriesDate:
    """One date of a previewed series: it fits, or the nearest free alternative (if any)."""

    start: datetime
    end: datetime | None
    fits: bool
    label: str
    alternative: datetime | None = None
    alternative_end: datetime | None = None
    alternative_label: str = ""


def _rule(every_weeks: int, count: int | None, until: date | None, first: datetime) -> SeriesRule:
    rule = SeriesRule(every_weeks, count, until)
    try:
        validate_series(first, rule)
    except ValueError as exc:
        raise SchedulingError(str(exc)) from None
    return rule


def _offered(
    session: Session,
    organisation_id: int,
    doctor_id: int,
    days: set[date],
    now: datetime,
) -> list[OfferedSlot]:
    """The doctor's free slots on ``days``: two queries and one pass, however far apart they are."""
    return free_slots_in_organisation(
        session, organisation_id, min(days), max(days), doctor_id, now, only_days=days
    ).get(doctor_id, [])


def preview_series(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    first_start: datetime,
    every_weeks: int,
    count: int | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> list[SeriesDate]:
    """Every date of the series, each marked fits or not, with the nearest free alternative within
    three days for one that does not: one pass over the agendas and appointments of the range."""
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    rule = _rule(every_weeks, count, until, first_start)
    starts = occurrences(first_start, rule)
    now = now or utcnow()
    # One read of the agendas and bookings of the whole range; then the free slots of the dates
    # themselves and, only for those that do not fit, of the days around them.
    first_day, last_day = (starts[0] - ALTERNATIVE_WINDOW).date(), (starts[-1] + ALTERNATIVE_WINDOW).date()
    groups, booked = free_slot_data(session, organisation_id, first_day, last_day, doctor_id)

    def free_on(days: set[date]) -> set[tuple[datetime, datetime]]:
        return free_times_from(groups, booked, first_day, last_day, now, only_days=days)

    free = free_on({start.date() for start in starts})
    plan = plan_series(starts, free)
    around = {
        (item.start + timedelta(days=shift)).date()
        for item in plan
        if not item.fits
        for shift in range(-ALTERNATIVE_WINDOW.days, ALTERNATIVE_WINDOW.days + 1)
    }
    if around:
        plan = plan_series(starts, free | free_on(around))
    return [
        SeriesDate(
            item.start,
            item.end,
            item.fits,
            span_text(item.start, item.end) if item.end else f"{day_text(item.start.date())}, {clock(item.start)}",
            item.alternative,
            item.alternative_end,
            span_text(item.alternative, item.alternative_end) if item.alternative and item.alternative_end else "",
        )
        for item in plan
    ]


def book_series(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    patient_id: int,
    starts: Sequence[datetime],
    every_weeks: int,
    client_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[Appointment]:
    """Book the chosen dates (occurrences that fit, or alternatives) as one series, all or none.

    Each start must be a free slot now, exactly as for a single booking; chosen dates must not
    overlap one another or come within the agenda's buffer of each other."""
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    note = _note(note)
    if every_weeks not in EVERY_WEEKS:
        raise SchedulingError("Repeat every week, every 2 weeks or every 4 weeks.")
    chosen = sorted(set(starts))
    if not chosen:
        raise SchedulingError("Choose at least one date to book.")
    if len(chosen) > MAX_OCCURRENCES:
        raise SchedulingError(f"A series has at most {MAX_OCCURRENCES} appointments.")
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    patient = _owned(session, ClinicPatient, patient_id, organisation_id)
    client = _client_for(session, organisation_id, patient, client_id)
    offered = {slot.start: slot for slot in _offered(session, organisation_id, doctor_id, {s.date() for s in chosen}, now)}
    missing = [start for start in chosen if start not in offered]
    if missing:
        named = ", ".join(f"{day_text(start.date())} at {clock(start)}" for start in missing[:3])
        raise SchedulingError(
            f"{named} {'is' if len(missing) == 1 else 'are'} no longer free for {doctor.full_name}, so nothing was booked. "
            "Check the dates again."
        )
    buffers = dict(
        session.exec(
            select(Agenda.id, Agenda.buffer_minutes).where(col(Agenda.id).in_({offered[s].agenda_id for s in chosen}))
        ).all()
    )
    clash = too_close(
        [(offered[s].start, offered[s].end) for s in chosen], timedelta(minutes=max(buffers.values(), default=0))
    )
    if clash:
        raise SchedulingError(
            f"{day_text(clash[0].date())} at {clock(clash[0])} and {day_text(clash[1].date())} at {clock(clash[1])} "
            "are too close to each other. Choose one of them."
        )
    series = AppointmentSeries(organisation_id=organisation_id, every_weeks=every_weeks, created_by_id=actor.id)
    session.add(series)
    session.flush()
    booked = []
    try:
        with session.begin_nested():
            for start in chosen:
                slot = offered[start]
                appointment = Appointment(
                    organisation_id=organisation_id, doctor_id=doctor_id, clinic_id=slot.clinic_id, patient_id=patient_id,
                    client_id=client.id, starts_at=slot.start, ends_at=slot.end, status="scheduled", note=note,
                    series_id=series.id,
                )  # fmt: skip
                session.add(appointment)
                booked.append(appointment)
            session.flush()
            label = series_label(every_weeks)
            for position, appointment in enumerate(booked, 1):
                assert appointment.id is not None
                reason = f"Booked in a {label} series ({position} of {len(booked)})"
                session.add(_history(appointment.id, None, "scheduled", actor, reason))
            session.flush()
    except IntegrityError:
        raise SchedulingError(SERIES_TAKEN) from None
    _touch_calendar(session, organisation_id)
    return booked


@dataclass(frozen=True)
class SeriesPlace:
    """Where an appointment stands in its series, for the details dialog."""

    series_id: int
    position: int
    total: int
    every_weeks: int
    following: int  # later occurrences that can still be cancelled

    @property
    def text(self) -> str:
        return f"{series_label(self.every_weeks).capitalize()} series: {self.position} of {self.total}"


def series_place(session: Session, actor: CurrentUser, appointment_id: int) -> SeriesPlace | None:
    """The appointment's place in its series, or None when it is a single appointment: one query."""
    organisation_id = _staff_organisation(actor)
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    if appointment.series_id is None:
        return None
    series = session.get(AppointmentSeries, appointment.series_id)
    assert series is not None
    rows = session.exec(
        select(Appointment.id, Appointment.starts_at, Appointment.status)
        .where(Appointment.series_id == series.id, Appointment.organisation_id == organisation_id)
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    ids = [row[0] for row in rows]
    position = ids.index(appointment_id)
    following = sum(1 for _, _, status in rows[position + 1 :] if status in ("scheduled", "confirmed"))
    return SeriesPlace(series.id, position + 1, len(rows), series.every_weeks, following)  # type: ignore[arg-type]


def cancel_following(
    session: Session, actor: CurrentUser, appointment_id: int, reason: str, now: datetime | None = None
) -> int:
    """Cancel this occurrence and every later one of its series still scheduled or confirmed, with
    the reason on each; returns how many were cancelled. Earlier and finished ones are untouched."""
    organisation_id = _staff_organisation(actor)
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    if appointment.series_id is None:
        raise SchedulingError("This appointment is not part of a series.")
    reason = _line(reason, "The reason")
    if not reason:
        raise SchedulingError("Please give a reason for the cancellation.")
    if len(reason) > REASON_MAX:
        raise SchedulingError(f"The reason must be at most {REASON_MAX} characters.")
    if appointment.status not in ("scheduled", "confirmed"):
        raise SchedulingError("This appointment can no longer be cancelled; cancel the later ones one by one.")
    later = session.exec(
        select(Appointment)
        .where(Appointment.series_id == appointment.series_id, Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= appointment.starts_at)
        .where(col(Appointment.status).in_(("scheduled", "confirmed")))
        .order_by(Appointment.starts_at)
    ).all()
    for item in later:
        assert item.id is not None
        session.add(_history(item.id, item.status, "cancelled", actor, f"{reason} (this and the following of the series)"))
        item.status = transition(item.status, "cancelled")
        session.add(item)
    session.flush()
    _touch_calendar(session, organisation_id)
    offer_free_slots(session, organisation_id, now)
    return len(later)


def move_following(
    session: Session, actor: CurrentUser, appointment_id: int, starts_at: datetime, now: datetime | None = None
) -> int:
    """Move this occurrence to ``starts_at`` and every later one of its series still scheduled or
    confirmed by the same amount, all or none: each new time must be a free slot of the same doctor
    (the series' own old times count as free). Returns how many moved."""
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    if appointment.series_id is None:
        raise SchedulingError("This appointment is not part of a series.")
    if appointment.status not in ("scheduled", "confirmed"):
        raise SchedulingError("This appointment can no longer be moved.")
    shift = starts_at - appointment.starts_at
    if not shift:
        raise SchedulingError("The appointment is already at that time. Pick another free slot.")
    moving = list(
        session.exec(
            select(Appointment)
            .where(Appointment.series_id == appointment.series_id, Appointment.organisation_id == organisation_id)
            .where(Appointment.starts_at >= appointment.starts_at)
            .where(col(Appointment.status).in_(("scheduled", "confirmed")))
            .order_by(Appointment.starts_at)
        ).all()
    )
    targets = [item.starts_at + shift for item in moving]
    days = {t.date() for t in targets}
    groups, booked = free_slot_data(session, organisation_id, min(days), max(days), appointment.doctor_id, now)
    # The series' own times are about to be given up, so they do not block the new ones.
    own = [(item.starts_at, item.ends_at) for item in moving]
    mine = [tuple(row) for row in booked.get(appointment.doctor_id, ())]
    for interval in own:
        if interval in mine:
            mine.remove(interval)
    offered = {
        slot.start: slot
        for slot in free_slots_from(groups, {appointment.doctor_id: mine}, min(days), max(days), now, only_days=days).get(
            appointment.doctor_id, []
        )
    }
    missing = [t for t in targets if t not in offered]
    if missing:
        named = ", ".join(f"{day_text(t.date())} at {clock(t)}" for t in missing[:3])
        raise SchedulingError(f"Nothing was moved: {named} {'is' if len(missing) == 1 else 'are'} not free. Move these dates one by one.")
    # Later ones first when moving later (earlier ones first when moving earlier), so that no
    # occurrence lands on another's old time before that one has left it.
    order = sorted(zip(moving, targets), key=lambda pair: pair[0].starts_at, reverse=shift > timedelta(0))
    try:
        with session.begin_nested():
            for item, target in order:
                slot = offered[target]
                moved = f"Moved with the series from {span_text(item.starts_at, item.ends_at)} to {span_text(slot.start, slot.end)}"
                item.starts_at, item.ends_at, item.clinic_id = slot.start, slot.end, slot.clinic_id
                session.add(item)
                session.flush()
                session.add(_history(item.id, item.status, item.status, actor, moved))  # type: ignore[arg-type]
            session.flush()
    except IntegrityError:
        raise SchedulingError(MOVE_TAKEN) from None
    _touch_calendar(session, organisation_id)
    offer_free_slots(session, organisation_id, now)
    return len(moving)
