"""Agendas: when each doctor works, where, and in slots of how long. Free slots are computed from them."""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, select

from miwell.accounts.services import CurrentUser
from miwell.scheduling.core.availability import (
    AgendaRule,
    conflicts,
    rule_applies_on,
    validate_rule,
)
from miwell.scheduling.core.formatting import (
    clock,
    limits_text,
    rule_text,
    weekday_mask,
    weekdays_of,
)
from miwell.scheduling.models import (
    Agenda,
    Appointment,
    Clinic,
    Doctor,
)
from miwell.scheduling.services.common import (
    _appointment_list,
    _owned,
    _staff_organisation,
    _touch_calendar,
    _upcoming,
)
from miwell.scheduling.services.errors import SchedulingError
from miwell.scheduling.services.offers import offer_free_slots

# --- agendas ---------------------------------------------------------------------------------------


def rule_of(agenda: Agenda) -> AgendaRule:
    return AgendaRule(
        agenda.start_date,
        agenda.end_date,
        agenda.start_time,
        agenda.end_time,
        agenda.slot_minutes,
        weekdays_of(agenda.weekdays),
        buffer_minutes=agenda.buffer_minutes,
        min_notice_minutes=agenda.min_notice_minutes,
        horizon_days=agenda.horizon_days,
    )


@dataclass(frozen=True)
class AgendaRow:
    id: int
    clinic_id: int
    clinic: str
    description: str
    start_date: str
    end_date: str
    start_time: str
    end_time: str
    slot_minutes: int
    weekdays: tuple[int, ...]
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 0
    limits: str = ""  # "10 min between sessions · book 24 h ahead · up to 60 days ahead"


def _agenda_row(agenda: Agenda, clinic_name: str) -> AgendaRow:
    assert agenda.id is not None
    return AgendaRow(
        agenda.id,
        agenda.clinic_id,
        clinic_name,
        rule_text(rule_of(agenda)),
        agenda.start_date.isoformat(),
        agenda.end_date.isoformat(),
        clock(agenda.start_time),
        clock(agenda.end_time),
        agenda.slot_minutes,
        tuple(sorted(weekdays_of(agenda.weekdays))),
        agenda.buffer_minutes,
        agenda.min_notice_minutes,
        agenda.horizon_days,
        limits_text(agenda.buffer_minutes, agenda.min_notice_minutes, agenda.horizon_days),
    )


def list_agendas(session: Session, actor: CurrentUser, doctor_id: int) -> list[AgendaRow]:
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    rows = session.exec(
        select(Agenda, Clinic.name)
        .join(Clinic, Clinic.id == Agenda.clinic_id)
        .where(Agenda.doctor_id == doctor_id, Agenda.organisation_id == organisation_id)
        .order_by(Agenda.start_date, Agenda.start_time, Agenda.id)
    ).all()
    return [_agenda_row(agenda, name) for agenda, name in rows]


def _checked_rule(
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: Iterable[int],
    buffer_minutes: int = 0,
    min_notice_minutes: int = 0,
    horizon_days: int = 0,
) -> AgendaRule:
    rule = AgendaRule(
        start_date,
        end_date,
        start_time,
        end_time,
        slot_minutes,
        frozenset(weekdays),
        buffer_minutes=buffer_minutes,
        min_notice_minutes=min_notice_minutes,
        horizon_days=horizon_days,
    )
    try:
        validate_rule(rule)
    except ValueError as exc:
        raise SchedulingError(str(exc)) from None
    return rule


def _doctor_agendas(session: Session, doctor_id: int) -> list[tuple[Agenda, Clinic]]:
    return list(
        session.exec(
            select(Agenda, Clinic).join(Clinic, Clinic.id == Agenda.clinic_id).where(Agenda.doctor_id == doctor_id)
        ).all()
    )


def _refuse_conflicts(doctor: Doctor, rule: AgendaRule, others: list[tuple[Agenda, Clinic]]) -> None:
    by_rule = [(rule_of(agenda), clinic) for agenda, clinic in others]
    clashing = conflicts(rule, [r for r, _ in by_rule])
    if clashing:
        named = "; ".join(f"{clinic.name}, {rule_text(r)}" for r, clinic in by_rule if r in clashing)
        raise SchedulingError(
            f"This agenda overlaps {doctor.full_name}'s agenda at {named}. "
            "Change the dates, days or times so that they do not overlap."
        )


Cover = tuple[int, AgendaRule]  # (clinic id, rule): what an agenda contributes to coverage


def _cover(agenda: Agenda) -> Cover:
    return agenda.clinic_id, rule_of(agenda)


