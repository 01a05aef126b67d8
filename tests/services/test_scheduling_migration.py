"""Migration 0002 on a database that already has accounts: nothing is lost, staff get an organisation."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from miwell.db import make_engine
from tests.conftest import downgrade, upgrade

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _seed_accounts(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for uid, role in ((1, "psychiatrist"), (2, "patient"), (3, "staff"), (4, "admin")):
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, role, full_name, phone, created_at) "
                        "VALUES (:id, :email, 'x', :role, :name, '+442079460000', :now)"
                    ),
                    dict(id=uid, email=f"{role}@example.org", role=role, name=role.title(), now=NOW),
                )
            conn.execute(
                text(
                    "INSERT INTO patient_profiles (user_id, role, psychiatrist_id, psychiatrist_role, emergency_contact_name,"
                    " emergency_contact_phone, timezone, requires_assistance)"
                    " VALUES (2, 'patient', 1, 'psychiatrist', 'Kin', '+442079460001', 'Europe/London', false)"
                )
            )
            conn.execute(
                text("INSERT INTO auth_sessions (user_id, token_hash, created_at, expires_at) VALUES (2, 'h', :now, :now)"),
                dict(now=NOW),
            )
    finally:
        engine.dispose()


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("users", "patient_profiles", "auth_sessions")
            )
    finally:
        engine.dispose()


def _check_upgrade_keeps_accounts(url: str) -> None:
    upgrade(url, "0001")
    _seed_accounts(url)
    upgrade(url, "0002")
    assert _counts(url) == (4, 1, 1)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT role, organisation_id FROM users")).all())
            org_name = conn.execute(text("SELECT name FROM organisations")).scalar_one()
        assert rows["staff"] is not None and org_name == "MiWell"
        assert rows["admin"] is None and rows["patient"] is None and rows["psychiatrist"] is None
        # The rebuilt table still enforces what 0001 enforced, and the new rule too.
        for bad in (
            "INSERT INTO users (email, password_hash, role, full_name, phone, created_at) VALUES ('n@example.org', 'x', 'staff', 'N', '+442079460002', '2026-11-01')",
            "INSERT INTO users (email, password_hash, role, full_name, phone, created_at) VALUES ('n@example.org', 'x', 'boss', 'N', '+442079460002', '2026-11-01')",
            "DELETE FROM users WHERE id = 1",
        ):
            with pytest.raises(Exception):
                with engine.begin() as conn:
                    conn.execute(text(bad))
    finally:
        engine.dispose()
    downgrade(url, "0001")
    assert _counts(url) == (4, 1, 1)


def test_sqlite_upgrade_keeps_accounts(tmp_path):
    _check_upgrade_keeps_accounts(f"sqlite:///{tmp_path / 'accounts.db'}")


@pytest.mark.postgres
def test_postgres_upgrade_keeps_accounts(postgres_server):
    url = postgres_server.create()
    try:
        _check_upgrade_keeps_accounts(url)
    finally:
        postgres_server.drop(url)
