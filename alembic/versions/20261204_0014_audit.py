"""Trust: the audit log. Append-only: triggers refuse every UPDATE and DELETE of its rows, on
SQLite and PostgreSQL alike (PostgreSQL's TRUNCATE, an owner's tool, is left to the owner).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_MESSAGE = 'the audit log is append-only'


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('clinic_patient_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_events_patient', 'audit_events', ['patient_id', 'at'], unique=False)
    op.create_index('ix_audit_events_clinic_patient', 'audit_events', ['clinic_patient_id', 'at'], unique=False)
    op.create_index('ix_audit_events_actor', 'audit_events', ['actor_id', 'at'], unique=False)
    op.create_index('ix_audit_events_at', 'audit_events', ['at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$""")
        for verb in ('update', 'delete'):
            op.execute(f"CREATE TRIGGER audit_events_no_{verb} BEFORE {verb.upper()} ON audit_events "
                       "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
    else:
        for verb in ('update', 'delete'):
            op.execute(f"CREATE TRIGGER audit_events_no_{verb} BEFORE {verb.upper()} ON audit_events "
                       f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def downgrade() -> None:
    for verb in ('update', 'delete'):
        op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{verb}" + (' ON audit_events' if op.get_bind().dialect.name == 'postgresql' else ''))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_index('ix_audit_events_at', table_name='audit_events')
    op.drop_index('ix_audit_events_actor', table_name='audit_events')
    op.drop_index('ix_audit_events_clinic_patient', table_name='audit_events')
    op.drop_index('ix_audit_events_patient', table_name='audit_events')
    op.drop_table('audit_events')
