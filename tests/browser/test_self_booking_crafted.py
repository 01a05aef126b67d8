"""Crafted websocket events from a signed-in patient against online booking and the waiting list:
they cannot book in an organisation that has not opened online booking, book or cancel for someone
else, or take someone else's waiting-list offer. Every var that steers which record a handler
touches is forced through ``setvar`` first, as an attacker would (this Reflex refuses ``setvar`` on
a var without a setter, and the handlers check again what they are sent)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from miwell.accounts import services as accounts
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.db import make_engine
from miwell.demo import DEMO_PASSWORD
from miwell.scheduling import services as service
from miwell.scheduling.models import Appointment, Clinic, ClinicPatient, WaitlistOffer
from miwell.scheduling.services import links, waitlist
from tests.browser.helpers import at, handler_name, log_in, send_crafted_event
from tests.browser.own_doctor import ZONE, working_day_from

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_app):
    """An organisation that has NOT opened online booking, where Pat's account is linked too; and in
    the demo organisation, Grace's appointment and a waiting-list offer held for Grace."""
    engine = make_engine(live_app.database_url)
    day = working_day_from(datetime.now(ZONE).date() + timedelta(days=3))
    tag = uuid.uuid4().hex[:6]
    with Session(engine) as s:
        admin = CurrentUser.of(s.exec(select(User).where(User.email == "admin@miwell.example")).one())
        pat_user = CurrentUser.of(s.exec(select(User).where(User.email == "patient@miwell.example")).one())
        desk = CurrentUser.of(s.exec(select(User).where(User.email == "staff@miwell.example")).one())
        closed = service.create_organisation(s, admin, f"Closed Clinic {tag}")
        clinic = service.create_clinic(s, admin, closed.id, "Closed Street", "1 Closed Street, Leeds", "Europe/London")
        staff = CurrentUser.of(
            accounts.register(
                s, role="staff", full_name="Closed Desk", email=f"closed.{tag}@example.org", phone="+44 20 7946 0777",
                password=DEMO_PASSWORD, organisation_id=closed.id, by_operator=True,
            )
        )  # fmt: skip
        s.flush()
        closed_doctor = service.create_doctor(s, staff, full_name=f"Dr Closed {tag}")
        service.create_agenda(
            s, staff, closed_doctor.id, clinic_id=clinic.id, start_date=day, end_date=day, start_time=time(9),
            end_time=time(10), slot_minutes=30, weekdays=(day.weekday(),),
        )  # fmt: skip
        service.create_patient(s, staff, full_name="Pat at Closed", account_email="patient@miwell.example")
        for request in links.my_requests(s, pat_user):
            links.answer(s, pat_user, request.id, True)

        home = s.exec(select(Clinic).where(Clinic.organisation_id == desk.organisation_id).order_by(Clinic.id)).first()
        grace = s.exec(select(ClinicPatient.id).where(ClinicPatient.full_name == "Grace Liu")).one()
        open_doctor = service.create_doctor(s, desk, full_name=f"Dr Open {tag}")
        service.create_agenda(
            s, desk, open_doctor.id, clinic_id=home.id, start_date=day, end_date=day, start_time=time(9),
            end_time=time(10), slot_minutes=30, weekdays=(day.weekday(),),
        )  # fmt: skip
        graces = service.book(s, desk, open_doctor.id, datetime.combine(day, time(9)), grace, None)
        waitlist.add_entry(s, desk, grace, doctor_id=open_doctor.id, first_day=day, last_day=day)  # takes 09:30 at once
        offer = s.exec(select(WaitlistOffer).where(WaitlistOffer.doctor_id == open_doctor.id)).one()
        s.commit()
        world = dict(
            engine=engine, day=day, closed_doctor=closed_doctor.id, open_doctor=open_doctor.id,
            open_doctor_name=open_doctor.full_name,
            graces_appointment=graces.id, graces_offer=offer.id,
        )  # fmt: skip
    yield world
    engine.dispose()


def test_a_patient_crafting_events_cannot_book_cancel_or_take_what_is_not_theirs(page, world):
    import miwell.miwell  # noqa: F401
    from miwell.scheduling.states import PatientAppointmentsState
    from miwell.scheduling.states.calendar_dialogs import CalendarDialogState
    from miwell.scheduling.states.self_booking import PatientBookingState

    engine, day = world["engine"], world["day"]
    log_in(page, "patient@miwell.example")
    expect(page).to_have_url(at("/patient"))
    history = lambda: page.get_by_role("link", name="History").first.click()  # noqa: E731 - sends events
    today = lambda: page.get_by_role("link", name="Today").first.click()  # noqa: E731

    def craft(state, handler: str, payload: dict, trigger) -> None:
        send_crafted_event(page, handler_name(state, handler), payload, trigger=trigger)

    # 1. Booking in the organisation that never opened online booking, its doctor forced in.
    page.goto("/patient/book")
    expect(page.locator("#book-doctor")).to_be_visible()
    slot = datetime.combine(day, time(9)).isoformat()
    craft(PatientBookingState, "setvar", {"var_name": "doctor", "value": str(world["closed_doctor"])}, history)
    craft(PatientBookingState, "setvar", {"var_name": "chosen", "value": slot}, today)
    craft(PatientBookingState, "pick_doctor", {"value": str(world["closed_doctor"])}, history)
    craft(PatientBookingState, "choose", {"start": slot}, today)
    craft(PatientBookingState, "confirm", {}, history)

    # 2. Seeing Grace's appointment: its calendar file, or the cancel dialog that names it.
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    craft(PatientAppointmentsState, "download", {"appointment_id": world["graces_appointment"]}, history)
    craft(PatientAppointmentsState, "ask_cancel", {"appointment_id": world["graces_appointment"]}, today)

    # 3. Cancelling Grace's appointment, its id forced in.
    craft(PatientAppointmentsState, "setvar", {"var_name": "cancelling_id", "value": world["graces_appointment"]}, history)
    craft(PatientAppointmentsState, "confirm_cancel", {"form": {"reason": "Not mine to cancel"}}, today)

    # 4. Taking Grace's offer, forced into the offers the page holds.
    fake = {"id": str(world["graces_offer"]), "when": "x", "doctor": "x", "clinic": "x", "until": "x"}
    craft(PatientAppointmentsState, "setvar", {"var_name": "offers", "value": [fake]}, history)
    craft(PatientAppointmentsState, "answer_offer", {"offer_id": str(world["graces_offer"]), "take": True}, today)

    # 5. The desk's booking handler, as a patient: for anybody, at the open doctor's free 09:30.
    craft(CalendarDialogState, "book", {"form": {"patient_id": "1"}}, history)

    # Control: an ordinary event of theirs on the same socket has run, so the crafted ones have too.
    page.goto("/patient")
    expect(page).to_have_url(at("/patient"))
    expect(page.locator("#upcoming-appointments")).to_be_visible()
    expect(page.locator("#cancel-reason")).to_have_count(0)  # no dialog about Grace's appointment
    expect(page.locator("body")).not_to_contain_text(world["open_doctor_name"])
    assert downloads == []
    with Session(engine) as s:
        assert s.exec(select(Appointment).where(Appointment.doctor_id == world["closed_doctor"])).all() == []
        assert s.get(Appointment, world["graces_appointment"]).status == "scheduled"
        assert s.get(WaitlistOffer, world["graces_offer"]).status == "offered"
        assert s.exec(select(Appointment).where(Appointment.doctor_id == world["open_doctor"])).all() == [
            s.get(Appointment, world["graces_appointment"])
        ]
