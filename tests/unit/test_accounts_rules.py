"""Pure account rules: email, phone, password strength, assignment and throttling."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miwell.accounts.core import rules
from miwell.accounts.core.rules import PsychiatristLoad, ThrottleState

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "raw, expected",
    [("  Pat@Example.ORG ", "pat@example.org"), ("a.b+c@x.co.uk", "a.b+c@x.co.uk"), ("\tX@Y.Z\n", "x@y.z")],
)
def test_emails_are_trimmed_and_lower_cased(raw, expected):
    assert rules.validate_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "pat", "pat@", "@example.org", "pat@example", "pa t@example.org", "a@@b.org", "a@b..org"])
def test_bad_emails_are_refused_with_a_message(raw):
    with pytest.raises(ValueError, match="email"):
        rules.validate_email(raw)


@given(st.emails())
@settings(max_examples=200)
def test_normalisation_is_idempotent_and_case_blind(email):
    once = rules.normalise_email(email)
    assert rules.normalise_email(once) == once
    assert rules.normalise_email(email.upper()) == rules.normalise_email(email.lower())


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("020 7946 0958", "+442079460958"),
        ("+44 20 7946 0958", "+442079460958"),
        ("(0113) 496-0101", "+441134960101"),
        ("+33 1 42 68 53 00", "+33142685300"),
    ],
)
def test_phones_are_stored_in_e164(raw, expected):
    assert rules.normalise_phone(raw, "GB") == expected


@pytest.mark.parametrize("raw", ["", "call me", "12", "0000000000", "+44 20 7946", "+999 123456"])
def test_any_old_string_is_not_a_phone(raw):
    with pytest.raises(ValueError, match="phone"):
        rules.normalise_phone(raw, "GB")


@given(st.text(max_size=30))
@settings(max_examples=300)
def test_phone_normalisation_returns_e164_or_refuses(raw):
    try:
        out = rules.normalise_phone(raw, "GB")
    except ValueError:
        return
    assert out.startswith("+") and out[1:].isdigit()
    assert rules.normalise_phone(out, "GB") == out


@pytest.mark.parametrize(
    "password, fragment",
    [
        ("short", "too short"),
        ("password123", "most common"),
        ("aaaaaaaaaaaa", "too few"),
        ("patricia-says-hi", "email"),
        ("hello-morgan-22", "name"),
    ],
)
def test_weak_passwords_say_what_to_change(password, fragment):
    with pytest.raises(ValueError, match=fragment):
        rules.check_password_strength(password, email="patricia@example.org", name="Morgan Lee")


def test_a_long_varied_password_is_accepted():
    rules.check_password_strength("calm-harbour-2026", email="pat@example.org", name="Pat Patient")


def load(uid, count, days_ago):
    return PsychiatristLoad(uid, count, T0 - timedelta(days=days_ago))


def test_fewest_patients_wins():
    assert rules.choose_psychiatrist([load(1, 5, 100), load(2, 2, 1), load(3, 3, 50)]) == 2


def test_ties_go_to_the_longest_registered():
    assert rules.choose_psychiatrist([load(1, 2, 10), load(2, 2, 30), load(3, 2, 20)]) == 2


def test_no_psychiatrist_means_no_choice():
    assert rules.choose_psychiatrist([]) is None


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 1000)), min_size=1, max_size=20, unique_by=lambda t: t))
def test_chosen_psychiatrist_has_the_minimum_load(specs):
    loads = [load(i, count, days) for i, (count, days) in enumerate(specs)]
    chosen = next(c for c in loads if c.user_id == rules.choose_psychiatrist(loads))
    assert chosen.patient_count == min(c.patient_count for c in loads)
    tied = [c for c in loads if c.patient_count == chosen.patient_count]
    assert chosen.registered_at == min(c.registered_at for c in tied)


@given(st.lists(st.integers(0, 30), min_size=1, max_size=6), st.integers(0, 40))
def test_handover_keeps_loads_as_even_as_possible(counts, n_patients):
    others = [load(i, c, i) for i, c in enumerate(counts)]
    plan = rules.plan_handover(list(range(1000, 1000 + n_patients)), others)
    assert set(plan) == set(range(1000, 1000 + n_patients))
    final = {c.user_id: c.patient_count for c in others}
    for new in plan.values():
        final[new] += 1
    # Greedy least-loaded filling: nobody who received a patient ends more than one above the minimum.
    receivers = set(plan.values())
    if receivers:
        assert max(final[r] for r in receivers) <= min(final.values()) + 1


def test_handover_without_colleagues_is_refused():
    with pytest.raises(ValueError, match="last psychiatrist"):
        rules.plan_handover([7], [])
    assert rules.plan_handover([], []) == {}


def test_throttle_slows_then_locks_then_forgives():
    state = ThrottleState()
    delays = []
    for i in range(rules.LOCK_AFTER - 1):
        state = rules.after_failure(state, T0)
        delays.append(rules.failure_delay(state.failures))
        assert not rules.is_locked(state, T0)
    assert delays[: rules.FREE_ATTEMPTS] == [0.0] * rules.FREE_ATTEMPTS
    assert all(b >= a for a, b in zip(delays, delays[1:])) and delays[-1] > 0
    state = rules.after_failure(state, T0)
    assert rules.is_locked(state, T0)
    assert "locked for 15 minutes" in rules.lock_message(state, T0)
    later = T0 + timedelta(minutes=rules.LOCK_MINUTES)
    assert not rules.is_locked(state, later)
    assert rules.after_failure(state, later).failures == 1


@given(st.integers(0, 100))
def test_delay_is_bounded(failures):
    assert 0 <= rules.failure_delay(failures) <= rules.MAX_DELAY_SECONDS
