"""Trust: authenticator apps' secrets sealed with a key derived from the server's secret key, so
a copy of the database alone (a backup, a leak) cannot make sign-in codes.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

from miwell.accounts.core.two_factor import seal, unseal
from miwell.settings import get_settings


revision: str = '0018'
down_revision: Union[str, None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=")


def _secrets() -> list[tuple[int, str]]:
    return [tuple(row) for row in op.get_bind().execute(sa.text("SELECT user_id, secret FROM two_factor")).all()]


def _store(rows: list[dict]) -> None:
    if rows:  # one statement, many parameter sets
        op.get_bind().execute(sa.text("UPDATE two_factor SET secret = :secret WHERE user_id = :user_id"), rows)


def upgrade() -> None:
    with op.batch_alter_table('two_factor', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=255), existing_nullable=False)
    key = get_settings().secret_key
    _store([{"user_id": user_id, "secret": seal(secret, key)} for user_id, secret in _secrets() if set(secret) <= _BASE32])


def downgrade() -> None:
    key = get_settings().secret_key
    rows, unreadable = [], []
    for user_id, secret in _secrets():
        plain = unseal(secret, key)
        if plain is None and not set(secret) <= _BASE32:
            unreadable.append(user_id)
        elif plain is not None:
            rows.append({"user_id": user_id, "secret": plain})
    _store(rows)
    # Sealed with another key: of no use to anyone, and too long for the old column. Those people
    # set up their app again at their next sign-in.
    if unreadable:
        op.get_bind().execute(sa.text("DELETE FROM two_factor WHERE user_id IN :ids").bindparams(sa.bindparam("ids", expanding=True)), {"ids": unreadable})
    with op.batch_alter_table('two_factor', schema=None) as batch_op:
        batch_op.alter_column('secret', existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=64), existing_nullable=False)
