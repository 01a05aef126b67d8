"""Engine and transaction scope shared by every service (no Reflex here)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from miwell.settings import INSTANCE_DIR, get_settings


def _log_statements(engine: Engine, path: str) -> None:
    """``MIWELL_QUERY_LOG``: one line per statement, appended (several workers may share the file).
    For the benchmarks that count what idle pages cost; off unless set."""
    lock = threading.Lock()

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):  # pragma: no cover
        line = " ".join(statement.split())[:80] + "\n"
        with lock, open(path, "a") as fh:
            fh.write(line)


def make_engine(url: str) -> Engine:
    engine = _make_engine(url)
    if os.environ.get("MIWELL_QUERY_LOG"):
        _log_statements(engine, os.environ["MIWELL_QUERY_LOG"])
    return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if ":///" in url and not url.endswith(":memory:"):
            INSTANCE_DIR.mkdir(exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            # SQLite ignores foreign keys unless asked, and the schema relies on them.
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
