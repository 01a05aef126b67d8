"""Scheduling depth: agendas keep a buffer, a minimum notice and a booking horizon; appointments
record a staff override of them; on PostgreSQL an exclusion constraint makes one doctor's
overlapping appointments impossible.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Written out rather than imported: a migration must keep meaning what it meant when it ran.
_OVERLAP_GUARD = (
    "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_doctor_overlap "
    "EXCLUDE USING gist (doctor_id WITH =, tsrange(starts_at, ends_at) WITH &&) "
    "WHERE (status <> 'cancelled')"
)


def upgrade() -> None:
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('buffer_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('min_notice_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('horizon_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint('ck_agendas_buffer', 'buffer_minutes BETWEEN 0 AND 1440')
        batch_op.create_check_constraint('ck_agendas_notice', 'min_notice_minutes BETWEEN 0 AND 527040')
        batch_op.create_check_constraint('ck_agendas_horizon', 'horizon_days BETWEEN 0 AND 3660')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outside_limits', sa.Boolean(), server_default=sa.false(), nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        # btree_gist is a trusted extension (PostgreSQL 13 on): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(_OVERLAP_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE appointments DROP CONSTRAINT ex_appointments_doctor_overlap")
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_column('outside_limits')
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_constraint('ck_agendas_horizon', type_='check')
        batch_op.drop_constraint('ck_agendas_notice', type_='check')
        batch_op.drop_constraint('ck_agendas_buffer', type_='check')
        batch_op.drop_column('horizon_days')
        batch_op.drop_column('min_notice_minutes')
        batch_op.drop_column('buffer_minutes')
