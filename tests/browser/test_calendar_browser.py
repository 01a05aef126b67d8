"""The clinic calendar and the reports in Chromium, against the running app and its database.

Receptionists book from the week view, race each other for one slot, watch each other's changes
arrive without reloading, cancel and move bookings; the report's figures and CSV are checked
against the database. Slots are picked from the database a few days ahead on a working day, each
test with its own doctor, so the tests do not depend on today or on each other.
"""

from __future__ import annotations

import csv
import io
import re
import time as clock
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlmodel import Session, select

from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.db import make_engine
from miwell.scheduling import services as service
from miwell.scheduling.core.formatting import clock as hhmm
from miwell.scheduling.core.formatting import day_text
from miwell.scheduling.models import Appointment, ClinicPatient, Doctor
from miwell.scheduling.core.reports import CSV_HEADER, period_range
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import at, calendar_range, log_in, log_in_as, open_calendar

pytestmark = pytest.mark.browser

CLINIC_ZONE = ZoneInfo("Europe/London")
SLOT_TAKEN = service.SLOT_TAKEN


# --- the database behind the app ----------------------------------------------------------------------


class Db:
    def __init__(self, url: str):
        self.engine = make_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def doctor(self, name: str) -> Doctor:
        with Session(self.engine) as s:
            return s.exec(select(Doctor).where(Doctor.full_name == name)).one()

    def patient_id(self, name: str) -> int:
        with Session(self.engine) as s:
            return s.exec(select(ClinicPatient.id).where(ClinicPatient.full_name == name)).one()

    def free_slots(self, doctor_id: int, days_ahead: int = 3) -> list[service.OfferedSlot]:
        """The doctor's free slots from a few days ahead, working days only, soonest first."""
        with Session(self.engine) as s:
            desk = CurrentUser.of(s.exec(select(User).where(User.email == "staff@miwell.example")).one())
            first = datetime.now(CLINIC_ZONE).date() + timedelta(days=days_ahead)
            found = service.free_slots_between(s, desk, first, first + timedelta(days=21), doctor_id=doctor_id)
        return [slot for slot in found.get(doctor_id, []) if slot.start.weekday() < 5]

    def active_at(self, doctor_id: int, start: datetime) -> list[tuple[int, int]]:
        """(appointment id, patient id) of the active bookings of a doctor's start."""
        with Session(self.engine) as s:
            rows = s.exec(
                select(Appointment.id, Appointment.patient_id)
                .where(Appointment.doctor_id == doctor_id, Appointment.starts_at == start)
                .where(Appointment.status != "cancelled")
            ).all()
        return [tuple(r) for r in rows]

    def ids_between(self, first: date, end: date, *conditions) -> list[int]:
        """Appointments starting from ``first`` up to ``end`` (exclusive) that meet ``conditions``."""
        with Session(self.engine) as s:
            return sorted(
                s.exec(
                    select(Appointment.id)
                    .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
                    .where(Appointment.starts_at >= datetime.combine(first, datetime.min.time()))
                    .where(Appointment.starts_at < datetime.combine(end, datetime.min.time()), *conditions)
                ).all()
            )


@pytest.fixture
def db(live_app):
    database = Db(live_app.database_url)
    yield database
    database.close()


def wait_for(condition, timeout: float = 15.0, what: str = "the condition"):
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        value = condition()
        if value:
            return value
        clock.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


# --- steps ---------------------------------------------------------------------------------------------


def free_id(doctor_id: int, start: datetime) -> str:
    return f"free-{doctor_id}-{start:%Y%m%dT%H%M}"


def event(page: Page, event_id: str):
    return page.locator(f'#clinic-calendar [data-event-id="{event_id}"]')


def open_week_of(page: Page, day: date) -> None:
    open_calendar(page, day.isoformat())
    _, first, last = calendar_range(page)
    assert first <= day.isoformat() <= last


