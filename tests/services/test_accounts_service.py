"""Account services against the migrated schema, on SQLite and on PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from miwell.accounts import services as service

from miwell.accounts.core import rules
from miwell.accounts.models import AuthSession, LoginThrottle, PatientProfile, User
from miwell.accounts.services import AccountError, PermissionDenied
from miwell.db import session_scope
from miwell.timeutil import utcnow
from tests.factories import PASSWORD, as_current, make_organisation, make_user


def register_patient(s, email="new.patient@example.org", **extra):
    fields = dict(
        role="patient",
        full_name="New Patient",
        email=email,
        phone="020 7946 0958",
        password=PASSWORD,
        emergency_contact_name="Kin",
        emergency_contact_phone="0161 496 0000",
    )
    fields.update(extra)
    return service.register(s, **fields)


def test_patient_registration_without_psychiatrist_is_refused_and_stores_nothing(engine):
    with pytest.raises(AccountError, match="no psychiatrist"):
        with session_scope(engine) as s:
            register_patient(s)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 0


def test_patient_gets_least_loaded_psychiatrist_and_e164_numbers(engine):
    with session_scope(engine) as s:
        busy = make_user(s, "psychiatrist")
        free = make_user(s, "psychiatrist")
        make_user(s, "patient")  # goes to `busy`: same load, registered first
        patient = register_patient(s, email="  New.Patient@Example.ORG ")
        s.flush()
        profile = s.get(PatientProfile, patient.id)
        assert profile.psychiatrist_id == free.id
        assert patient.email == "new.patient@example.org"
        assert patient.phone == "+442079460958"
        assert profile.emergency_contact_phone == "+441614960000"
        assert busy.id != free.id


def test_one_account_per_email_across_roles(engine):
    with session_scope(engine) as s:
        make_user(s, "psychiatrist", email="shared@example.org")
    with pytest.raises(AccountError, match="already exists"):
        with session_scope(engine) as s:
            register_patient(s, email="SHARED@example.org ")


def test_database_refuses_duplicate_email_even_without_the_service(engine):
    with session_scope(engine) as s:
        make_user(s, "staff", email="dup@example.org")
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(User(email="dup@example.org", password_hash="x", role="admin", full_name="X", phone="+442079460000"))
            s.flush()


def test_database_refuses_a_profile_pointing_at_a_non_psychiatrist(engine):
    with session_scope(engine) as s:
        staff = make_user(s, "staff")
        pat = User(email="p@example.org", password_hash="x", role="patient", full_name="P", phone="+442079460001")
        s.add(pat)
        s.flush()
        pat_id, staff_id = pat.id, staff.id
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(PatientProfile(user_id=pat_id, psychiatrist_id=staff_id, emergency_contact_name="K", emergency_contact_phone="+442079460002"))
            s.flush()


def test_database_refuses_unknown_roles_and_unnormalised_emails(engine):
    for bad in (
        dict(email="ok@example.org", role="superuser"),
        dict(email=" Upper@Example.org", role="staff"),
    ):
        with pytest.raises(IntegrityError):
            with session_scope(engine) as s:
                s.add(User(password_hash="x", full_name="X", phone="+442079460003", **bad))
                s.flush()


@pytest.mark.parametrize("phone", ["not a phone", "12345", ""])
def test_bad_phone_is_refused_with_a_clear_message(engine, phone):
    with session_scope(engine) as s:
        make_user(s, "psychiatrist")
    with pytest.raises(ValueError, match="phone"):
        with session_scope(engine) as s:
            register_patient(s, phone=phone)


def test_staff_and_admin_accounts_need_an_admin(engine):
    with session_scope(engine) as s:
        patient_doc = make_user(s, "psychiatrist")
        admin = make_user(s, "admin")
        with pytest.raises(PermissionDenied):
            service.register(s, role="admin", full_name="Eve", email="eve@example.org", phone="020 7946 0111", password=PASSWORD, actor=as_current(patient_doc))
        with pytest.raises(PermissionDenied):
            service.register(s, role="staff", full_name="Eve", email="eve@example.org", phone="020 7946 0111", password=PASSWORD)
        with pytest.raises(AccountError, match="organisation"):
            service.register(s, role="staff", full_name="Sam", email="sam@example.org", phone="020 7946 0112", password=PASSWORD, actor=as_current(admin))
        organisation = make_organisation(s)
        staff = service.register(s, role="staff", full_name="Sam", email="sam@example.org", phone="020 7946 0112", password=PASSWORD, organisation_id=organisation.id, actor=as_current(admin))
        assert (staff.role, staff.organisation_id) == ("staff", organisation.id)
        with pytest.raises(AccountError, match="Only clinic staff"):
            service.register(s, role="admin", full_name="Ann", email="ann@example.org", phone="020 7946 0113", password=PASSWORD, organisation_id=organisation.id, actor=as_current(admin))


def test_login_session_and_logout(engine):
    with session_scope(engine) as s:
        user = make_user(s, "staff", email="desk@example.org")
    with session_scope(engine) as s:
        result = service.authenticate(s, " DESK@example.org", PASSWORD)
        assert result.user and result.user.id == user.id
        token = service.start_session(s, result.user.id)
    with session_scope(engine) as s:
        stored = s.exec(select(AuthSession.token_hash)).all()
        assert token not in stored and len(stored) == 1  # only a hash is kept
        assert service.resolve_session(s, token).id == user.id
        service.end_session(s, token)
    with session_scope(engine) as s:
        assert service.resolve_session(s, token) is None


def test_signing_out_everywhere_else_keeps_this_browser_and_no_one_elses(engine):
    with session_scope(engine) as s:
        user = make_user(s, "staff", email="desk@example.org")
        other = make_user(s, "staff", email="other@example.org")
        here, phone, laptop = (service.start_session(s, user.id) for _ in range(3))
        theirs = service.start_session(s, other.id)
    with session_scope(engine) as s:
        me = service.resolve_session(s, here)
        assert service.other_sessions(s, me, here) == 2
        assert service.end_other_sessions(s, me, here) == 2
    with session_scope(engine) as s:
        assert service.resolve_session(s, here).id == user.id
        assert service.resolve_session(s, phone) is None and service.resolve_session(s, laptop) is None
        assert service.resolve_session(s, theirs).id == other.id
        assert service.other_sessions(s, service.resolve_session(s, here), here) == 0
        assert service.end_other_sessions(s, service.resolve_session(s, here), here) == 0


def test_expired_session_is_not_accepted(engine):
    with session_scope(engine) as s:
        user = make_user(s, "admin")
        token = service.start_session(s, user.id, now=utcnow() - timedelta(days=365))
    with session_scope(engine) as s:
        assert service.resolve_session(s, token) is None
        assert service.purge_expired_sessions(s) == 1


def test_a_clinical_session_ends_after_inactivity_and_activity_moves_it_on(engine, monkeypatch):
    with session_scope(engine) as s:
        staff = make_user(s, "staff")
        make_user(s, "psychiatrist")  # someone to take the patient
        patient = make_user(s, "patient")
        start = utcnow() - timedelta(minutes=20)
        staff_token = service.start_session(s, staff.id, now=start)
        patient_token = service.start_session(s, patient.id, now=start)
    with session_scope(engine) as s:
        # 20 minutes idle of 30: still signed in; reading without activity does not move it on.
        assert service.resolve_session(s, staff_token, now=start + timedelta(minutes=29)) is not None
        assert service.resolve_session(s, staff_token, now=start + timedelta(minutes=31)) is None
        # A page load at minute 29 (activity) starts the 30 minutes again.
        assert service.resolve_session(s, staff_token, now=start + timedelta(minutes=29), touch=True) is not None
        assert service.resolve_session(s, staff_token, now=start + timedelta(minutes=58)) is not None
        assert service.resolve_session(s, staff_token, now=start + timedelta(minutes=60)) is None
        # Patients have no inactivity limit unless one is configured.
        assert service.resolve_session(s, patient_token, now=start + timedelta(days=3)) is not None
        assert service.other_sessions(s, as_current(staff), "", now=start + timedelta(minutes=60)) == 0
        assert service.purge_expired_sessions(s, now=start + timedelta(minutes=60)) == 1


def test_the_inactivity_limit_is_configured_per_kind_of_role():
    assert rules.idle_limit("staff", 30, 0) == rules.idle_limit("admin", 30, 0) == timedelta(minutes=30)
    assert rules.idle_limit("psychiatrist", 30, 0) == timedelta(minutes=30)
    assert rules.idle_limit("patient", 30, 0) is None and rules.idle_limit("patient", 30, 120) == timedelta(hours=2)
    assert rules.idle_limit("staff", 0, 0) is None


def test_wrong_password_and_unknown_email_read_the_same(engine):
    with session_scope(engine) as s:
        make_user(s, "staff", email="known@example.org")
        known = service.authenticate(s, "known@example.org", "wrong-password-1")
        unknown = service.authenticate(s, "nobody@example.org", "wrong-password-1")
    assert known.user is None and unknown.user is None
    assert known.error == unknown.error == service.BAD_LOGIN


def test_repeated_failures_lock_the_guessing_source_whether_or_not_the_account_exists(engine):
    with session_scope(engine) as s:
        make_user(s, "staff", email="known@example.org")
    now = utcnow()
    for email in ("known@example.org", "ghost@example.org"):
        results = []
        for _ in range(rules.LOCK_AFTER):
            with session_scope(engine) as s:
                results.append(service.authenticate(s, email, "wrong-password-1", now=now, source="203.0.113.9"))
        assert "locked" in results[-1].error
        assert results[rules.FREE_ATTEMPTS].delay > 0
        with session_scope(engine) as s:
            # From the guessing source even the right password waits until the lock runs out.
            locked = service.authenticate(s, email, PASSWORD, now=now + timedelta(minutes=1), source="203.0.113.9")
            assert locked.user is None and "locked" in locked.error
    with session_scope(engine) as s:
        later = service.authenticate(
            s, "known@example.org", PASSWORD, now=now + timedelta(minutes=rules.LOCK_MINUTES + 1), source="203.0.113.9"
        )
        assert later.user is not None
    with session_scope(engine) as s:
        assert s.get(LoginThrottle, ("known@example.org", "203.0.113.9")) is None  # success clears that source's count


def test_a_stranger_guessing_cannot_lock_the_owner_out(engine):
    """The lockout that could be used against a clinician before their shift: keyed on source too."""
    with session_scope(engine) as s:
        make_user(s, "psychiatrist", email="dr.busy@example.org")
    now = utcnow()
    for _ in range(rules.LOCK_AFTER + 3):
        with session_scope(engine) as s:
            service.authenticate(s, "dr.busy@example.org", "guess-guess-1", now=now, source="198.51.100.7")
    with session_scope(engine) as s:
        mine = service.authenticate(s, "dr.busy@example.org", PASSWORD, now=now, source="192.0.2.20")
    assert mine.user is not None and mine.error == "" and mine.delay == 0
    with session_scope(engine) as s:
        stranger = service.authenticate(s, "dr.busy@example.org", PASSWORD, now=now, source="198.51.100.7")
    assert stranger.user is None and "locked" in stranger.error
    # A wrong password from the owner's own device is slowed down (the address is being guessed at), not locked.
    with session_scope(engine) as s:
        typo = service.authenticate(s, "dr.busy@example.org", "typo-typo-12", now=now, source="192.0.2.20")
    assert typo.user is None and typo.error == service.BAD_LOGIN and typo.delay > 0


def test_admins_see_and_lift_locks(engine):
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        make_user(s, "staff", email="desk@example.org")
        make_user(s, "psychiatrist")
        patient = as_current(make_user(s, "patient"))
    for _ in range(rules.LOCK_AFTER):
        with session_scope(engine) as s:
            service.authenticate(s, "desk@example.org", "nope-nope-123", source="198.51.100.7")
    with session_scope(engine) as s:
        locks = service.sign_in_locks(s, admin)
        assert locks[0].email == "desk@example.org" and locks[0].locked and locks[0].source == "198.51.100.7"
        with pytest.raises(service.PermissionDenied):
            service.sign_in_locks(s, patient)
        with pytest.raises(service.PermissionDenied):
            service.lift_sign_in_locks(s, patient, "desk@example.org")
        assert service.lift_sign_in_locks(s, admin, " Desk@Example.org ") == 2
    with session_scope(engine) as s:
        assert service.authenticate(s, "desk@example.org", PASSWORD, source="198.51.100.7").user is not None
        assert service.sign_in_locks(s, admin) == []


def test_password_change_needs_current_and_ends_other_sessions(engine):
    with session_scope(engine) as s:
        user = make_user(s, "psychiatrist")
        other_device = service.start_session(s, user.id)
    me = as_current(user)
    with pytest.raises(AccountError, match="current password"):
        with session_scope(engine) as s:
            service.change_password(s, me, "not-my-password", "brand-new-pass-77", "brand-new-pass-77")
    with pytest.raises(ValueError, match="too short"):
        with session_scope(engine) as s:
            service.change_password(s, me, PASSWORD, "short", "short")
    with session_scope(engine) as s:
        service.change_password(s, me, PASSWORD, "brand-new-pass-77", "brand-new-pass-77")
    with session_scope(engine) as s:
        assert service.resolve_session(s, other_device) is None
        assert service.authenticate(s, user.email, "brand-new-pass-77").user is not None


def test_update_details_validates_and_keeps_email_unique(engine):
    with session_scope(engine) as s:
        make_user(s, "psychiatrist")
        make_user(s, "staff", email="taken@example.org")
        patient = make_user(s, "patient")
    me = as_current(patient)
    with pytest.raises(AccountError, match="already exists"):
        with session_scope(engine) as s:
            service.update_details(s, me, full_name="P", email="Taken@example.org", phone="020 7946 0958", emergency_contact_name="K", emergency_contact_phone="0161 496 0000")
    with pytest.raises(ValueError, match="phone"):
        with session_scope(engine) as s:
            service.update_details(s, me, full_name="P", email="p@example.org", phone="nope", emergency_contact_name="K", emergency_contact_phone="0161 496 0000")
    with session_scope(engine) as s:
        service.update_details(s, me, full_name="  Pat   Renamed ", email="P.New@Example.org", phone="020 7946 0958", emergency_contact_name="Kin", emergency_contact_phone="0161 496 0001", timezone="Pacific/Auckland")
    with session_scope(engine) as s:
        view = service.account_view(s, me)
        assert (view.full_name, view.email, view.timezone) == ("Pat Renamed", "p.new@example.org", "Pacific/Auckland")


def test_deleting_a_patient_leaves_nothing_behind(engine):
    with session_scope(engine) as s:
        make_user(s, "psychiatrist")
        patient = make_user(s, "patient")
        service.start_session(s, patient.id)
    with pytest.raises(AccountError, match="not right"):
        with session_scope(engine) as s:
            service.delete_account(s, as_current(patient), "wrong")
    with session_scope(engine) as s:
        service.delete_account(s, as_current(patient), PASSWORD)
    with session_scope(engine) as s:
        assert s.get(User, patient.id) is None
        assert s.get(PatientProfile, patient.id) is None
        assert s.exec(select(func.count()).select_from(AuthSession)).one() == 0


def test_deleting_a_psychiatrist_hands_patients_to_least_loaded(engine):
    with session_scope(engine) as s:
        leaving = make_user(s, "psychiatrist")
        a = make_user(s, "psychiatrist")
        b = make_user(s, "psychiatrist")
        patients = [make_user(s, "patient") for _ in range(6)]  # two each
        # Give `a` one extra so the handover must favour `b`.
        extra = make_user(s, "patient")
        s.get(PatientProfile, extra.id).psychiatrist_id = a.id
    with session_scope(engine) as s:
        mine = s.exec(select(PatientProfile.user_id).where(PatientProfile.psychiatrist_id == leaving.id)).all()
        service.delete_account(s, as_current(leaving), PASSWORD)
    with session_scope(engine) as s:
        counts = dict(s.exec(select(PatientProfile.psychiatrist_id, func.count()).group_by(PatientProfile.psychiatrist_id)).all())
        assert leaving.id not in counts
        assert sum(counts.values()) == len(patients) + 1
        assert abs(counts[a.id] - counts[b.id]) <= 1
        assert len(mine) >= 1


def test_last_psychiatrist_with_patients_cannot_leave(engine):
    with session_scope(engine) as s:
        only = make_user(s, "psychiatrist")
        make_user(s, "patient")
    with pytest.raises(AccountError, match="last psychiatrist"):
        with session_scope(engine) as s:
            service.delete_account(s, as_current(only), PASSWORD)
    with session_scope(engine) as s:
        assert s.get(User, only.id) is not None


def test_last_admin_cannot_delete_themself(engine):
    with session_scope(engine) as s:
        admin = make_user(s, "admin")
    with pytest.raises(AccountError, match="only admin"):
        with session_scope(engine) as s:
            service.delete_account(s, as_current(admin), PASSWORD)


def test_directories_are_for_the_right_roles(engine):
    with session_scope(engine) as s:
        doc = make_user(s, "psychiatrist")
        other = make_user(s, "psychiatrist")
        mine = make_user(s, "patient")  # to `doc`
        theirs = make_user(s, "patient")  # to `other`
        staff = make_user(s, "staff")
        rows = service.patients_of(s, as_current(doc))
        assert [r.id for r in rows] == [mine.id]
        with pytest.raises(PermissionDenied):
            service.patients_of(s, as_current(mine))
        admin = make_user(s, "admin")
        directory = service.psychiatrist_directory(s, as_current(admin))
        assert {r.id: r.patient_count for r in directory} == {doc.id: 1, other.id: 1}
        # Clinic staff see only the psychiatrists linked to a doctor record of their organisation.
        assert service.psychiatrist_directory(s, as_current(staff)) == []
        from miwell.scheduling import services as scheduling
        from tests.services.scheduling_helpers import accept_links

        scheduling.create_doctor(s, as_current(staff), full_name="Dr Doc", psychiatrist_email=doc.email)
        accept_links(s, as_current(doc))
        assert [r.id for r in service.psychiatrist_directory(s, as_current(staff))] == [doc.id]
        outsider = make_user(s, "staff")  # another organisation
        assert service.psychiatrist_directory(s, as_current(outsider)) == []
        with pytest.raises(PermissionDenied):
            service.psychiatrist_directory(s, as_current(theirs))


def test_demo_data_loads_once(engine):
    from miwell import demo

    with session_scope(engine) as s:
        assert demo.load(s) is True
    with session_scope(engine) as s:
        before = s.exec(select(func.count()).select_from(User)).one()
        assert demo.load(s) is False
        assert s.exec(select(func.count()).select_from(User)).one() == before
        roles = set(s.exec(select(User.role)).all())
        assert roles == set(rules.ROLES)
