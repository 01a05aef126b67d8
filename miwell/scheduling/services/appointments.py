"""Appointments: reading them, the free slots offered, booking, moving and status changes.

Free slots are computed from agendas and appointments on demand (see ``core.availability``);
nothing stores them. Times are naive clinic local time; ``now`` arguments are aware UTC."""


from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import union_all
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser, PermissionDenied
from miwell.audit import services as audit
from miwell.scheduling.core.availability import free_slots
from miwell.scheduling.core.formatting import (
    clock,
    day_text,
    duration_text,
    short_date,
    span_text,
)
from miwell.scheduling.core.status import (
    InvalidTransition,
    allowed_targets,
    status_label,
    transition,
)
from miwell.scheduling.models import (
    Agenda,
    Appointment,
    AppointmentStatusChange,
    Client,
    Clinic,
    ClinicPatient,
    Doctor,
    WaitlistOffer,
)
from miwell.scheduling.services.agendas import (
    rule_of,
)
from miwell.scheduling.services.common import (
    _LONGEST_APPOINTMENT,
    _WIDEST_UTC_OFFSET,
    REASON_MAX,
    SAME_DAY_STATUSES,
    SELF_CLIENT_LABEL,
    SLOT_TAKEN,
    _block,
    _display_phone,
    _line,
    _owned,
    _staff_organisation,
    _touch_calendar,
    local_now,
)
from miwell.scheduling.services.errors import SchedulingError
from miwell.scheduling.services.offers import held_reason, offer_free_slots
from miwell.scheduling.services.slots import OfferedSlot, free_slots_in_organisation
from miwell.scheduling.services.people import (
    _self_client,
)
from miwell.timeutil import utcnow


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    starts_at: datetime
    when: str
    hours: str
    doctor_id: int
    doctor: str
    colour: str
    clinic: str
    patient: str
    client: str
    status: str
    status_label: str
    actions: tuple[str, ...]  # statuses it may move to now, cancellation included


def _appointment_query():
    return (
        select(
            Appointment, Doctor.full_name, Doctor.colour, Clinic.name, Clinic.timezone, ClinicPatient.full_name,
            Client.full_name, Client.patient_id,
        )  # fmt: skip
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .outerjoin(Client, Client.id == Appointment.client_id)
    )


def actions_for(status: str, starts_at: datetime, clinic_now: datetime) -> tuple[str, ...]:
    """What the desk may do with an appointment now: arrivals and outcomes only once its day has come."""
    on_or_after_day = clinic_now.date() >= starts_at.date()
    return tuple(t for t in allowed_targets(status) if on_or_after_day or t not in SAME_DAY_STATUSES)


def _appointment_rows(rows: Sequence[tuple], now: datetime) -> list[AppointmentRow]:
    result = []
    for appointment, doctor, colour, clinic, tz, patient, client, client_patient_id in rows:
        if client_patient_id is not None and client_patient_id == appointment.patient_id:
            client = SELF_CLIENT_LABEL
        result.append(
            AppointmentRow(
                appointment.id,
                appointment.starts_at,
                span_text(appointment.starts_at, appointment.ends_at),
                f"{clock(appointment.starts_at)}–{clock(appointment.ends_at)}",
                appointment.doctor_id,
                doctor,
                colour,
                clinic,
                patient,
                client or "",
                appointment.status,
                status_label(appointment.status),
                actions_for(appointment.status, appointment.starts_at, local_now(now, tz)),
            )
        )
    return result


def appointments_on(session: Session, actor: CurrentUser, day: date, now: datetime | None = None) -> list[AppointmentRow]:
    """Every appointment of the organisation on ``day`` (clinic local), cancelled ones included."""
    organisation_id = _staff_organisation(actor)
    start = datetime.combine(day, time.min)
    rows = session.exec(
        _appointment_query()
        .where(Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= start, Appointment.starts_at < start + timedelta(days=1))
        .order_by(Appointment.starts_at, Doctor.full_name, Appointment.id)
    ).all()
    return _appointment_rows(rows, now or utcnow())


