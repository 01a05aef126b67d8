"""Every migration goes up, down and up again on an empty database, and matches the models."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from miwell.db import make_engine
from miwell.models import metadata
from tests.conftest import alembic_config, downgrade, upgrade


def _round_trip(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
        downgrade(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(url)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'empty.db'}")


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_upgrade(postgres_server):
    url = postgres_server.create()
    try:
        _round_trip(url)
    finally:
        postgres_server.drop(url)


def test_migrations_form_one_line():
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several heads: {heads}; merge them"