def fill_booking(page: Page, patient_id: int, note: str = "") -> None:
    expect(page.locator("#booking-dialog")).to_be_visible()
    page.locator("#patient_id").select_option(str(patient_id))
    if note:
        page.locator("#note").fill(note)


def book_button(page: Page):
    return page.locator("#book-button")


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"calendar-{name}.png"), full_page=True)


# --- booking ---------------------------------------------------------------------------------------------


def test_a_receptionist_books_a_free_slot_from_the_week_view(page, db):
    doctor = db.doctor("Dr Lena Novak")
    slot = db.free_slots(doctor.id)[0]
    grace = db.patient_id("Grace Liu")
    log_in_as(page, "staff")
    open_week_of(page, slot.start.date())
    offered = event(page, free_id(doctor.id, slot.start))
    expect(offered).to_be_visible()
    shoot(page, "week")

    offered.click()
    dialog = page.locator("#booking-dialog")
    expect(dialog).to_contain_text("Dr Lena Novak")
    expect(page.locator("#booking-when")).to_have_text(f"{day_text(slot.start.date())}, {hhmm(slot.start)}–{hhmm(slot.end)}")
    fill_booking(page, grace, note="Browser test: first visit")
    shoot(page, "booking-dialog")
    book_button(page).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Booked: Grace Liu with Dr Lena Novak")).to_be_visible()

    [(appointment_id, patient_id)] = wait_for(lambda: db.active_at(doctor.id, slot.start), what="the booking")
    assert patient_id == grace
    assert db.scalar("SELECT note FROM appointments WHERE id = :i", i=appointment_id) == "Browser test: first visit"
    booked = event(page, f"appointment-{appointment_id}")
    expect(booked).to_be_visible()
    expect(booked).to_contain_text("Grace Liu")
    assert booked.evaluate("el => getComputedStyle(el).backgroundColor") == rgb(doctor.colour)
    expect(offered).to_have_count(0)  # the slot is no longer offered


def test_two_receptionists_racing_for_one_slot_get_one_booking_and_a_clear_message(new_page, db):
    doctor = db.doctor("Dr Omar Haddad")
    slot = db.free_slots(doctor.id)[0]
    patients = {"staff@miwell.example": db.patient_id("Jamie Rivers"), "reception2@miwell.example": db.patient_id("Noah Bennett")}
    desks = {}
    for email, patient_id in patients.items():
        page = new_page()
        log_in(page, email)
        expect(page).to_have_url(at("/staff"))
        open_week_of(page, slot.start.date())
        event(page, free_id(doctor.id, slot.start)).click()
        fill_booking(page, patient_id)
        desks[email] = page

    for page in desks.values():  # both press "Book" at the same moment
        book_button(page).click(no_wait_after=True)

    [(appointment_id, patient_id)] = wait_for(lambda: db.active_at(doctor.id, slot.start), what="the booking")
    winner = next(email for email, p in patients.items() if p == patient_id)
    loser = next(email for email in patients if email != winner)
    expect(desks[winner].locator("#booking-dialog")).to_be_hidden()
    expect(desks[loser].locator("#booking-error")).to_have_text(SLOT_TAKEN)
    expect(desks[loser].locator("#booking-dialog")).to_be_visible()  # what was typed is still there
    assert len(db.active_at(doctor.id, slot.start)) == 1
    # Behind the message, the losing desk's calendar already shows the winner's booking.
    desks[loser].get_by_role("button", name="Cancel", exact=True).click()
    expect(event(desks[loser], f"appointment-{appointment_id}")).to_be_visible()
    expect(event(desks[loser], free_id(doctor.id, slot.start))).to_have_count(0)


