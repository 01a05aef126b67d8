"""Demo clinic data: one organisation with a clinic, doctors, patients, clients, agendas and bookings.

Called by :func:`miwell.demo.load` once the demo accounts exist. Agendas start from the current
week so the booking page always has free slots to show, whenever the demo is loaded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from miwell.accounts import services as accounts
from miwell.accounts.demo import DEMO_PASSWORD
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.scheduling import services as service
from miwell.scheduling.services import links
from miwell.scheduling.models import Appointment, AppointmentStatusChange, Organisation
from miwell.timeutil import utcnow

DEMO_ORGANISATION = "Harbour Mind Charity"
DEMO_STAFF_EMAIL = "staff@miwell.example"
# A second desk of the same organisation: two receptionists sharing one live calendar.
SECOND_DESK = ("Ravi Reception", "reception2@miwell.example", "+44 20 7946 0005")
WEEKDAYS = (0, 1, 2, 3, 4)

# (name, speciality, linked psychiatrist account)
DOCTORS = [
    ("Dr Priya Shah", "Adult psychiatry", "psychiatrist@miwell.example"),
    ("Dr Tom Okafor", "Child and adolescent psychiatry", "tom.okafor@miwell.example"),
    ("Dr Lena Novak", "Clinical psychology", ""),
    ("Dr Omar Haddad", "Addiction psychiatry", ""),
]
# (name, phone, email, date of birth, linked patient account)
PATIENTS = [
    ("Pat Patient", "+44 113 496 0101", "patient@miwell.example", "1990-04-12", "patient@miwell.example"),
    ("Jamie Rivers", "+44 113 496 0102", "jamie.rivers@miwell.example", "1985-09-30", ""),
    ("Noah Bennett", "", "", "2012-02-17", ""),
    ("Grace Liu", "+44 113 496 0104", "grace.liu@example.org", "1972-11-03", ""),
]
# What Harbour Street's patients see under "Need help now?": the clinic's own line, then the UK's.
CRISIS_LINES = [
    ("Harbour Street crisis team", "0113 496 0999", "Weekdays 8am to 8pm: a clinician who knows you."),
    ("NHS 111", "111", "Choose option 2 for urgent mental health help, 24 hours a day."),
    ("Samaritans", "116 123", "Free, any time, day or night."),
    ("Emergency services", "999", "If you are in danger now, or go to A&E."),
]
# Parents and carers who book for someone else.
CLIENTS = [
    ("Emma Bennett", "+44 161 496 0301", "emma.bennett@example.org"),
    ("David Liu", "+44 161 496 0302", ""),
]


def demo_organisation(session: Session) -> int:
    """The demo organisation's id, created on first call; staff accounts need it before they exist."""
    found = session.exec(select(Organisation.id).where(Organisation.name == DEMO_ORGANISATION)).first()
    if found is not None:
        return found
    organisation = Organisation(name=DEMO_ORGANISATION)
    session.add(organisation)
    session.flush()
    assert organisation.id is not None
    return organisation.id


def _admin(session: Session) -> CurrentUser:
    admin = session.exec(select(User).where(User.role == "admin").order_by(User.id)).first()
    assert admin is not None, "the demo accounts come first"
    return CurrentUser.of(admin)


def _desk(session: Session) -> CurrentUser:
    staff = session.exec(select(User).where(User.email == DEMO_STAFF_EMAIL)).first()
    assert staff is not None and staff.organisation_id is not None, "the demo staff account comes first"
    return CurrentUser.of(staff)


def _past_appointment(session: Session, desk: CurrentUser, doctor_id: int, clinic_id: int, patient_id: int, client_id: int, start: datetime) -> None:
    """A completed appointment from before the demo's agendas began, with its status history."""
    assert desk.organisation_id is not None
    appointment = Appointment(
        organisation_id=desk.organisation_id,
        doctor_id=doctor_id,
        clinic_id=clinic_id,
        patient_id=patient_id,
        client_id=client_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        status="completed",
    )
    session.add(appointment)
    session.flush()
    assert appointment.id is not None
    steps = [(None, "scheduled", "Booked"), ("scheduled", "checked_in", ""), ("checked_in", "completed", "")]
    for from_status, to_status, reason in steps:
        session.add(
            AppointmentStatusChange(
                appointment_id=appointment.id,
                from_status=from_status,
                to_status=to_status,
                changed_by_id=desk.id,
                changed_by_name=desk.full_name,
                reason=reason,
            )
        )
    session.flush()


def _second_desk(session: Session, organisation_id: int) -> None:
    name, email, phone = SECOND_DESK
    accounts.register(
        session,
        role="staff",
        full_name=name,
        email=email,
        phone=phone,
        password=DEMO_PASSWORD,
        organisation_id=organisation_id,
        by_operator=True,
    )
    session.flush()


