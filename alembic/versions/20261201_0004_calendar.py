"""Calendar: an organisation's calendar version, and a desk note on each appointment.

``organisations.calendar_version`` goes up in the same transaction as every change that alters
what a calendar shows (a booking, a status change, a move, an agenda, a doctor), so an open
calendar learns that it must reload by reading one integer.

Both columns are added and dropped in place (SQLite 3.35+ and PostgreSQL can), so the
appointments table is never rebuilt and its history rows are never touched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('organisations', sa.Column('calendar_version', sa.Integer(), server_default='0', nullable=False))
    op.add_column('appointments', sa.Column('note', sa.String(length=500), server_default='', nullable=False))


def downgrade() -> None:
    op.drop_column('appointments', 'note')
    op.drop_column('organisations', 'calendar_version')
