"""Offers of the waiting list: which waiting patient is offered a free slot, holding it for them.

Apart from the rest of the waiting list (``waitlist``: entries and answering offers) because
booking, moving and agendas call :func:`offer_free_slots` whenever a slot may have freed, while
answering an offer books through them: this module needs only the free-slot queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from miwell.accounts.models import User
from miwell.push import publish_after_commit, user_topic
from miwell.scheduling.core.formatting import clock, day_text
from miwell.scheduling.core.waitlist import FreeSlot, WaitingEntry, match_waitlist
from miwell.scheduling.models import Clinic, ClinicPatient, WaitlistEntry, WaitlistOffer
from miwell.scheduling.services.common import _touch_calendar, local_now
from miwell.scheduling.services.slots import free_slot_data, free_slots_from
from miwell.settings import get_settings
from miwell.timeutil import utcnow

# How far ahead offers are looked for: entries may wait longer, but slots are offered from this window.
OFFER_HORIZON_DAYS = 90


def _set_status(entry: WaitlistEntry, status: str, now: datetime) -> None:
    entry.status, entry.status_changed_at = status, now


def offer_free_slots(session: Session, organisation_id: int, now: datetime | None = None) -> int:
    """Give each waiting entry of the organisation that a free slot matches an offer holding it:
    a handful of queries, whatever the number of entries. Returns how many offers were made."""
    now = now or utcnow()
    entries = session.exec(
        select(WaitlistEntry).where(
            WaitlistEntry.organisation_id == organisation_id,
            WaitlistEntry.status == "waiting",
            WaitlistEntry.last_day >= now.date() - timedelta(days=1),
        )
    ).all()
    if not entries:
        return 0
    earlier = session.exec(
        select(WaitlistOffer.entry_id, WaitlistOffer.doctor_id, WaitlistOffer.starts_at).where(
            col(WaitlistOffer.entry_id).in_([e.id for e in entries])
        )
    ).all()
    offered_before: dict[int, set[tuple[int, datetime]]] = {}
    for entry_id, doctor_id, start in earlier:
        offered_before.setdefault(entry_id, set()).add((doctor_id, start))
    first_day = max(now.date() - timedelta(days=1), min(e.first_day for e in entries))
    last_day = min(max(e.last_day for e in entries), now.date() + timedelta(days=OFFER_HORIZON_DAYS))
    if last_day < first_day:
        return 0
    groups, booked = free_slot_data(session, organisation_id, first_day, last_day, None, now)
    offered = free_slots_from(groups, booked, first_day, last_day, now)
    free = [FreeSlot(s.start, s.end, doctor_id, s.clinic_id) for doctor_id, slots in offered.items() for s in slots]
    waiting = [
        WaitingEntry(
            e.id, e.urgent, e.created_at, e.doctor_id, e.clinic_id, e.first_day, e.last_day, e.times_of_day,  # type: ignore[arg-type]
            frozenset(offered_before.get(e.id, ())),  # type: ignore[arg-type]
        )  # fmt: skip
        for e in entries
    ]
    by_id = {e.id: e for e in entries}
    expires = now + timedelta(minutes=get_settings().waitlist_hold_minutes)
    made = []
    for chosen, slot in match_waitlist(waiting, free):
        entry = by_id[chosen.id]
        offer = WaitlistOffer(
            organisation_id=organisation_id, entry_id=entry.id, doctor_id=slot.doctor_id, clinic_id=slot.clinic_id,  # type: ignore[arg-type]
            starts_at=slot.start, ends_at=slot.end, offered_at=now, expires_at=expires,
        )  # fmt: skip
        _set_status(entry, "offered", now)
        session.add_all([offer, entry])
        made.append((offer, entry))
    if not made:
        return 0
    session.flush()
    _tell_patients(session, made, now)
    _touch_calendar(session, organisation_id)
    return len(made)


def _tell_patients(session: Session, made: list[tuple[WaitlistOffer, WaitlistEntry]], now: datetime) -> None:
    """In the app at once (a live push to the patient's pages) and by email through the outbox."""
    from miwell.outreach.core import messages
    from miwell.outreach.services.outbox import enqueue

    patients = {
        p.id: p for p in session.exec(select(ClinicPatient).where(col(ClinicPatient.id).in_({e.patient_id for _, e in made}))).all()
    }
    users = {
        u.id: u
        for u in session.exec(select(User).where(col(User.id).in_({p.user_id for p in patients.values() if p.user_id}))).all()
    }
    clinics = {c.id: c for c in session.exec(select(Clinic).where(col(Clinic.id).in_({o.clinic_id for o, _ in made}))).all()}
    for offer, entry in made:
        patient = patients[entry.patient_id]
        user = users.get(patient.user_id) if patient.user_id else None
        if user is not None:
            publish_after_commit(session, user_topic(user.id))  # type: ignore[arg-type]
        recipient = user.email if user is not None else patient.email
        if not recipient:
            continue
        clinic = clinics[offer.clinic_id]
        until = local_now(offer.expires_at, clinic.timezone)
        enqueue(
            session,
            key=f"waitlist:{offer.id}",
            kind="waitlist",
            recipient=recipient,
            mail=messages.waitlist_offer_email(
                get_settings().public_url, messages.first_name(patient.full_name), offer.starts_at, clinic.name, until
            ),
            now=now,
            user_id=user.id if user is not None else None,
        )


def held_reason(session: Session, doctor_id: int, starts_at: datetime, now: datetime) -> str:
    """Why a time cannot be booked by hand when it is held for the waiting list; empty if it is not."""
    offer = session.exec(
        select(WaitlistOffer, Clinic.timezone)
        .join(Clinic, Clinic.id == WaitlistOffer.clinic_id)
        .where(WaitlistOffer.doctor_id == doctor_id, WaitlistOffer.status == "offered", WaitlistOffer.expires_at > now)
        .where(WaitlistOffer.starts_at <= starts_at, WaitlistOffer.ends_at > starts_at)
    ).first()
    if offer is None:
        return ""
    held, zone = offer
    return (
        f"{day_text(starts_at.date())} at {clock(starts_at)} is held for a patient on the waiting list until "
        f"{clock(local_now(held.expires_at, zone))}. Release the hold on the Waiting list page to book it by hand."
    )
