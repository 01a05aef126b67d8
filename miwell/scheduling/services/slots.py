"""Free slots of a range: the two queries behind them (agendas; bookings and slots held for the
waiting list) and the computation over what they read, for the calendar, booking, series and the
waiting list alike.

Apart from booking so that the waiting list (``offers``) can use them without importing booking.
Times are naive clinic local time; ``now`` arguments are aware UTC."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, union_all
from sqlmodel import Session, select

from miwell.scheduling.core.availability import AgendaRule, _free_slot_offers
from miwell.scheduling.core.formatting import weekdays_of
from miwell.scheduling.models import Agenda, Appointment, Clinic, WaitlistOffer
from miwell.scheduling.services.common import _LONGEST_APPOINTMENT, local_now
from miwell.scheduling.services.errors import SchedulingError
from miwell.timeutil import utcnow


@dataclass(frozen=True)
class OfferedSlot:
    start: datetime
    end: datetime
    agenda_id: int
    clinic_id: int
    clinic: str


def free_slots_in_organisation(
    session: Session,
    organisation_id: int,
    first_day: date,
    last_day: date,
    doctor_id: int | None = None,
    now: datetime | None = None,
    honour_limits: bool = True,
    only_days: Collection[date] | None = None,
) -> dict[int, list[OfferedSlot]]:
    """``free_slots_between`` for a caller that has checked the actor's rights in the organisation
    itself (a psychiatrist booking for their own patient with their own doctor record).
    ``only_days`` limits the answer to those days of the range.

    ``honour_limits`` False leaves out the agendas' minimum notice and horizon (an urgent booking);
    buffers always count."""
    if last_day < first_day:
        raise SchedulingError("The last day is before the first day.")
    now = now or utcnow()
    groups, booked = free_slot_data(session, organisation_id, first_day, last_day, doctor_id, now)
    return free_slots_from(groups, booked, first_day, last_day, now, honour_limits, only_days)


# Per doctor and clinic time zone, each agenda's rule with its id, clinic id and clinic name.
AgendaGroups = dict[tuple[int, str], list[tuple[AgendaRule, int, int, str]]]


def free_slot_data(
    session: Session,
    organisation_id: int,
    first_day: date,
    last_day: date,
    doctor_id: int | None = None,
    now: datetime | None = None,
) -> tuple[AgendaGroups, Mapping[int, Iterable[tuple[datetime, datetime]]]]:
    """The two queries behind free slots: agendas and bookings of the range (and of a buffer
    around it), slots held for the waiting list at ``now`` counting as booked, for
    :func:`free_slots_from`, which a caller may run on them more than once."""
    since = datetime.combine(first_day, time.min)
    params = dict(
        organisation=organisation_id,
        first=first_day,
        last=last_day,
        since=since,
        until=datetime.combine(last_day + timedelta(days=1), time.min),
        earliest=since - _LONGEST_APPOINTMENT,
        doctor=doctor_id,
        held_now=now or utcnow(),
    )
    # Prebuilt statements and Core rows (plain tuples): this is the hot path of the calendar.
    connection = session.connection()
    agendas = _AGENDAS_IN_RANGE if doctor_id is None else _DOCTOR_AGENDAS_IN_RANGE
    bookings = _BOOKED_IN_RANGE if doctor_id is None else _DOCTOR_BOOKED_IN_RANGE
    # One computation per doctor and clinic time zone: "past" depends on the zone, nothing else does.
    groups: AgendaGroups = {}
    widest_buffer = 0
    for agenda_id, doctor, clinic_id, *rule_fields, clinic_name, timezone in connection.execute(agendas, params).all():
        rule = _rule_from_columns(*rule_fields)
        widest_buffer = max(widest_buffer, rule.buffer_minutes)
        groups.setdefault((doctor, timezone), []).append((rule, agenda_id, clinic_id, clinic_name))
    if not groups:
        return {}, {}
    if widest_buffer:
        # Bookings just outside the range count when they come within a buffer of its slots.
        reach = timedelta(minutes=widest_buffer)
        params.update(since=since - reach, until=params["until"] + reach, earliest=params["earliest"] - reach)
    rows = connection.execute(bookings, params).all()
    booked: Mapping[int, Iterable[tuple[datetime, datetime]]]
    if doctor_id is None:
        by_doctor: dict[int, list[tuple[datetime, datetime]]] = {}
        for doctor, start, end in rows:
            by_doctor.setdefault(doctor, []).append((start, end))
        booked = by_doctor
    else:
        # One doctor's rows are (start, end) pairs already, with no doctor column to regroup by.
        booked = {doctor_id: rows}
    return groups, booked


def free_times_from(
    groups: AgendaGroups,
    booked: Mapping[int, Iterable[tuple[datetime, datetime]]],
    first_day: date,
    last_day: date,
    now: datetime,
    only_days: Collection[date] | None = None,
) -> set[tuple[datetime, datetime]]:
    """Only the ``(start, end)`` of the free slots of :func:`free_slots_from` (every doctor read),
    for a caller that needs no agenda or clinic per slot: a series checking its dates."""
    times: set[tuple[datetime, datetime]] = set()
    for (doctor, timezone), agendas in groups.items():
        clinic_now = local_now(now, timezone)
        offers = _free_slot_offers(
            [rule for rule, *_ in agendas], booked.get(doctor, ()), first_day, last_day, clinic_now, clinic_now, only_days
        )
        times.update((start, end) for start, end, _ in offers)
    return times


def free_slots_from(
    groups: AgendaGroups,
    booked: Mapping[int, Iterable[tuple[datetime, datetime]]],
    first_day: date,
    last_day: date,
    now: datetime,
    honour_limits: bool = True,
    only_days: Collection[date] | None = None,
) -> dict[int, list[OfferedSlot]]:
    """Free slots per doctor from what :func:`free_slot_data` read, without another query."""
    result: dict[int, list[OfferedSlot]] = {}
    in_several_zones: set[int] = set()
    blank = object.__new__
    for (doctor, timezone), agendas in groups.items():
        # The core names the rule behind each slot, so no slot is searched for its agenda.
        clinic_now = local_now(now, timezone)
        offers = _free_slot_offers(
            [rule for rule, *_ in agendas],
            booked.get(doctor, ()),
            first_day,
            last_day,
            clinic_now,
            now=clinic_now if honour_limits else None,
            only_days=only_days,
        )
        details = [detail for _, *detail in agendas]
        slots = []
        for start, end, position in offers:
            agenda_id, clinic_id, clinic_name = details[position]
            # Filled in directly: a frozen dataclass's __init__ sets each field through
            # object.__setattr__, which costs more than computing the slot. Same value either way.
            slot = blank(OfferedSlot)
            slot.__dict__.update(start=start, end=end, agenda_id=agenda_id, clinic_id=clinic_id, clinic=clinic_name)
            slots.append(slot)
        if doctor in result:
            result[doctor].extend(slots)
            in_several_zones.add(doctor)
        else:
            result[doctor] = slots
    # One computation's slots come sorted by (start, end); only a doctor with agendas in clinics
    # of several time zones has runs to interleave.
    for doctor in in_several_zones:
        result[doctor].sort(key=lambda s: (s.start, s.end))
    return result


_AGENDA_COLUMNS = (
    Agenda.id, Agenda.doctor_id, Agenda.clinic_id, Agenda.start_date, Agenda.end_date,
    Agenda.start_time, Agenda.end_time, Agenda.slot_minutes, Agenda.weekdays,
    Agenda.buffer_minutes, Agenda.min_notice_minutes, Agenda.horizon_days,
)  # fmt: skip
_AGENDAS_IN_RANGE = (
    select(*_AGENDA_COLUMNS, Clinic.name, Clinic.timezone)
    .join(Clinic, Clinic.id == Agenda.clinic_id)
    .where(Agenda.organisation_id == bindparam("organisation"))
    .where(Agenda.start_date <= bindparam("last"), Agenda.end_date >= bindparam("first"))
)
_DOCTOR_AGENDAS_IN_RANGE = _AGENDAS_IN_RANGE.where(Agenda.doctor_id == bindparam("doctor"))
_BOOKED_IN_RANGE = (
    select(Appointment.doctor_id, Appointment.starts_at, Appointment.ends_at)
    .where(Appointment.organisation_id == bindparam("organisation"), Appointment.status != "cancelled")
    # The bound on starts_at from below lets the index skip the history before the range.
    .where(Appointment.starts_at >= bindparam("earliest"), Appointment.starts_at < bindparam("until"))
    .where(Appointment.ends_at > bindparam("since"))
)
# Slots held for a waiting patient: as taken as booked ones while the offer lasts.
_HELD_NOW = bindparam("held_now", type_=WaitlistOffer.__table__.c.expires_at.type)  # type: ignore[attr-defined]
_HELD_IN_RANGE = (
    select(WaitlistOffer.doctor_id, WaitlistOffer.starts_at, WaitlistOffer.ends_at)
    .where(WaitlistOffer.organisation_id == bindparam("organisation"), WaitlistOffer.status == "offered")
    .where(WaitlistOffer.expires_at > _HELD_NOW)
    .where(WaitlistOffer.starts_at < bindparam("until"), WaitlistOffer.ends_at > bindparam("since"))
)
_BOOKED_IN_RANGE = union_all(_BOOKED_IN_RANGE, _HELD_IN_RANGE)
# One doctor: by the doctor's index and no other. With the organisation condition as well, SQLite
# (without statistics) may pick the organisation's index and read every doctor's bookings of the
# range, depending on the order the indexes were created in: the benchmark's create_all varies it
# and about one run in eight took over ten times as long. The condition adds nothing here: this
# runs only once the organisation's agendas of this doctor were found, and composite foreign keys
# make an appointment's organisation its doctor's, which is the agenda's.
_DOCTOR_BOOKED_IN_RANGE = union_all(
    select(Appointment.starts_at, Appointment.ends_at)
    .where(Appointment.doctor_id == bindparam("doctor"), Appointment.status != "cancelled")
    .where(Appointment.starts_at >= bindparam("earliest"), Appointment.starts_at < bindparam("until"))
    .where(Appointment.ends_at > bindparam("since")),
    select(WaitlistOffer.starts_at, WaitlistOffer.ends_at)
    .where(WaitlistOffer.doctor_id == bindparam("doctor"), WaitlistOffer.status == "offered")
    .where(WaitlistOffer.expires_at > _HELD_NOW)
    .where(WaitlistOffer.starts_at < bindparam("until"), WaitlistOffer.ends_at > bindparam("since")),
)


def _rule_from_columns(
    start_date: date,
    end_date: date,
    start_time: time,
    end_time: time,
    slot_minutes: int,
    weekdays: int,
    buffer_minutes: int,
    min_notice_minutes: int,
    horizon_days: int,
) -> AgendaRule:
    return AgendaRule(
        start_date, end_date, start_time, end_time, slot_minutes, weekdays_of(weekdays),
        buffer_minutes, min_notice_minutes, horizon_days,
    )  # fmt: skip