def test_another_desks_booking_and_cancellation_appear_without_reloading(new_page, db):
    doctor = db.doctor("Dr Tom Okafor")
    slot = db.free_slots(doctor.id)[1]
    grace = db.patient_id("Grace Liu")
    first, second = new_page(), new_page()
    log_in(first, "staff@miwell.example")
    log_in(second, "reception2@miwell.example")
    for page in (first, second):
        expect(page).to_have_url(at("/staff"))
        open_week_of(page, slot.start.date())
        expect(event(page, free_id(doctor.id, slot.start))).to_be_visible()
    second.evaluate("window.__stayed = true")  # gone if the page reloads

    event(first, free_id(doctor.id, slot.start)).click()
    fill_booking(first, grace)
    book_button(first).click()
    [(appointment_id, _)] = wait_for(lambda: db.active_at(doctor.id, slot.start), what="the booking")

    # The other desk, left alone, shows it within a few seconds and stops offering the slot.
    expect(event(second, f"appointment-{appointment_id}")).to_be_visible(timeout=10000)
    expect(event(second, free_id(doctor.id, slot.start))).to_have_count(0)
    assert second.evaluate("window.__stayed === true")

    # Cancelled with a reason at the first desk: the slot is offered again at both.
    event(first, f"appointment-{appointment_id}").click()
    details = first.locator("#details-dialog")
    expect(details).to_contain_text("Grace Liu")
    shoot(first, "details-dialog")
    details.get_by_role("button", name="Cancel appointment…").click()
    details.get_by_label("Reason for the cancellation").fill("Patient asked to cancel")
    details.get_by_role("button", name="Cancel appointment", exact=True).click()
    expect(details).to_be_hidden()
    assert db.scalar("SELECT status FROM appointments WHERE id = :i", i=appointment_id) == "cancelled"
    assert db.scalar(
        "SELECT reason FROM appointment_status_changes WHERE appointment_id = :i AND to_status = 'cancelled'", i=appointment_id
    ) == "Patient asked to cancel"
    for page in (first, second):
        expect(event(page, free_id(doctor.id, slot.start))).to_be_visible(timeout=10000)
        expect(event(page, f"appointment-{appointment_id}")).to_have_count(0)
    assert second.evaluate("window.__stayed === true")


def test_moving_an_appointment_to_another_free_slot(page, db):
    doctor = db.doctor("Dr Tom Okafor")
    slots = db.free_slots(doctor.id, days_ahead=5)
    origin, target = slots[0], next(s for s in slots[1:] if s.start.date() == slots[0].start.date())
    log_in_as(page, "staff")
    open_week_of(page, origin.start.date())
    event(page, free_id(doctor.id, origin.start)).click()
    fill_booking(page, db.patient_id("Jamie Rivers"))
    book_button(page).click()
    [(appointment_id, _)] = wait_for(lambda: db.active_at(doctor.id, origin.start), what="the booking")

    event(page, f"appointment-{appointment_id}").click()
    details = page.locator("#details-dialog")
    details.locator("#move-slots").get_by_role(
        "button", name=f"Move to {day_text(target.start.date())}, {hhmm(target.start)}–{hhmm(target.end)}"
    ).click()
    expect(details.locator("#details-when")).to_have_text(f"{day_text(target.start.date())}, {hhmm(target.start)}–{hhmm(target.end)}")
    expect(details.locator("#details-history")).to_contain_text("Moved from")
    assert db.active_at(doctor.id, target.start) == [(appointment_id, db.patient_id("Jamie Rivers"))]
    assert db.active_at(doctor.id, origin.start) == []
    details.get_by_role("button", name="Close").click()
    expect(event(page, free_id(doctor.id, origin.start))).to_be_visible()
    expect(event(page, free_id(doctor.id, target.start))).to_have_count(0)


# --- the calendar itself -------------------------------------------------------------------------------