def appointments_today(session: Session, actor: CurrentUser, now: datetime | None = None) -> tuple[list[AppointmentRow], date | None]:
    """Every appointment of the organisation on today's date *in its own clinic's zone* (cancelled
    ones included), and that date when all the organisation's clinics share it (else None): one
    query for the appointments, one for the zones."""
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    zones = set(session.exec(select(Clinic.timezone).where(Clinic.organisation_id == organisation_id)).all())
    days = {local_now(now, zone).date() for zone in zones} or {local_now(now, "UTC").date()}
    start = datetime.combine(min(days), time.min)
    rows = session.exec(
        _appointment_query()
        .where(Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= start, Appointment.starts_at < datetime.combine(max(days), time.min) + timedelta(days=1))
        .order_by(Appointment.starts_at, Doctor.full_name, Appointment.id)
    ).all()
    mine = [row for row in rows if row[0].starts_at.date() == local_now(now, row[4]).date()]
    audit.viewed(session, actor, "appointments", clinic_patient_ids={row[0].patient_id for row in mine}, organisation_id=organisation_id)
    return _appointment_rows(mine, now), (days.pop() if len(days) == 1 else None)


def upcoming_for_doctor(
    session: Session, actor: CurrentUser, doctor_id: int, now: datetime | None = None, limit: int = 100
) -> list[AppointmentRow]:
    """The doctor's appointments from today on (clinic local), cancelled ones left out."""
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    now = now or utcnow()
    today = datetime.combine((now.replace(tzinfo=None) - _WIDEST_UTC_OFFSET).date(), time.min)
    rows = session.exec(
        _appointment_query()
        .where(Appointment.doctor_id == doctor_id, Appointment.organisation_id == organisation_id)
        .where(Appointment.starts_at >= today, Appointment.status != "cancelled")
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit + 8)  # a few of the earliest may be yesterday in the clinic's zone
    ).all()
    kept = [r for r in rows if r[0].starts_at.date() >= local_now(now, r[4]).date()]
    return _appointment_rows(kept[:limit], now)


@dataclass(frozen=True)
class HistoryRow:
    from_status: str
    to_status: str
    by: str
    at: datetime
    reason: str


def status_history(session: Session, actor: CurrentUser, appointment_id: int) -> list[HistoryRow]:
    organisation_id = _staff_organisation(actor)
    _owned(session, Appointment, appointment_id, organisation_id)
    changes = session.exec(
        select(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id == appointment_id)
        .order_by(AppointmentStatusChange.changed_at, AppointmentStatusChange.id)
    ).all()
    return [HistoryRow(c.from_status or "", c.to_status, c.changed_by_name, c.changed_at, c.reason) for c in changes]


# --- appointments: booking and status ----------------------------------------------------------


def _offer(
    session: Session,
    organisation_id: int,
    doctor_id: int,
    day: date,
    now: datetime,
    with_bookings: bool = True,
    hide_past: bool = True,
    honour_limits: bool = True,
    moving: int | None = None,
) -> list[OfferedSlot]:
    """The doctor's free slots of ``day``, each with the agenda and clinic that offers it: two queries.
    ``moving`` is an appointment being moved: its own time does not count as booked.

    ``honour_limits`` False leaves out the agendas' minimum notice and horizon (a desk booking by
    hand on purpose); buffers always count."""
    agendas = session.exec(
        select(Agenda, Clinic)
        .join(Clinic, Clinic.id == Agenda.clinic_id)
        .where(Agenda.doctor_id == doctor_id, Agenda.organisation_id == organisation_id)
        .where(Agenda.start_date <= day, Agenda.end_date >= day)
    ).all()
    if not agendas:
        return []
    booked: list[tuple[datetime, datetime]] = []
    if with_bookings:
        # A booking on a neighbouring day still counts if it comes within an agenda's buffer.
        reach = timedelta(minutes=max(agenda.buffer_minutes for agenda, _ in agendas))
        start = datetime.combine(day, time.min) - reach
        end = datetime.combine(day, time.min) + timedelta(days=1) + reach
        appointments = (
            select(Appointment.starts_at, Appointment.ends_at)
            .where(Appointment.doctor_id == doctor_id, Appointment.status != "cancelled")
            .where(Appointment.starts_at >= start - _LONGEST_APPOINTMENT)
            .where(Appointment.starts_at < end, Appointment.ends_at > start)
            .where(Appointment.id != (moving or 0))
        )
        # A slot held for a waiting patient is as taken as a booked one until the offer ends.
        holds = (
            select(WaitlistOffer.starts_at, WaitlistOffer.ends_at)
            .where(WaitlistOffer.doctor_id == doctor_id, WaitlistOffer.status == "offered", WaitlistOffer.expires_at > now)
            .where(WaitlistOffer.starts_at < end, WaitlistOffer.ends_at > start)
        )
        booked = [tuple(row) for row in session.connection().execute(union_all(appointments, holds)).all()]
    offered = []
    for agenda, clinic in agendas:
        clinic_now = local_now(now, clinic.timezone)
        limits_now = clinic_now if hide_past and honour_limits else None
        not_before = clinic_now if hide_past else None
        offered += [
            OfferedSlot(slot.start, slot.end, agenda.id, clinic.id, clinic.name)  # type: ignore[arg-type]
            for slot in free_slots([rule_of(agenda)], booked, day, not_before=not_before, now=limits_now)
        ]
    return sorted(offered, key=lambda s: (s.start, s.end))


