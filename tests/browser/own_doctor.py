"""A doctor of the demo clinic made for one browser test, so its slots touch no other test's."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.scheduling import services as service
from miwell.scheduling.models import Clinic, ClinicPatient, Doctor

ZONE = ZoneInfo("Europe/London")  # the demo clinic's


def working_day_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def days_ahead(days: int) -> date:
    """The first working day at least ``days`` after today in the clinic."""
    return working_day_from(datetime.now(ZONE).date() + timedelta(days=days))


def desk_of(s: Session) -> CurrentUser:
    return CurrentUser.of(s.exec(select(User).where(User.email == "staff@miwell.example")).one())


def patient_ids(s: Session, *names: str) -> dict[str, int]:
    return {name: s.exec(select(ClinicPatient.id).where(ClinicPatient.full_name == name)).one() for name in names}


def own_doctor(
    s: Session,
    desk: CurrentUser,
    prefix: str,
    first_day: date,
    last_day: date,
    start: time,
    end: time,
    minutes: int,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    **limits: int,
) -> Doctor:
    """A new doctor named ``prefix`` and a random tag, with one agenda at the demo clinic."""
    clinic = s.exec(select(Clinic).where(Clinic.organisation_id == desk.organisation_id).order_by(Clinic.id)).first()
    assert clinic is not None
    doctor = service.create_doctor(s, desk, full_name=f"{prefix} {uuid.uuid4().hex[:6]}", speciality="Psychiatry")
    service.create_agenda(
        s, desk, doctor.id, clinic_id=clinic.id, start_date=first_day, end_date=last_day, start_time=start,  # type: ignore[arg-type]
        end_time=end, slot_minutes=minutes, weekdays=weekdays, **limits,
    )  # fmt: skip
    return doctor


def show_only(page, doctor_name: str) -> None:
    """Filter the open calendar to one doctor: with more than eight doctors (other tests make theirs)
    the week view shows no free or held slots until the desk picks whose to see."""
    from playwright.sync_api import expect

    chip = page.locator(".mw-doctor-chip", has_text=doctor_name)
    if chip.get_attribute("aria-pressed") != "true":  # the tab keeps its filter between views
        chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