def test_views_navigation_and_today(page, db):
    log_in_as(page, "staff")
    open_calendar(page)
    view, first, last = calendar_range(page)
    first_day = date.fromisoformat(first)
    assert (view, first_day.weekday(), (date.fromisoformat(last) - first_day).days) == ("timeGridWeek", 0, 6)
    page.get_by_role("button", name="Next Week").click()
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", f"timeGridWeek {first_day + timedelta(days=7)} {first_day + timedelta(days=13)}")
    page.get_by_role("button", name="Previous Week").click()
    page.get_by_role("button", name="Previous Week").click()
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", f"timeGridWeek {first_day - timedelta(days=7)} {first_day - timedelta(days=1)}")
    page.get_by_role("button", name="This Week").click()
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", f"timeGridWeek {first_day} {first_day + timedelta(days=6)}")

    page.get_by_role("tab", name="Month view").click()
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", re.compile(r"^dayGridMonth "))
    _, month_first, month_last = calendar_range(page)
    assert date.fromisoformat(month_first).weekday() == 0
    assert (date.fromisoformat(month_last) - date.fromisoformat(month_first)).days + 1 in (35, 42)
    # Bookings show in the month; free slots belong to the time grids.
    expect(page.locator('#clinic-calendar [data-kind="appointment"]').first).to_be_visible()
    expect(page.locator('#clinic-calendar [data-kind="free"]')).to_have_count(0)
    shoot(page, "month")

    page.get_by_role("tab", name="Day view").click()
    expect(page.locator("#calendar-box")).to_have_attribute("data-shown", re.compile(r"^timeGridDay "))
    _, day_first, day_last = calendar_range(page)
    assert day_first == day_last
    shoot(page, "day")


def test_filters_and_show_cancelled(page, db):
    cancelled_id, cancelled_day, doctor_id = db.rows(
        "SELECT id, date(starts_at), doctor_id FROM appointments WHERE status = 'cancelled' ORDER BY starts_at DESC LIMIT 1"
    )[0]
    doctor_name = db.scalar("SELECT full_name FROM doctors WHERE id = :d", d=doctor_id)
    log_in_as(page, "staff")
    open_week_of(page, date.fromisoformat(str(cancelled_day)[:10]))
    cancelled = event(page, f"appointment-{cancelled_id}")
    expect(cancelled).to_have_count(0)
    page.get_by_role("switch").click()
    expect(cancelled).to_be_visible()
    expect(page.locator("#clinic-calendar .mw-status-cancelled").first).to_be_attached()

    # One doctor chosen: only their bookings and free slots.
    page.locator("#doctor-filter").get_by_role("button", name=doctor_name).click()
    expect(page.locator("#doctor-filter").get_by_role("button", name=doctor_name)).to_have_attribute("aria-pressed", "true")
    wait_for(
        lambda: page.evaluate(
            """(doctor) => {
                const shown = [...document.querySelectorAll('#clinic-calendar [data-event-id]')].map(e => e.dataset.doctorId);
                return shown.length > 0 && shown.every(id => id === String(doctor));
            }""",
            doctor_id,
        ),
        what="only the chosen doctor's events",
    )
    expect(cancelled).to_be_visible()
    page.locator("#doctor-filter").get_by_role("button", name="All doctors").click()
    page.get_by_role("switch").click()
    expect(cancelled).to_have_count(0)


def test_events_are_reachable_from_the_keyboard(page, db):
    doctor = db.doctor("Dr Priya Shah")
    slot = db.free_slots(doctor.id, days_ahead=4)[-1]
    log_in_as(page, "staff")
    open_week_of(page, slot.start.date())
    event(page, free_id(doctor.id, slot.start)).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#booking-when")).to_have_text(f"{day_text(slot.start.date())}, {hhmm(slot.start)}–{hhmm(slot.end)}")