def day_slots(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    day: date,
    now: datetime | None = None,
    outside_limits: bool = False,
) -> list[OfferedSlot]:
    """The doctor's free slots of ``day``; with ``outside_limits`` also those inside the agendas'
    minimum notice or beyond their horizon, which only staff may book (see :func:`book`)."""
    organisation_id = _staff_organisation(actor)
    _owned(session, Doctor, doctor_id, organisation_id)
    return _offer(session, organisation_id, doctor_id, day, now or utcnow(), honour_limits=not outside_limits)


def free_slots_between(
    session: Session,
    actor: CurrentUser,
    first_day: date,
    last_day: date,
    doctor_id: int | None = None,
    now: datetime | None = None,
) -> dict[int, list[OfferedSlot]]:
    """Free slots from ``first_day`` to ``last_day`` per doctor: one doctor, or every doctor of the
    organisation. Two queries whatever the range; another organisation's doctor gets nothing."""
    return free_slots_in_organisation(session, _staff_organisation(actor), first_day, last_day, doctor_id, now)


def _not_offered_reason(
    session: Session, organisation_id: int, doctor: Doctor, starts_at: datetime, now: datetime, honour_limits: bool = True
) -> str:
    assert doctor.id is not None
    held = held_reason(session, doctor.id, starts_at, now)
    if held:
        return held
    day = starts_at.date()
    without_bookings = _offer(session, organisation_id, doctor.id, day, now, with_bookings=False, honour_limits=honour_limits)
    slot = next((s for s in without_bookings if s.start == starts_at), None)
    if slot is not None:
        agenda = session.get(Agenda, slot.agenda_id)
        overlapping = session.exec(
            select(Appointment.id).where(
                Appointment.doctor_id == doctor.id,
                Appointment.status != "cancelled",
                Appointment.starts_at < slot.end,
                Appointment.ends_at > slot.start,
            )
        ).first()
        if overlapping is None and agenda is not None and agenda.buffer_minutes:
            return (
                f"{clock(starts_at)} is too close to another of {doctor.full_name}'s appointments: this agenda keeps "
                f"{duration_text(agenda.buffer_minutes)} between sessions. Pick one of the free slots shown."
            )
        return SLOT_TAKEN
    if honour_limits:
        unlimited = _offer(session, organisation_id, doctor.id, day, now, with_bookings=False, honour_limits=False)
        slot = next((s for s in unlimited if s.start == starts_at), None)
        agenda = session.get(Agenda, slot.agenda_id) if slot is not None else None
        clinic = session.get(Clinic, agenda.clinic_id) if agenda is not None else None
        if agenda is not None and clinic is not None:
            clinic_now = local_now(now, clinic.timezone)
            if starts_at < clinic_now + timedelta(minutes=agenda.min_notice_minutes):
                return (
                    f"{doctor.full_name}'s agenda is booked {duration_text(agenda.min_notice_minutes)} ahead at least, "
                    f"so {day_text(day)} at {clock(starts_at)} is too soon. Pick one of the free slots shown."
                )
            return (
                f"{doctor.full_name}'s agenda takes bookings up to {agenda.horizon_days} days ahead, "
                f"so {day_text(day)} is too far. Pick one of the free slots shown."
            )
    any_time = _offer(session, organisation_id, doctor.id, starts_at.date(), now, with_bookings=False, hide_past=False)
    if any(s.start == starts_at for s in any_time):
        return "That time has already passed. Pick one of the free slots shown."
    return (
        f"{day_text(starts_at.date())} at {clock(starts_at)} is not a slot of {doctor.full_name}'s agendas. "
        "Pick one of the free slots shown."
    )


def _client_for(session: Session, organisation_id: int, patient: ClinicPatient, client_id: int | None) -> Client:
    if client_id is None:
        return _self_client(session, organisation_id, patient)
    return _owned(session, Client, client_id, organisation_id)


