"""Migration 0018 seals the authenticator apps' secrets already stored, and its downgrade opens them again."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import text

from miwell.accounts.core.two_factor import unseal
from miwell.db import make_engine
from miwell.settings import get_settings
from tests.conftest import downgrade, upgrade


def _secrets(url: str) -> dict[int, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT user_id, secret FROM two_factor")).all())
    finally:
        engine.dispose()


def _check(url: str) -> None:
    upgrade(url, "0017")
    plain = pyotp.random_base32()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for uid in (1, 2):
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, full_name, phone, created_at) "
                        "VALUES (:id, :email, 'x', 'admin', 'Admin', '+442079460000', '2026-12-01')"
                    ),
                    {"id": uid, "email": f"admin{uid}@example.org"},
                )
            conn.execute(text("INSERT INTO two_factor (user_id, secret, enabled_at, last_step) VALUES (1, :s, '2026-12-01', 0)"), {"s": plain})
    finally:
        engine.dispose()
    upgrade(url, "0018")
    sealed = _secrets(url)[1]
    assert plain not in sealed and unseal(sealed, get_settings().secret_key) == plain
    upgrade(url, "0018")  # already there: nothing sealed twice
    assert _secrets(url)[1] == sealed
    engine = make_engine(url)
    try:  # one sealed by another server's key: no use to anyone, dropped by the downgrade
        with engine.begin() as conn:
            from miwell.accounts.core.two_factor import seal

            conn.execute(text("INSERT INTO two_factor (user_id, secret, enabled_at, last_step) VALUES (2, :s, '2026-12-01', 0)"),
                         {"s": seal(pyotp.random_base32(), "another server's key")})
    finally:
        engine.dispose()
    downgrade(url, "0017")
    assert _secrets(url) == {1: plain}


def test_sqlite_seals_and_unseals_stored_secrets(tmp_path):
    _check(f"sqlite:///{tmp_path / 'tf.db'}")


@pytest.mark.postgres
def test_postgres_seals_and_unseals_stored_secrets(postgres_server):
    url = postgres_server.create()
    try:
        _check(url)
    finally:
        postgres_server.drop(url)
