"""The demo's wellbeing data: what a newcomer sees when signing in as the demo accounts."""

from sqlmodel import select

from miwell import demo
from miwell.accounts.models import PatientProfile, User
from miwell.accounts.services import CurrentUser
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.wellbeing import services as service
from miwell.wellbeing.models import EntryReply, MoodEntry


def _me(s, email: str) -> CurrentUser:
    return CurrentUser.of(s.exec(select(User).where(User.email == email)).one())


def test_demo_gives_pat_a_month_and_robin_a_watch_alert(engine):
    with session_scope(engine) as s:
        assert demo.load(s)
    with session_scope(engine) as s:
        pat = _me(s, "patient@miwell.example")
        doctor = _me(s, "psychiatrist@miwell.example")
        entries = s.exec(select(MoodEntry).where(MoodEntry.patient_id == pat.id)).all()
        assert len(entries) == 30 and sum(1 for e in entries if e.note) >= 20 and all(e.minutes % 5 == 0 for e in entries)
        assert service.today(s, pat).entry is None and service.today(s, pat).streak == 30
        assert s.exec(select(EntryReply)).all()

        (alert,) = alerts.open_alerts(s, doctor)
        robin = _me(s, "robin.hale@miwell.example")
        assert (alert.patient_id, alert.level) == (robin.id, "watch")
        flagged = s.exec(select(PatientProfile.user_id).where(PatientProfile.requires_assistance)).all()
        assert flagged == [robin.id]
        assert service.dashboard(s, doctor)[0].patient_id == robin.id
        items, total = service.review_feed(s, doctor)
        assert 0 < total <= 10 and items[0].entry.day <= items[-1].entry.day
