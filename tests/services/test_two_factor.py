"""Two-step sign-in on the database: enrolment, codes that work once, recovery codes, who may turn
it off, and an admin's reset for a lost phone."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from miwell.accounts import services as accounts
from miwell.accounts.services import AccountError, PermissionDenied
from miwell.accounts.services import two_factor as tf
from miwell.audit.models import AuditEvent
from miwell.db import session_scope
from miwell.timeutil import utcnow
from sqlmodel import select
from tests.factories import PASSWORD, as_current, make_user


def _enrol(s, user, now):
    enrolment = tf.start_enrolment(user)
    codes = tf.confirm_enrolment(s, user, enrolment.secret, pyotp.TOTP(enrolment.secret).at(now), now=now)
    return enrolment.secret, codes


def test_clinical_roles_must_enrol_patients_and_the_demo_need_not(engine):
    with session_scope(engine) as s:
        staff = as_current(make_user(s, "staff"))
        make_user(s, "psychiatrist")
        patient = as_current(make_user(s, "patient"))
        demo = make_user(s, "admin")
        demo.two_factor_exempt = True
        assert tf.second_step(s, staff) == "enrol"
        assert tf.second_step(s, patient) == ""
        assert tf.second_step(s, as_current(demo)) == ""
        _enrol(s, patient, utcnow())
        assert tf.second_step(s, patient) == "code"  # optional, but once on it is asked for


def test_a_wrong_code_does_not_enrol_and_a_right_one_works_once(engine):
    now = utcnow()
    with session_scope(engine) as s:
        staff = as_current(make_user(s, "staff"))
        enrolment = tf.start_enrolment(staff)
        with pytest.raises(AccountError, match="not right"):
            tf.confirm_enrolment(s, staff, enrolment.secret, "000000" if pyotp.TOTP(enrolment.secret).at(now) != "000000" else "111111", now=now)
        assert not tf.is_enabled(s, staff.id)
        codes = tf.confirm_enrolment(s, staff, enrolment.secret, pyotp.TOTP(enrolment.secret).at(now), now=now)
        assert len(codes) == 10 and tf.recovery_codes_left(s, staff.id) == 10
        later = now + timedelta(seconds=60)
        code = pyotp.TOTP(enrolment.secret).at(later)
        assert tf.check_second_factor(s, staff, code, now=later)
        assert not tf.check_second_factor(s, staff, code, now=later)  # the same code again: replayed
        assert not tf.check_second_factor(s, staff, pyotp.TOTP(enrolment.secret).at(now), now=later)  # older


def test_a_recovery_code_works_once_and_is_stored_hashed(engine):
    now = utcnow()
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        _, codes = _enrol(s, admin, now)
        assert tf.check_second_factor(s, admin, codes[3].upper().replace("-", " "), now=now)
        assert not tf.check_second_factor(s, admin, codes[3], now=now)
        assert tf.recovery_codes_left(s, admin.id) == 9
        from miwell.accounts.models import RecoveryCode

        stored = [r.code_hash for r in s.exec(select(RecoveryCode)).all()]
        assert all(code not in h for code in codes for h in stored)


def test_patients_may_turn_it_off_clinical_roles_may_not(engine):
    now = utcnow()
    with session_scope(engine) as s:
        make_user(s, "psychiatrist")
        patient = as_current(make_user(s, "patient"))
        staff = as_current(make_user(s, "staff"))
        _enrol(s, patient, now)
        _enrol(s, staff, now)
        with pytest.raises(AccountError):
            tf.turn_off(s, patient, "wrong-password-0")
        tf.turn_off(s, patient, PASSWORD)
        assert not tf.is_enabled(s, patient.id)
        with pytest.raises(PermissionDenied):
            tf.turn_off(s, staff, PASSWORD)


def test_wrong_codes_count_like_wrong_passwords_and_lock_the_device_out(engine):
    with session_scope(engine) as s:
        make_user(s, "staff", email="guessed@example.org")
        results = [accounts.failed_second_step(s, "guessed@example.org", source="203.0.113.7") for _ in range(6)]
        assert results[0].error == "" and results[-1].error  # the sixth: locked, as after six wrong passwords
        locked = accounts.authenticate(s, "guessed@example.org", PASSWORD, source="203.0.113.7")
        assert locked.user is None and locked.error == results[-1].error
        assert accounts.authenticate(s, "guessed@example.org", PASSWORD, source="198.51.100.1").user is not None


def test_an_admin_resets_a_lost_phone_and_the_sessions_end(engine):
    now = utcnow()
    with session_scope(engine) as s:
        admin = as_current(make_user(s, "admin"))
        staff = as_current(make_user(s, "staff", email="lost.phone@example.org"))
        _enrol(s, staff, now)
        token = accounts.start_session(s, staff.id)
        with pytest.raises(PermissionDenied):
            tf.admin_reset(s, staff, "lost.phone@example.org")
        with pytest.raises(AccountError, match="Another admin"):
            tf.admin_reset(s, admin, admin.email)
        assert tf.admin_reset(s, admin, " Lost.Phone@example.org ") == staff.full_name
        assert not tf.is_enabled(s, staff.id) and tf.second_step(s, staff) == "enrol"
        assert accounts.resolve_session(s, token) is None
        reset = s.exec(select(AuditEvent).where(AuditEvent.detail == "two-step sign-in reset by an admin")).one()
        assert (reset.actor_id, reset.record_id) == (admin.id, staff.id)


def test_the_secret_is_sealed_and_a_changed_server_key_is_said_not_taken_for_a_wrong_code(engine, monkeypatch):
    import miwell.accounts.services.two_factor as module
    from miwell.accounts.models import TwoFactor
    from miwell.settings import get_settings

    now = utcnow()
    with session_scope(engine) as s:
        staff = as_current(make_user(s, "staff"))
        secret, codes = _enrol(s, staff, now)
        stored = s.get(TwoFactor, staff.id).secret
        assert secret not in stored  # a copy of the database makes no codes
    settings = get_settings()
    monkeypatch.setattr(module, "get_settings", lambda: type(settings)(**{**settings.__dict__, "secret_key": "a new key"}))
    later = now + timedelta(seconds=60)
    with session_scope(engine) as s:
        with pytest.raises(AccountError, match="cannot be checked"):
            tf.check_second_factor(s, staff, pyotp.TOTP(secret).at(later), now=later)
        assert tf.check_second_factor(s, staff, codes[0], now=later)  # recovery codes still open the door
