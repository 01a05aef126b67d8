"""Demo wellbeing data: a month of check-ins for the demo patients, replies, a pin and an alert.

Written through the real services (with past "now"s), so the demo's risk flags, suggestions and
alerts are exactly what the app would have produced. Pat has 30 days of notes ending yesterday,
so today's check-in is still to do; Robin's three low days in a row raise a watch alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from miwell.accounts.models import PatientProfile, User
from miwell.accounts.services import CurrentUser
from miwell.timeutil import utcnow
from miwell.wellbeing import services as service
from miwell.wellbeing.services import questionnaires
from miwell.wellbeing.models import WellbeingTask

# Oldest first: (score, minutes, note) for the 30 days ending yesterday.
PAT_DAYS: list[tuple[int, int, str]] = [
    (4, 0, "First check-in. Not sure what to write."),
    (4, 5, "Tried the breathing exercise. Felt a bit silly, but calmer."),
    (5, 5, "Slept better."),
    (3, 0, "Argument with my sister. Stayed in most of the day."),
    (4, 10, "Walked to the shop and back instead of taking the bus."),
    (5, 10, ""),
    (5, 10, "Lunch with Sam from work."),
    (6, 15, "Good day. Finished the book I started months ago."),
    (5, 10, ""),
    (4, 5, "Tired. Work was loud."),
    (3, 0, "Low all day, couldn't say why."),
    (4, 10, "Better after a walk by the canal."),
    (5, 10, "Cooked a proper dinner."),
    (5, 15, ""),
    (6, 15, "Sunny. Sat in the park for half an hour."),
    (6, 20, "Three good things: coffee, a call with Mum, an early night."),
    (5, 15, ""),
    (4, 10, "Anxious before the appointment, fine after."),
    (5, 15, "The body scan helped me fall asleep."),
    (6, 20, ""),
    (7, 25, "Best day in weeks. Went swimming."),
    (6, 20, "Still feeling good."),
    (5, 15, "Busy day, quick check-in."),
    (4, 10, "Headache most of the afternoon."),
    (5, 15, ""),
    (6, 20, "Met an old friend for tea."),
    (6, 20, "Tidied the flat. Small thing, but it helped."),
    (5, 15, "Rainy, stayed in and read."),
    (6, 25, "Tried the loving-kindness practice."),
    (6, 20, "Quiet, good day."),
]

JAMIE_DAYS: list[tuple[int, int, str]] = [
    (5, 0, ""), (5, 5, ""), (4, 0, "Exams next week."), (4, 5, ""), (3, 0, "Did not sleep."),
    (4, 5, ""), (5, 10, "Revision went fine."), (5, 10, ""), (6, 10, "First exam done!"), (5, 5, ""),
    (5, 10, ""), (6, 15, "Out with friends."), (5, 10, ""), (5, 10, "Back to normal, I think."),
]

# Ends with three days of 3, which the risk rules turn into a watch alert.
ROBIN_DAYS: list[tuple[int, int, str]] = [
    (5, 10, ""), (5, 10, "Good walk with the dog."), (4, 5, ""), (5, 10, ""), (4, 5, "Work is piling up."),
    (4, 5, ""), (5, 10, ""), (4, 0, "Cancelled plans again."), (4, 5, ""), (4, 0, ""),
    (3, 0, "Grey day."), (4, 0, ""), (4, 5, "Short walk."), (4, 0, ""), (4, 0, ""),
    (4, 0, "Not much to say."), (4, 0, ""),
    (3, 0, "Couldn't face the shops."), (3, 0, "Stayed in bed most of the morning."),
    (3, 0, "Third grey day in a row. Everything feels like an effort."),
]

# (patient email, days ago, reply)
REPLIES = [
    ("patient@miwell.example", 30, "Well done for starting. There is no wrong thing to write here."),
    ("patient@miwell.example", 20, "Sorry the day was hard. Be gentle with yourself tonight; we can talk about it on Thursday."),
    ("patient@miwell.example", 10, "Swimming sounds like a great idea. Keep it in your week if you can."),
    ("patient@miwell.example", 2, "Lovely to see you trying loving-kindness. How did it feel?"),
    ("jamie.rivers@miwell.example", 6, "Good luck with the rest of the exams, Jamie."),
]
REVIEWED_BEFORE_DAYS = 5
ROBIN_PIN = "Three slow breaths"


def _user(session: Session, email: str) -> CurrentUser:
    user = session.exec(select(User).where(User.email == email)).one()
    return CurrentUser.of(user)


def _psychiatrist_of(session: Session, email: str) -> CurrentUser:
    patient = session.exec(select(User).where(User.email == email)).one()
    profile = session.get(PatientProfile, patient.id)
    assert profile is not None
    doctor = session.get(User, profile.psychiatrist_id)
    assert doctor is not None
    return CurrentUser.of(doctor)


def _check_ins(session: Session, patient: CurrentUser, days: list[tuple[int, int, str]], evening: datetime) -> dict[int, int]:
    """Save the days (oldest first, the last one yesterday); returns entry ids by days ago."""
    ids = {}
    for offset, (score, minutes, note) in enumerate(days):
        days_ago = len(days) - offset
        when = evening - timedelta(days=days_ago)
        ids[days_ago] = service.save_today(session, patient, score, note, minutes, now=when).entry.id
    return ids


def load_demo(session: Session, now: datetime | None = None) -> None:
    """Add the wellbeing demo data to freshly created demo accounts."""
    # Early evening, when people tend to check in.
    evening = (now or utcnow()).replace(hour=18, minute=30, second=0)
    patients = {
        "patient@miwell.example": PAT_DAYS,
        "jamie.rivers@miwell.example": JAMIE_DAYS,
        "robin.hale@miwell.example": ROBIN_DAYS,
    }
    entry_ids = {email: _check_ins(session, _user(session, email), days, evening) for email, days in patients.items()}

    doctor_of = {email: _psychiatrist_of(session, email) for email in patients}
    for email, days_ago, body in REPLIES:
        service.save_reply(session, doctor_of[email], entry_ids[email][days_ago], body, now=evening - timedelta(days=days_ago - 1))
    for email, ids in entry_ids.items():
        for days_ago, entry_id in ids.items():
            if days_ago > REVIEWED_BEFORE_DAYS:
                service.mark_reviewed(session, doctor_of[email], entry_id, now=evening - timedelta(days=days_ago - 1))

    _questionnaires(session, _user(session, "patient@miwell.example"), doctor_of["patient@miwell.example"], evening)

    task_id = session.exec(select(WellbeingTask.id).where(WellbeingTask.title == ROBIN_PIN)).first()
    if task_id is not None:
        robin = _user(session, "robin.hale@miwell.example")
        service.pin_task(session, doctor_of[robin.email], robin.id, task_id, now=evening - timedelta(days=1))
    session.flush()


# Pat's questionnaires so far, through the real services: (kind, weeks ago, answers).
PAT_QUESTIONNAIRES = [
    ("phq9", 6, [2, 2, 1, 2, 1, 2, 1, 1, 0]),
    ("gad7", 6, [2, 2, 1, 1, 1, 2, 1]),
    ("phq9", 4, [1, 2, 1, 2, 1, 1, 1, 1, 0]),
    ("phq9", 2, [1, 1, 1, 1, 1, 1, 1, 0, 0]),
    ("gad7", 2, [1, 1, 1, 1, 1, 1, 1]),
]


def _questionnaires(session: Session, patient, doctor, evening: datetime) -> None:
    """PHQ-9 every two weeks and GAD-7 every four for Pat, with a few done: PHQ-9 is due today."""
    start = evening - timedelta(weeks=7)
    questionnaires.set_schedule(session, doctor, patient.id, "phq9", 2, now=start)
    questionnaires.set_schedule(session, doctor, patient.id, "gad7", 4, now=start)
    for kind, weeks_ago, answers in PAT_QUESTIONNAIRES:
        when = evening - timedelta(weeks=weeks_ago)
        progress = questionnaires.start(session, patient, kind, now=when)
        for index, value in enumerate(answers):
            questionnaires.answer(session, patient, progress.response_id, index, value, now=when)
