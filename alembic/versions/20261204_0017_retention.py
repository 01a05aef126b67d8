"""Trust: retention per organisation. Personal details in records older than N years are
anonymised by a nightly job; NULL keeps them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('ck_organisations_retention', 'retention_years IS NULL OR retention_years BETWEEN 1 AND 100')


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint('ck_organisations_retention', type_='check')
        batch_op.drop_column('retention_years')
