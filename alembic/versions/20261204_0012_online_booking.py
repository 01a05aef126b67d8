"""Scheduling depth: organisations may open online booking to their patients; each clinic sets
how late a patient may still cancel online.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_booking', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_cutoff_hours', sa.Integer(), server_default='24', nullable=False))
        batch_op.create_check_constraint('ck_clinics_cancel_cutoff', 'cancel_cutoff_hours BETWEEN 0 AND 720')


def downgrade() -> None:
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_constraint('ck_clinics_cancel_cutoff', type_='check')
        batch_op.drop_column('cancel_cutoff_hours')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('online_booking')
