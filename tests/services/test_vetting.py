"""Only vetted psychiatrists see patients: pending accounts, approval, invitations, suspension, intake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from miwell.accounts import services as service
from miwell.accounts.models import (
    PatientAssignment,
    PatientProfile,
    PsychiatristProfile,
    PsychiatristStandingChange,
    SignInHandoff,
    User,
)
from miwell.accounts.services import AccountError, PermissionDenied
from miwell.db import session_scope
from miwell.notifications import services as alerts
from miwell.timeutil import utcnow
from miwell.wellbeing import services as wellbeing
from tests.factories import PASSWORD, as_current, make_user


def _sign_up_psychiatrist(s, email="new.doc@example.org", number="GMC 7654321", name="Dr New Comer"):
    user = service.register(
        s, role="psychiatrist", full_name=name, email=email, phone="020 7946 0111", password="steady-lantern-42",
        registration_number=number,
    )  # fmt: skip
    s.flush()
    return user


def _patient(s, email=None):
    return make_user(s, "patient", email=email)


def _psychiatrist_of(s, patient) -> int:
    return s.get(PatientProfile, patient.id).psychiatrist_id


def test_signing_up_as_a_psychiatrist_gives_a_pending_account_that_is_never_assigned(engine):
    with session_scope(engine) as s:
        vetted = make_user(s, "psychiatrist")
        for _ in range(3):
            _patient(s)  # the vetted one now has 3 patients; the newcomer would be least loaded
        newcomer = _sign_up_psychiatrist(s)
        me = service.resolve_session(s, service.start_session(s, newcomer.id))
        assert me.standing == "pending" and not me.practising
        assert s.get(PsychiatristProfile, newcomer.id).registration_number == "7654321"
        fresh = _patient(s)
        assert _psychiatrist_of(s, fresh) == vetted.id
        for call in (
            lambda: service.patients_of(s, me),
            lambda: service.intake(s, me),
            lambda: wellbeing.dashboard(s, me),
            lambda: alerts.open_alerts(s, me),
        ):
            with pytest.raises(PermissionDenied):
                call()
        assert service.own_standing(s, me).standing == "pending"  # the one thing they may read


@pytest.mark.parametrize("number", ["", "123456", "12345678", "GMC", "abc1234"])
def test_a_registration_number_is_format_checked(engine, number):
    with session_scope(engine) as s:
        with pytest.raises(ValueError, match="GMC"):
            _sign_up_psychiatrist(s, number=number)
        assert s.exec(select(func.count()).select_from(User)).one() == 0


def test_approval_is_recorded_and_opens_assignment(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin", name="Ada Admin"))
        make_user(s, "psychiatrist")
        _patient(s)
        newcomer = _sign_up_psychiatrist(s)
        with pytest.raises(AccountError, match="Please write why"):
            service.change_standing(s, admin, newcomer.id, "approved", " ")
        with pytest.raises(AccountError, match="cannot be made suspended"):
            service.change_standing(s, admin, newcomer.id, "suspended", "Not yet")
        with pytest.raises(PermissionDenied):
            service.change_standing(s, as_current(newcomer), newcomer.id, "approved", "I approve myself")
        result = service.change_standing(s, admin, newcomer.id, "approved", "GMC register checked")
        assert result.standing == "approved"
        change = s.exec(select(PsychiatristStandingChange)).one()
        assert (change.from_standing, change.to_standing, change.reason, change.changed_by, change.changed_by_name) == (
            "pending", "approved", "GMC register checked", admin.id, "Ada Admin",
        )  # fmt: skip
        assert _psychiatrist_of(s, _patient(s)) == newcomer.id  # now the least loaded who may take patients


def test_approval_ends_the_sessions_begun_without_two_step_sign_in(engine):
    from miwell.accounts.services import two_factor

    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        newcomer = _sign_up_psychiatrist(s)
        token = service.start_session(s, newcomer.id)
        assert service.resolve_session(s, token).standing == "pending"  # the status page only
        service.change_standing(s, admin, newcomer.id, "approved", "GMC register checked")
        assert service.resolve_session(s, token) is None  # patients' records would open: sign in again
        fresh = service.resolve_session(s, service.start_session(s, newcomer.id))
        assert two_factor.second_step(s, fresh) == "enrol"


def test_rejection_is_recorded_and_approving_a_deleted_account_says_so(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        newcomer = _sign_up_psychiatrist(s)
        service.change_standing(s, admin, newcomer.id, "rejected", "Not on the GMC register")
        assert service.own_standing(s, as_current(newcomer)).reason == "Not on the GMC register"
        gone_id = _sign_up_psychiatrist(s, email="gone@example.org").id
        s.delete(s.get(User, gone_id))
        s.flush()
        with pytest.raises(AccountError, match="no longer exists"):
            service.change_standing(s, admin, gone_id, "approved", "Checked")
        with pytest.raises(AccountError, match="no longer exists"):
            service.change_standing(s, admin, 10**30, "approved", "Checked")


def test_intake_settings_and_caps_decide_who_gets_new_patients(engine):
    with session_scope(engine) as s:
        full = as_current(make_user(s, "psychiatrist"))
        closed = as_current(make_user(s, "psychiatrist"))
        service.update_intake(s, full, True, "1")
        service.update_intake(s, closed, False, "")
        first = _patient(s)
        assert _psychiatrist_of(s, first) == full.id  # closed is skipped though it is equally loaded
        users_before = s.exec(select(func.count()).select_from(User)).one()
        # Now everyone is closed or full: registration says so and leaves nothing half-made.
        with pytest.raises(AccountError, match="no psychiatrist is taking new patients"):
            _patient(s, email="turned.away@example.org")
        assert s.exec(select(func.count()).select_from(User)).one() == users_before
        with pytest.raises(AccountError, match="whole number from 1"):
            service.update_intake(s, full, True, "0")
        with pytest.raises(AccountError, match="whole number from 1"):
            service.update_intake(s, full, True, "ten")
        view = service.update_intake(s, full, "on", "")
        assert (view.accepting, view.cap, view.patients) == (True, None, 1)
        assert _psychiatrist_of(s, _patient(s)) == full.id


def test_suspension_hands_patients_and_open_alerts_over_at_once_and_ends_sessions(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        suspect = as_current(make_user(s, "psychiatrist", name="Dr Suspect"))
        patients = [as_current(_patient(s)) for _ in range(3)]
        colleague = as_current(make_user(s, "psychiatrist", name="Dr Colleague"))
        wellbeing.save_today(s, patients[0], 1, "I want to end my life", 0)
        token = service.start_session(s, suspect.id)
        assert len(alerts.open_alerts(s, suspect)) == 1
        result = service.change_standing(s, admin, suspect.id, "suspended", "Complaint under investigation", hand_over_to=colleague.id)
        assert (result.patients_handed_over, result.alerts_handed_over) == (3, 1)
        assert service.resolve_session(s, token) is None
        assert {_psychiatrist_of(s, p) for p in patients} == {colleague.id}
        assert [a.patient_id for a in alerts.open_alerts(s, colleague)] == [patients[0].id]
        moves = s.exec(select(PatientAssignment).where(PatientAssignment.from_psychiatrist_id == suspect.id)).all()
        assert len(moves) == 3 and all(m.to_psychiatrist_id == colleague.id and m.changed_by == admin.id for m in moves)
        assert all("suspended" in m.reason for m in moves)
        # A suspended psychiatrist is never assigned again, and an admin can reinstate them.
        assert _psychiatrist_of(s, _patient(s)) == colleague.id
        service.change_standing(s, admin, suspect.id, "approved", "Investigation closed")
        assert service.resolve_session(s, service.start_session(s, suspect.id)).practising


def test_a_suspension_that_cannot_hand_over_changes_nothing(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        only = as_current(make_user(s, "psychiatrist"))
        patient = _patient(s)
        token = service.start_session(s, only.id)
    with pytest.raises(AccountError):
        with session_scope(engine) as s:
            service.change_standing(s, admin, only.id, "suspended", "Leaving")
    with session_scope(engine) as s:
        assert s.get(PsychiatristProfile, only.id).standing == "approved"
        assert service.resolve_session(s, token) is not None
        assert _psychiatrist_of(s, patient) == only.id
        with pytest.raises(AccountError, match="another approved psychiatrist"):
            service.change_standing(s, admin, only.id, "suspended", "Leaving", hand_over_to=only.id)


def test_an_invitation_creates_an_approved_account_once(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        with pytest.raises(PermissionDenied):
            service.invite_psychiatrist(s, as_current(make_user(s, "staff")), "x@example.org")
        first = service.invite_psychiatrist(s, admin, "Invited.Doc@Example.org", "Dr Invited")
        second = service.invite_psychiatrist(s, admin, "invited.doc@example.org", "Dr Invited")  # replaces the first
        assert service.invitation_for(s, second).email == "invited.doc@example.org"

    def join(token, email="invited.doc@example.org"):
        with session_scope(engine) as s:
            return service.register(
                s, role="psychiatrist", full_name="Dr Invited", email=email, phone="020 7946 0222",
                password="steady-lantern-42", registration_number="1234567", invitation_token=token,
            )  # fmt: skip

    tampered = second[:-1] + ("A" if second[-1] != "A" else "B")
    for bad in (first, tampered, "short", "x" * 500):  # replaced, tampered, malformed
        with pytest.raises(AccountError, match="does not work"):
            join(bad)
    with pytest.raises(AccountError, match="another email address"):
        join(second, email="someone.else@example.org")
    made = join(second)
    with session_scope(engine) as s:
        assert s.get(PsychiatristProfile, made.id).standing == "approved"
    with pytest.raises(AccountError, match="does not work"):
        join(second)  # used already


def test_an_expired_invitation_creates_nothing(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        token = service.invite_psychiatrist(s, admin, "late@example.org", now=utcnow() - timedelta(days=8))
    with pytest.raises(AccountError, match="does not work"):
        with session_scope(engine) as s:
            service.invitation_for(s, token)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(User).where(User.email == "late@example.org")).one() == 0
        with pytest.raises(AccountError, match="already exists"):
            service.invite_psychiatrist(s, admin, admin.email)


def test_a_sign_in_handoff_works_once_with_its_nonce_and_soon(engine):
    with session_scope(engine) as s:
        user = make_user(s, "staff")
        token, nonce = service.create_handoff(s, user.id, "/staff")
        stolen, _ = service.create_handoff(s, user.id, "//evil.example/")
        late, late_nonce = service.create_handoff(s, user.id, "/staff", now=utcnow() - timedelta(minutes=5))
    with session_scope(engine) as s:
        assert service.redeem_handoff(s, stolen, "a-guessed-nonce") is None  # another browser: no nonce
        assert service.redeem_handoff(s, late, late_nonce) is None
        session_token, where = service.redeem_handoff(s, token, nonce)
        assert where == "/staff" and service.resolve_session(s, session_token).id == user.id
        assert service.redeem_handoff(s, token, nonce) is None  # once only
        assert s.exec(select(func.count()).select_from(SignInHandoff)).one() == 0


def test_deleting_a_psychiatrist_hands_over_only_to_those_who_may_take_patients(engine):
    with session_scope(engine) as s:
        leaving = as_current(make_user(s, "psychiatrist"))
        patient = _patient(s)
        _sign_up_psychiatrist(s)  # pending: must not receive anyone
        with pytest.raises(AccountError, match="last psychiatrist"):
            service.delete_account(s, leaving, PASSWORD)
        colleague = make_user(s, "psychiatrist")
        service.delete_account(s, leaving, PASSWORD)
        assert _psychiatrist_of(s, patient) == colleague.id