def book(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    starts_at: datetime,
    patient_id: int,
    client_id: int | None = None,
    now: datetime | None = None,
    note: str = "",
    outside_limits: bool = False,
) -> Appointment:
    """Book the free slot of the doctor starting at ``starts_at`` (clinic local).

    ``client_id`` None means the patient books for themself. Only a slot that ``free_slots``
    offers can be booked, and the partial unique index settles two desks racing for it.
    ``outside_limits`` lets the desk book inside the agenda's minimum notice or beyond its
    horizon (never closer than its buffer); the appointment records that it did.
    """
    return book_in_organisation(
        session, _staff_organisation(actor), actor, doctor_id, starts_at, patient_id, client_id, now, note, outside_limits
    )


def book_in_organisation(
    session: Session,
    organisation_id: int,
    actor: CurrentUser,
    doctor_id: int,
    starts_at: datetime,
    patient_id: int,
    client_id: int | None = None,
    now: datetime | None = None,
    note: str = "",
    outside_limits: bool = False,
) -> Appointment:
    """``book`` for a caller that has checked the actor's rights in the organisation itself: the
    same checks of the slot, the same race-safe insert, the same live calendars.

    ``outside_limits`` is for clinic staff and clinicians booking by hand; a patient's own booking
    never passes it, and it is refused for a patient actor here as well."""
    now = now or utcnow()
    note = _note(note)
    if outside_limits and actor.role == Role.PATIENT.value:
        raise PermissionDenied("Only the clinic can book inside an agenda's notice or beyond its horizon.")
    doctor = _owned(session, Doctor, doctor_id, organisation_id)
    patient = _owned(session, ClinicPatient, patient_id, organisation_id)
    day = starts_at.date()
    offered = next(
        (s for s in _offer(session, organisation_id, doctor_id, day, now, honour_limits=not outside_limits) if s.start == starts_at),
        None,
    )
    if offered is None:
        raise SchedulingError(_not_offered_reason(session, organisation_id, doctor, starts_at, now, not outside_limits))
    # Recorded only when the override mattered: a slot the agenda offers anyway was booked within its limits.
    outside_limits = outside_limits and not any(s.start == starts_at for s in _offer(session, organisation_id, doctor_id, day, now))
    client = _client_for(session, organisation_id, patient, client_id)
    appointment = Appointment(
        organisation_id=organisation_id,
        doctor_id=doctor_id,
        clinic_id=offered.clinic_id,
        patient_id=patient_id,
        client_id=client.id,
        starts_at=offered.start,
        ends_at=offered.end,
        status="scheduled",
        note=note,
        outside_limits=outside_limits,
    )
    try:
        with session.begin_nested():
            session.add(appointment)
            session.flush()
            assert appointment.id is not None
            booked = "Booked inside the agenda's notice or beyond its horizon" if outside_limits else "Booked"
            session.add(_history(appointment.id, None, "scheduled", actor, booked))
            session.flush()
    except IntegrityError:
        raise SchedulingError(SLOT_TAKEN) from None
    _touch_calendar(session, organisation_id)
    return appointment


def _note(raw: str) -> str:
    text = _block(raw, "The note")
    note = "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
    if len(note) > REASON_MAX:
        raise SchedulingError(f"The note must be at most {REASON_MAX} characters.")
    return note