def _accept_demo_links(session: Session, emails: list[str]) -> None:
    """The demo's account owners have already said yes to the clinic's link requests."""
    users = session.exec(select(User).where(User.email.in_(emails))).all()  # type: ignore[attr-defined]
    for user in users:
        me = accounts.CurrentUser.of(user)
        for request in links.my_requests(session, me):
            links.answer(session, me, request.id, True)


def load_demo(session: Session) -> None:
    admin, desk = _admin(session), _desk(session)
    organisation_id = demo_organisation(session)
    _second_desk(session, organisation_id)
    clinic = service.create_clinic(
        session, admin, organisation_id, "Harbour Street Clinic", "12 Harbour Street, Leeds LS1 4AB", "Europe/London"
    )
    assert clinic.id is not None
    doctors = [
        service.create_doctor(session, desk, full_name=name, speciality=speciality, psychiatrist_email=account)
        for name, speciality, account in DOCTORS
    ]
    patients = [
        service.create_patient(session, desk, full_name=name, phone=phone, email=email, date_of_birth=born, account_email=account)
        for name, phone, email, born, account in PATIENTS
    ]
    _accept_demo_links(session, [account for *_, account in (*DOCTORS, *PATIENTS) if account])
    service.set_crisis_lines(session, admin, organisation_id, CRISIS_LINES)
    # The demo clinic lets its patients book and cancel online, so the patient's side can be tried.
    service.set_online_booking(session, admin, organisation_id, True)
    self_clients = [service.create_client(session, desk, patient_id=p.id) for p in (patients[0], patients[1], patients[3])]
    carers = [service.create_client(session, desk, full_name=n, phone=ph, email=e) for n, ph, e in CLIENTS]

    today = datetime.now(ZoneInfo(clinic.timezone)).date()
    monday = today - timedelta(days=today.weekday())
    last_day = monday + timedelta(weeks=8, days=-1)
    hours = [((9, 0), (12, 0), 30), ((13, 0), (17, 0), 60), ((9, 30), (13, 0), 30), ((14, 0), (18, 0), 45)]
    for doctor, (start, end, minutes) in zip(doctors, hours):
        service.create_agenda(
            session,
            desk,
            doctor.id,  # type: ignore[arg-type]
            clinic_id=clinic.id,
            start_date=monday,
            end_date=last_day,
            start_time=time(*start),
            end_time=time(*end),
            slot_minutes=minutes,
            weekdays=WEEKDAYS,
        )
        if start == (9, 0):  # Dr Shah also sees people on Saturday mornings
            service.create_agenda(
                session, desk, doctor.id,  # type: ignore[arg-type]
                clinic_id=clinic.id, start_date=monday, end_date=last_day,
                start_time=time(10, 0), end_time=time(12, 0), slot_minutes=60, weekdays=(5,),
            )  # fmt: skip

    _book_upcoming(session, desk, doctors, patients, carers, today)
    for weeks_ago, (doctor, patient, client) in enumerate(
        [(doctors[0], patients[0], self_clients[0]), (doctors[1], patients[2], carers[0]), (doctors[0], patients[3], carers[1])],
        start=1,
    ):
        day = monday - timedelta(weeks=weeks_ago) + timedelta(days=1)
        _past_appointment(session, desk, doctor.id, clinic.id, patient.id, client.id, datetime.combine(day, time(10, 0)))  # type: ignore[arg-type]


def _book_upcoming(session: Session, desk: CurrentUser, doctors, patients, carers, today: date) -> None:
    """A few bookings on the next working days, taken from the slots the service offers."""
    plan = [
        (doctors[0], patients[0], None),
        (doctors[0], patients[2], carers[0].id),
        (doctors[1], patients[2], carers[0].id),
        (doctors[2], patients[1], None),
        (doctors[3], patients[3], carers[1].id),
        (doctors[1], patients[3], None),
    ]
    now = utcnow()
    booked = []
    for index, (doctor, patient, client_id) in enumerate(plan):
        day = today + timedelta(days=1 + index // 2)
        for _ in range(7):  # the next day the doctor works
            slots = service.day_slots(session, desk, doctor.id, day, now=now)
            if slots:
                # The second free slot of the day, so the earliest stays visibly bookable.
                slot = slots[min(1, len(slots) - 1)]
                booked.append(service.book(session, desk, doctor.id, slot.start, patient.id, client_id, now=now))
                break
            day += timedelta(days=1)
    service.cancel(session, desk, booked[-1].id, "Patient asked to move it to a later date.", now=now)
    # Today's desk is not empty when the demo starts on a working day.
    for doctor, patient in ((doctors[0], patients[1]), (doctors[2], patients[3])):
        slots = service.day_slots(session, desk, doctor.id, today, now=now)
        if slots:
            service.book(session, desk, doctor.id, slots[-1].start, patient.id, None, now=now)