def _covers(cover: Cover, appointment: Appointment) -> bool:
    """Whether the appointment lies within one day's window of the agenda, at the same clinic."""
    clinic_id, rule = cover
    day = appointment.starts_at.date()
    return (
        clinic_id == appointment.clinic_id
        and rule_applies_on(rule, day)
        and datetime.combine(day, rule.start_time) <= appointment.starts_at
        and appointment.ends_at <= datetime.combine(day, rule.end_time)
    )


def _refuse_uncovering(
    session: Session, doctor_id: int, before: list[Cover], after: list[Cover], now: datetime | None, doing: str
) -> None:
    """Refuse a change of agendas that would leave upcoming appointments outside every agenda.

    Only appointments the change itself strands count, so an appointment already outside every
    agenda (booked before some older change) never blocks unrelated edits.
    """
    stranded = [
        (appointment, clinic)
        for appointment, clinic in _upcoming(session, Appointment.doctor_id == doctor_id, now)
        if any(_covers(c, appointment) for c in before) and not any(_covers(c, appointment) for c in after)
    ]
    if stranded:
        raise SchedulingError(
            f"{doing} would leave these booked appointments outside any agenda: {_appointment_list(stranded)}. "
            "Cancel or rebook them first, or keep the agenda covering them."
        )


def _apply_rule(agenda: Agenda, clinic: Clinic, rule: AgendaRule) -> None:
    assert clinic.id is not None
    agenda.clinic_id = clinic.id
    agenda.start_date, agenda.end_date = rule.start_date, rule.end_date
    agenda.start_time, agenda.end_time = rule.start_time, rule.end_time
    agenda.slot_minutes, agenda.weekdays = rule.slot_minutes, weekday_mask(rule.weekdays)
    agenda.buffer_minutes, agenda.min_notice_minutes = rule.buffer_minutes, rule.min_notice_minutes
    agenda.horizon_days = rule.horizon_days


def create_agenda(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    *,
    clinic_id: int,
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: Iterable[int],
    buffer_minutes: int = 0,
    min_notice_minutes: int = 0,
    horizon_days: int = 0,
) -> Agenda:
    organisation_id = _staff_organisation(actor)
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    clinic = _owned(session, Clinic, clinic_id, organisation_id)
    rule = _checked_rule(
        start_date, end_date, start_time, end_time, slot_minutes, weekdays, buffer_minutes, min_notice_minutes, horizon_days
    )
    _refuse_conflicts(doctor, rule, _doctor_agendas(session, doctor_id))
    agenda = Agenda(organisation_id=organisation_id, doctor_id=doctor_id)
    _apply_rule(agenda, clinic, rule)
    session.add(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)
    offer_free_slots(session, organisation_id)  # a new agenda may bring the time a waiting patient needs
    return agenda


def update_agenda(
    session: Session,
    actor: CurrentUser,
    agenda_id: int,
    *,
    clinic_id: int,
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: Iterable[int],
    now: datetime | None = None,
    buffer_minutes: int = 0,
    min_notice_minutes: int = 0,
    horizon_days: int = 0,
) -> Agenda:
    organisation_id = _staff_organisation(actor)
    agenda = _owned(session, Agenda, agenda_id, organisation_id)
    doctor = _owned(session, Doctor, agenda.doctor_id, organisation_id)
    clinic = _owned(session, Clinic, clinic_id, organisation_id)
    rule = _checked_rule(
        start_date, end_date, start_time, end_time, slot_minutes, weekdays, buffer_minutes, min_notice_minutes, horizon_days
    )
    all_agendas = _doctor_agendas(session, agenda.doctor_id)
    _refuse_conflicts(doctor, rule, [(a, c) for a, c in all_agendas if a.id != agenda_id])
    before = [_cover(a) for a, _ in all_agendas]
    after = [(clinic_id, rule) if a.id == agenda_id else _cover(a) for a, _ in all_agendas]
    _refuse_uncovering(session, agenda.doctor_id, before, after, now, "This change")
    _apply_rule(agenda, clinic, rule)
    session.add(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)
    offer_free_slots(session, organisation_id, now)  # so may a longer one
    return agenda


def delete_agenda(session: Session, actor: CurrentUser, agenda_id: int, now: datetime | None = None) -> None:
    organisation_id = _staff_organisation(actor)
    agenda = _owned(session, Agenda, agenda_id, organisation_id)
    all_agendas = [a for a, _ in _doctor_agendas(session, agenda.doctor_id)]
    before = [_cover(a) for a in all_agendas]
    after = [_cover(a) for a in all_agendas if a.id != agenda_id]
    _refuse_uncovering(session, agenda.doctor_id, before, after, now, "Deleting this agenda")
    session.delete(agenda)
    session.flush()
    _touch_calendar(session, organisation_id)
