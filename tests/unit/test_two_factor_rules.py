"""Two-step sign-in rules: codes work once, within a step of drift; recovery codes read as typed."""

from datetime import datetime, timedelta, timezone

import pyotp
from hypothesis import given
from hypothesis import strategies as st

from miwell.accounts.core import two_factor as tf

NOW = datetime(2026, 12, 4, 22, 0, 10, tzinfo=timezone.utc)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def test_the_current_code_and_its_neighbours_match_once():
    step = tf.step_at(NOW)
    assert tf.matching_step(SECRET, code_at(NOW), NOW) == step
    assert tf.matching_step(SECRET, code_at(NOW - timedelta(seconds=30)), NOW) == step - 1
    assert tf.matching_step(SECRET, code_at(NOW + timedelta(seconds=30)), NOW) == step + 1
    assert tf.matching_step(SECRET, code_at(NOW - timedelta(seconds=90)), NOW) is None  # too old
    # Used once (last_step is now this step): the same code, or an older one, no longer works.
    assert tf.matching_step(SECRET, code_at(NOW), NOW, last_step=step) is None
    assert tf.matching_step(SECRET, code_at(NOW - timedelta(seconds=30)), NOW, last_step=step) is None
    assert tf.matching_step(SECRET, " " + code_at(NOW)[:3] + " " + code_at(NOW)[3:], NOW) == step  # typed with spaces


@given(st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.integers(), max_size=3)))
def test_anything_but_a_valid_code_is_simply_refused(raw):
    valid = {code_at(NOW + timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    matched = tf.matching_step(SECRET, raw, NOW)
    assert (matched is not None) == (tf.digits_only(raw) in valid)


def test_recovery_codes_are_unique_and_read_as_typed():
    codes = tf.new_recovery_codes()
    assert len(set(codes)) == tf.RECOVERY_CODE_COUNT and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert tf.normalise_recovery_code(" ABCD EFGH ") == "abcd-efgh" == tf.normalise_recovery_code("abcd-efgh")
    assert tf.normalise_recovery_code("abc") == "" and tf.normalise_recovery_code(None) == ""


def test_clinical_roles_must_use_it_patients_and_applicants_may():
    assert all(tf.required_for(role) for role in ("psychiatrist", "staff", "admin"))
    assert not tf.required_for("patient") and not tf.required_for("psychiatrist", practising=False)


def test_the_qr_code_is_drawn_on_the_server_and_names_the_account():
    uri = tf.provisioning_uri(SECRET, "dr.shah@example.org")
    assert uri.startswith("otpauth://totp/MiWell:dr.shah%40example.org?secret=" + SECRET)
    assert tf.qr_data_uri(uri).startswith("data:image/svg+xml")
    assert tf.grouped("ABCDEFGH") == "ABCD EFGH"


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_a_sealed_secret_opens_only_with_the_key_that_sealed_it(key, other):
    secret = pyotp.random_base32()
    sealed = tf.seal(secret, key)
    assert secret not in sealed and len(sealed) <= 255  # fits the column
    assert tf.unseal(sealed, key) == secret
    if other != key:
        assert tf.unseal(sealed, other) is None
    assert tf.unseal(secret, key) is None  # never sealed: not taken for a secret
    assert tf.unseal(sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1], key) is None  # tampered