def test_times_are_the_clinics_wall_clock_whatever_the_browsers_zone(browser, live_app, db):
    appointment_id, starts, ends = db.rows(
        "SELECT id, starts_at, ends_at FROM appointments WHERE status = 'scheduled' ORDER BY starts_at DESC LIMIT 1"
    )[0]
    starts, ends = (value if isinstance(value, datetime) else datetime.fromisoformat(value) for value in (starts, ends))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_app.url, timezone_id="Pacific/Auckland")
    context.set_default_timeout(20000)
    try:
        page = context.new_page()
        log_in_as(page, "staff")
        open_calendar(page, starts.date().isoformat(), view="timeGridDay")
        booked = event(page, f"appointment-{appointment_id}")
        # The clinic's wall clock, written the British way (no spaces round the dash).
        expect(booked).to_contain_text(f"{hhmm(starts)}–{hhmm(ends)}")
        booked.click()
        expect(page.locator("#details-when")).to_have_text(f"{day_text(starts.date())}, {hhmm(starts)}–{hhmm(ends)}")
    finally:
        context.close()


def test_calendar_and_reports_are_for_staff_only(page):
    log_in_as(page, "patient")
    for path in ("/staff/calendar", "/staff/reports"):
        page.goto(path)
        expect(page).to_have_url(at("/patient"))


# --- reports ---------------------------------------------------------------------------------------------


def test_the_reports_filters_and_csv_agree_with_the_database(page, db):
    log_in_as(page, "staff")
    page.goto("/staff/reports")
    page.get_by_role("radio", name="Month", exact=True).click()
    today = datetime.now(CLINIC_ZONE).date()
    first, end = period_range("month", today)
    expect(page.locator("#report-period-label")).to_have_text(re.compile(rf"^1 {first:%b %Y} – "))

    def expected(*conditions) -> list[int]:
        return db.ids_between(first, end, *conditions)

    def shown_ids() -> list[int]:
        return sorted(int(x) for x in page.locator(".report-row").evaluate_all("rows => rows.map(r => r.dataset.appointmentId)"))

    everything = expected()
    expect(page.locator("#report-total")).to_have_text(str(len(everything)))
    assert shown_ids() == everything

    shah = db.doctor("Dr Priya Shah")
    page.locator("#report-doctor_id").select_option(str(shah.id))
    mine = expected(Appointment.doctor_id == shah.id)
    expect(page.locator("#report-total")).to_have_text(str(len(mine)))
    assert shown_ids() == mine
    for status in ("scheduled", "confirmed", "cancelled", "completed"):
        count = len(expected(Appointment.doctor_id == shah.id, Appointment.status == status))
        expect(page.locator(f'#report-by-status [data-key="{status}"]')).to_have_text(re.compile(rf"\D{count}$"))

    page.locator("#report-status").select_option("scheduled")
    scheduled = expected(Appointment.doctor_id == shah.id, Appointment.status == "scheduled")
    expect(page.locator("#report-total")).to_have_text(str(len(scheduled)))
    page.locator("#report-status").select_option("")
    page.locator("#report-doctor_id").select_option("")
    page.locator("#report-patient").fill("grace")
    graces = expected(ClinicPatient.full_name.ilike("%grace%"))
    expect(page.locator("#report-total")).to_have_text(str(len(graces)))
    assert shown_ids() == graces
    shoot(page, "report")

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    raw = open(download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert sorted(int(r[0]) for r in rows[1:]) == graces
    assert {r[6] for r in rows[1:]} <= {"Grace Liu"}
    assert download.value.suggested_filename == f"miwell-appointments-{first}-to-{end - timedelta(days=1)}.csv"


def test_a_doctors_calendar_file_downloads_from_their_page(page, db):
    shah = db.doctor("Dr Priya Shah")
    log_in_as(page, "staff")
    page.goto(f"/staff/doctors/{shah.id}")
    with page.expect_download() as download:
        page.locator("#download-doctor-ics").click()
    body = open(download.value.path(), "rb").read().decode()
    assert body.startswith("BEGIN:VCALENDAR") and "X-WR-CALNAME:Dr Priya Shah · MiWell" in body
    today = datetime.now(CLINIC_ZONE).date()
    ids = db.ids_between(today, today + timedelta(weeks=4), Appointment.doctor_id == shah.id)
    assert ids and sorted(int(u) for u in re.findall(r"UID:appointment-(\d+)@", body)) == ids