def reschedule(
    session: Session,
    actor: CurrentUser,
    appointment_id: int,
    starts_at: datetime,
    now: datetime | None = None,
    doctor_id: int | None = None,
) -> Appointment:
    """Move an appointment to another free slot, of its doctor or of ``doctor_id`` (another doctor
    of the organisation), as one UPDATE of the same row.

    The row is never deleted or duplicated, so no outcome loses the appointment: either it moves
    or it stays where it was. The free-slot check gives a clear message; between that check and
    the UPDATE another desk may take the slot, and then the partial unique index refuses the move
    (on PostgreSQL the second writer waits for the first to commit) and it stays put.
    The move is recorded in the status history (same status, the reason says from where to where).
    """
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    if appointment.status not in ("scheduled", "confirmed"):
        raise SchedulingError(
            f"A {status_label(appointment.status)} appointment cannot be moved; book a new one instead."
        )
    previous = _owned(session, Doctor, appointment.doctor_id, organisation_id)
    doctor = previous if doctor_id in (None, previous.id) else _owned(session, Doctor, doctor_id, organisation_id)  # type: ignore[arg-type]
    if starts_at == appointment.starts_at and doctor.id == previous.id:
        raise SchedulingError("The appointment is already at that time. Pick another free slot.")
    offered = next(
        (s for s in _offer(session, organisation_id, doctor.id, starts_at.date(), now, moving=appointment_id) if s.start == starts_at),  # type: ignore[arg-type]
        None,
    )
    if offered is None:
        raise SchedulingError(_not_offered_reason(session, organisation_id, doctor, starts_at, now))
    before = span_text(appointment.starts_at, appointment.ends_at)
    moved = f"Moved from {before} to {span_text(offered.start, offered.end)}"
    if doctor.id != previous.id:
        moved += f", from {previous.full_name} to {doctor.full_name}"
    try:
        with session.begin_nested():
            appointment.starts_at, appointment.ends_at, appointment.clinic_id = offered.start, offered.end, offered.clinic_id
            appointment.doctor_id = doctor.id  # type: ignore[assignment]
            session.add(appointment)
            session.flush()
            session.add(_history(appointment_id, appointment.status, appointment.status, actor, moved))
            session.flush()
    except IntegrityError:
        # The savepoint's rollback expired the row, so it reads back at its old time.
        raise SchedulingError(SLOT_TAKEN) from None
    _touch_calendar(session, organisation_id)
    offer_free_slots(session, organisation_id, now)
    return appointment


def _history(appointment_id: int, from_status: str | None, to_status: str, actor: CurrentUser, reason: str) -> AppointmentStatusChange:
    return AppointmentStatusChange(
        appointment_id=appointment_id,
        from_status=from_status,
        to_status=to_status,
        changed_by_id=actor.id,
        changed_by_name=actor.full_name,
        reason=reason,
    )


def change_status(
    session: Session, actor: CurrentUser, appointment_id: int, target: str, reason: str = "", now: datetime | None = None
) -> Appointment:
    """Move an appointment to ``target`` through :func:`transition`; cancelling needs a reason."""
    organisation_id = _staff_organisation(actor)
    appointment = _owned(session, Appointment, appointment_id, organisation_id)
    clinic = session.get(Clinic, appointment.clinic_id)
    assert clinic is not None
    try:
        new_status = transition(appointment.status, target)
    except InvalidTransition as exc:
        raise SchedulingError(str(exc)) from None
    reason = _line(reason, "The reason")
    if new_status == "cancelled" and not reason:
        raise SchedulingError("Please give a reason for the cancellation.")
    if len(reason) > REASON_MAX:
        raise SchedulingError(f"The reason must be at most {REASON_MAX} characters.")
    if new_status not in actions_for(appointment.status, appointment.starts_at, local_now(now or utcnow(), clinic.timezone)):
        raise SchedulingError(
            f"This appointment is on {day_text(appointment.starts_at.date())}: "
            f"it can be {status_label(new_status)} from that day on."
        )
    session.add(_history(appointment_id, appointment.status, new_status, actor, reason))
    appointment.status = new_status
    session.add(appointment)
    session.flush()
    _touch_calendar(session, organisation_id)
    if new_status == "cancelled":
        offer_free_slots(session, organisation_id, now)
    return appointment


def cancel(session: Session, actor: CurrentUser, appointment_id: int, reason: str, now: datetime | None = None) -> Appointment:
    return change_status(session, actor, appointment_id, "cancelled", reason, now)


# --- for the booking form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def booking_choices(session: Session, actor: CurrentUser) -> tuple[list[Choice], list[Choice]]:
    """Patients and clients of the organisation for the booking form's pickers, in two queries."""
    organisation_id = _staff_organisation(actor)
    patients = session.exec(
        select(ClinicPatient.id, ClinicPatient.full_name, ClinicPatient.date_of_birth)
        .where(ClinicPatient.organisation_id == organisation_id)
        .order_by(ClinicPatient.full_name, ClinicPatient.id)
    ).all()
    clients = session.exec(
        select(Client.id, Client.full_name, Client.phone)
        .where(Client.organisation_id == organisation_id, col(Client.patient_id).is_(None))
        .order_by(Client.full_name, Client.id)
    ).all()
    return (
        [Choice(pid, f"{name} (born {short_date(born)})" if born else name) for pid, name, born in patients],
        [Choice(cid, f"{name}, {_display_phone(phone)}" if phone else name) for cid, name, phone in clients],
    )
