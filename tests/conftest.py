"""Shared fixtures: a migrated database per backend (SQLite always, PostgreSQL where reachable).

PostgreSQL and Redis tests skip on a machine without those servers, except under CI=true,
where a skip would hide a broken setup and so fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

# Before any miwell import, so settings never write a key file during tests.
os.environ.setdefault("MIWELL_SECRET_KEY", "test-secret-key-not-for-production")

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from miwell.db import make_engine  # noqa: E402
from miwell.models import metadata  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("MIWELL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("MIWELL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(what: str, why: object) -> None:
    """Skip locally; fail in CI, where the service must be there."""
    message = f"{what} is not reachable ({why})"
    if IN_CI:
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


class PostgresServer:
    """Creates throwaway databases on the test server."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        name = f"miwell_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer(POSTGRES_URL)
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network error means "not here"
        unavailable("PostgreSQL", exc)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'miwell.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    url = postgres_server.create()
    upgrade(url)
    yield url
    postgres_server.drop(url)


def _empty_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            # The audit log's triggers refuse deletes (it is append-only): set aside, then put back.
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _ in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            for _, sql in triggers:
                conn.execute(text(sql))


_engines: dict[str, Engine] = {}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database on each backend; the same schema the app gets."""
    url = request.getfixturevalue(f"{request.param}_url")
    if url not in _engines:
        _engines[url] = make_engine(url)
    eng = _engines[url]
    _empty_tables(eng)
    yield eng


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    if sqlite_url not in _engines:
        _engines[sqlite_url] = make_engine(sqlite_url)
    eng = _engines[sqlite_url]
    _empty_tables(eng)
    yield eng


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    if postgres_url not in _engines:
        _engines[postgres_url] = make_engine(postgres_url)
    eng = _engines[postgres_url]
    _empty_tables(eng)
    yield eng


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for eng in _engines.values():
        eng.dispose()
