"""The waiting list: entries, offers that hold a freed slot, and answering them.

When a slot frees up (a cancellation, a move, a new or longer agenda) or an offer ends,
:func:`offer_free_slots` gives the first matching waiting entry (urgent first, then oldest) an
offer that holds the slot for ``waitlist_hold_minutes``: the free-slot queries count a held slot
as taken, so nobody else is offered it or can book it. Accepting books it on the race-safe path;
declining or expiry passes it on; staff may release a hold to book the time by hand. Every state
change is timestamped on the entry and the offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from miwell.accounts.core.rules import Role
from miwell.accounts.services import CurrentUser, require_role
from miwell.scheduling.core.formatting import clock, day_text, span_text
from miwell.scheduling.core.waitlist import ALL_TIMES, times_text
from miwell.scheduling.models import (
    Clinic,
    ClinicPatient,
    Doctor,
    WaitlistEntry,
    WaitlistOffer,
)
from miwell.scheduling.services.appointments import book_in_organisation
from miwell.scheduling.services.calendar import _own
from miwell.scheduling.services.common import _line, _owned, _staff_organisation, _touch_calendar, local_now
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.scheduling.services.offers import _set_status, offer_free_slots
from miwell.scheduling.services.self_booking import _bookable
from miwell.settings import get_settings
from miwell.timeutil import utcnow

MAX_WAIT_DAYS = 366
FROM_WAITLIST_NOTE = "Booked from the waiting list"


@dataclass(frozen=True)
class EntryRow:
    id: int
    patient: str
    whom: str  # "Dr Priya Shah" or "any doctor at Harbour Street Clinic"
    days: str
    times: str
    urgent: bool
    status: str
    since: datetime
    offer_id: int | None = None
    offer_text: str = ""  # "Tue 8 Dec 2026, 10:00–10:30, held until 14:35"


@dataclass(frozen=True)
class OfferView:
    """An offer as the patient sees it: when, with whom, where, and until when it is held."""

    id: int
    when: str
    doctor: str
    clinic: str
    until: str


# --- entries ---------------------------------------------------------------------------------------


def _checked_days(first_day: date, last_day: date, today: date) -> None:
    if last_day < first_day:
        raise SchedulingError("The last day is before the first day.")
    if last_day < today:
        raise SchedulingError("The dates have passed already: choose days from today on.")
    if (last_day - first_day).days > MAX_WAIT_DAYS:
        raise SchedulingError("A place on the waiting list covers at most a year.")


def _checked_times(times_of_day: int) -> int:
    if not isinstance(times_of_day, int) or isinstance(times_of_day, bool) or not 1 <= times_of_day <= ALL_TIMES:
        raise SchedulingError("Choose at least one time of day: morning, afternoon or evening.")
    return times_of_day


def add_entry(
    session: Session,
    actor: CurrentUser,
    patient_id: int,
    *,
    doctor_id: int | None = None,
    clinic_id: int | None = None,
    first_day: date,
    last_day: date,
    times_of_day: int = ALL_TIMES,
    urgent: bool = False,
    note: str = "",
    now: datetime | None = None,
) -> WaitlistEntry:
    """Staff put a patient on the waiting list for a doctor, or any doctor of a clinic; a matching
    free slot is offered at once."""
    organisation_id = _staff_organisation(actor)
    now = now or utcnow()
    _owned(session, ClinicPatient, patient_id, organisation_id)
    if doctor_id is None and clinic_id is None:
        raise SchedulingError("Choose a doctor, or a clinic whose doctors the patient will see.")
    if doctor_id is not None:
        _owned(session, Doctor, doctor_id, organisation_id)
    if clinic_id is not None:
        _owned(session, Clinic, clinic_id, organisation_id)
    _checked_days(first_day, last_day, now.date())
    note = _line(note, "The note")
    if len(note) > 500:
        raise SchedulingError("The note must be at most 500 characters.")
    entry = WaitlistEntry(
        organisation_id=organisation_id, patient_id=patient_id, doctor_id=doctor_id, clinic_id=clinic_id,
        first_day=first_day, last_day=last_day, times_of_day=_checked_times(times_of_day), urgent=urgent is True,
        note=note, created_by_id=actor.id, created_at=now, status_changed_at=now,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    offer_free_slots(session, organisation_id, now)
    return entry


def join_waitlist(
    session: Session,
    actor: CurrentUser,
    doctor_id: int,
    first_day: date,
    last_day: date,
    times_of_day: int = ALL_TIMES,
    now: datetime | None = None,
) -> WaitlistEntry:
    """A patient puts themself on the waiting list for a doctor, where their organisation has opened
    online booking (never as urgent: urgency is the clinic's call)."""
    now = now or utcnow()
    doctor, record = _bookable(session, actor, doctor_id)
    _checked_days(first_day, last_day, now.date())
    waiting = session.exec(
        select(WaitlistEntry.id).where(
            WaitlistEntry.patient_id == record.id,
            WaitlistEntry.doctor_id == doctor.id,
            col(WaitlistEntry.status).in_(("waiting", "offered")),
        )
    ).first()
    if waiting is not None:
        raise SchedulingError(f"You are already on the waiting list for {doctor.full_name}.")
    entry = WaitlistEntry(
        organisation_id=doctor.organisation_id, patient_id=record.id, doctor_id=doctor.id, first_day=first_day,
        last_day=last_day, times_of_day=_checked_times(times_of_day), note="Joined online by the patient",
        created_by_id=actor.id, created_at=now, status_changed_at=now,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    offer_free_slots(session, doctor.organisation_id, now)
    return entry


def list_entries(session: Session, actor: CurrentUser, include_closed: bool = False) -> list[EntryRow]:
    """The organisation's waiting list in the order it is served (urgent, then oldest), each entry
    with its live offer: one query."""
    organisation_id = _staff_organisation(actor)
    statuses = ("waiting", "offered") + (("booked", "expired", "withdrawn") if include_closed else ())
    rows = session.exec(
        select(WaitlistEntry, ClinicPatient.full_name, Doctor.full_name, Clinic.name, WaitlistOffer)
        .join(ClinicPatient, ClinicPatient.id == WaitlistEntry.patient_id)
        .outerjoin(Doctor, Doctor.id == WaitlistEntry.doctor_id)
        .outerjoin(Clinic, Clinic.id == WaitlistEntry.clinic_id)
        .outerjoin(WaitlistOffer, (WaitlistOffer.entry_id == WaitlistEntry.id) & (WaitlistOffer.status == "offered"))
        .where(WaitlistEntry.organisation_id == organisation_id, col(WaitlistEntry.status).in_(statuses))
        .order_by(col(WaitlistEntry.urgent).desc(), WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    return [
        EntryRow(
            entry.id, patient, doctor or f"any doctor at {clinic}", _days_text(entry.first_day, entry.last_day),  # type: ignore[arg-type]
            times_text(entry.times_of_day), entry.urgent, entry.status, entry.created_at,
            offer.id if offer else None,
            f"{span_text(offer.starts_at, offer.ends_at)}, held until {clock(_local_expiry(session, offer))}" if offer else "",
        )  # fmt: skip
        for entry, patient, doctor, clinic, offer in rows
    ]


def _days_text(first: date, last: date) -> str:
    return day_text(first) if first == last else f"{day_text(first)} – {day_text(last)}"


def _local_expiry(session: Session, offer: WaitlistOffer) -> datetime:
    clinic = session.get(Clinic, offer.clinic_id)
    return local_now(offer.expires_at, clinic.timezone if clinic else get_settings().default_timezone)


def withdraw(session: Session, actor: CurrentUser, entry_id: int, now: datetime | None = None) -> WaitlistEntry:
    """Take an entry off the list (staff of its organisation, or the patient it is for); a slot it
    holds passes to the next match."""
    now = now or utcnow()
    entry = _entry_for(session, actor, entry_id)
    if entry.status not in ("waiting", "offered"):
        raise SchedulingError("This entry is no longer waiting.")
    live = _live_offer(session, entry.id)  # type: ignore[arg-type]
    if live is not None:
        _close_offer(session, live, "declined", now)
    _set_status(entry, "withdrawn", now)
    session.add(entry)
    session.flush()
    offer_free_slots(session, entry.organisation_id, now)
    return entry


def _entry_for(session: Session, actor: CurrentUser, entry_id: object) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, entry_id) if isinstance(entry_id, int) and not isinstance(entry_id, bool) else None
    if entry is None:
        raise NotFound(NOT_FOUND)
    if actor is not None and actor.role == Role.PATIENT.value:
        own = session.exec(select(ClinicPatient.id).where(_own(actor), ClinicPatient.id == entry.patient_id)).first()
        if own is None:
            raise NotFound(NOT_FOUND)
        return entry
    if _staff_organisation(actor) != entry.organisation_id:
        raise NotFound(NOT_FOUND)
    return entry


# --- offers ----------------------------------------------------------------------------------------


def _live_offer(session: Session, entry_id: int) -> WaitlistOffer | None:
    return session.exec(select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id, WaitlistOffer.status == "offered")).first()


def _close_offer(session: Session, offer: WaitlistOffer, status: str, now: datetime) -> None:
    offer.status, offer.answered_at = status, now
    session.add(offer)
    session.flush()
    _touch_calendar(session, offer.organisation_id)


def _offer_for(session: Session, actor: CurrentUser, offer_id: object) -> tuple[WaitlistOffer, WaitlistEntry]:
    offer = session.get(WaitlistOffer, offer_id) if isinstance(offer_id, int) and not isinstance(offer_id, bool) else None
    if offer is None:
        raise NotFound(NOT_FOUND)
    entry = _entry_for(session, actor, offer.entry_id)
    return offer, entry


def _still_open(offer: WaitlistOffer, now: datetime) -> None:
    if offer.status not in ("offered", "expired"):
        raise SchedulingError("This offer has already been answered.")
    if offer.status == "expired" or offer.expires_at <= now:
        raise SchedulingError("This offer has ended and the time was passed on. You are still on the waiting list.")


def accept_offer(session: Session, actor: CurrentUser, offer_id: int, now: datetime | None = None):
    """Book the held slot for the entry's patient (the patient, or staff on their behalf)."""
    now = now or utcnow()
    offer, entry = _offer_for(session, actor, offer_id)
    _still_open(offer, now)
    # No longer held, so the booking below sees the slot free; if it fails, the transaction is
    # rolled back and the hold stands.
    offer.status, offer.answered_at = "accepted", now
    session.add(offer)
    session.flush()
    appointment = book_in_organisation(
        session, offer.organisation_id, actor, offer.doctor_id, offer.starts_at, entry.patient_id, None, now, FROM_WAITLIST_NOTE
    )
    offer.appointment_id = entry.appointment_id = appointment.id
    _set_status(entry, "booked", now)
    session.add_all([offer, entry])
    session.flush()
    return appointment


def decline_offer(session: Session, actor: CurrentUser, offer_id: int, now: datetime | None = None) -> None:
    """Let the offer go: the entry waits on (never offered this slot again); the slot passes on."""
    now = now or utcnow()
    offer, entry = _offer_for(session, actor, offer_id)
    _still_open(offer, now)
    _close_offer(session, offer, "declined", now)
    _set_status(entry, "waiting", now)
    session.add(entry)
    session.flush()
    offer_free_slots(session, offer.organisation_id, now)


def release_hold(session: Session, actor: CurrentUser, offer_id: int, now: datetime | None = None) -> None:
    """Staff free a held slot to book it by hand: the entry waits on, and this slot is not offered
    to anybody else."""
    now = now or utcnow()
    organisation_id = _staff_organisation(actor)
    offer, entry = _offer_for(session, actor, offer_id)
    if offer.organisation_id != organisation_id or offer.status != "offered":
        raise SchedulingError("This slot is not held any more.")
    _close_offer(session, offer, "released", now)
    _set_status(entry, "waiting", now)
    session.add(entry)
    session.flush()


def expire_offers(session: Session, now: datetime | None = None) -> int:
    """Every minute (the job queue): offers past their time pass on, entries past their dates end.
    Returns how many offers expired."""
    now = now or utcnow()
    expired = session.exec(select(WaitlistOffer).where(WaitlistOffer.status == "offered", WaitlistOffer.expires_at <= now)).all()
    entry_ids = {o.entry_id for o in expired}
    entries = {e.id: e for e in session.exec(select(WaitlistEntry).where(col(WaitlistEntry.id).in_(entry_ids))).all()} if entry_ids else {}
    organisations = set()
    for offer in expired:
        offer.status, offer.answered_at = "expired", now
        entry = entries.get(offer.entry_id)
        if entry is not None and entry.status == "offered":
            _set_status(entry, "waiting", now)
            session.add(entry)
        session.add(offer)
        organisations.add(offer.organisation_id)
    for entry in session.exec(
        select(WaitlistEntry).where(col(WaitlistEntry.status).in_(("waiting",)), WaitlistEntry.last_day < now.date() - timedelta(days=1))
    ).all():
        _set_status(entry, "expired", now)
        session.add(entry)
    session.flush()
    for organisation_id in organisations:
        _touch_calendar(session, organisation_id)
        offer_free_slots(session, organisation_id, now)
    return len(expired)


def patient_offers(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[OfferView]:
    """The signed-in patient's live offers: one query."""
    require_role(actor, Role.PATIENT.value)
    now = now or utcnow()
    rows = session.exec(
        select(WaitlistOffer, Doctor.full_name, Clinic)
        .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
        .join(ClinicPatient, ClinicPatient.id == WaitlistEntry.patient_id)
        .join(Doctor, Doctor.id == WaitlistOffer.doctor_id)
        .join(Clinic, Clinic.id == WaitlistOffer.clinic_id)
        .where(_own(actor), WaitlistOffer.status == "offered", WaitlistOffer.expires_at > now)
        .order_by(WaitlistOffer.starts_at)
    ).all()
    return [
        OfferView(o.id, span_text(o.starts_at, o.ends_at), doctor, clinic.name, clock(local_now(o.expires_at, clinic.timezone)))  # type: ignore[arg-type]
        for o, doctor, clinic in rows
    ]
