"""Scheduling depth: recurring series. Appointments booked together point to their series; each
stays an ordinary appointment.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('appointment_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint('every_weeks IN (1, 2, 4)', name='ck_appointment_series_every'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_series_organisation_id'), ['organisation_id'], unique=False)
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointments_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key('fk_appointments_series', 'appointment_series', ['series_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appointments_series', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointments_series_id'))
        batch_op.drop_column('series_id')
    with op.batch_alter_table('appointment_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_series_organisation_id'))
    op.drop_table('appointment_series')
