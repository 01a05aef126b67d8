"""Scheduling depth: the waiting list. Entries wait for a doctor or any doctor of a clinic; a
freed slot is held for the first match as an offer until it is accepted, declined or expires.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


_OLD_KINDS = "kind IN ('alert', 'escalation', 'reminder', 'nudge', 'digest', 'appointment')"
_NEW_KINDS = "kind IN ('alert', 'escalation', 'reminder', 'nudge', 'digest', 'appointment', 'waitlist')"


def upgrade() -> None:
    # The outbox carries waiting-list offers too.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint('ck_outbox_messages_kind', type_='check')
        batch_op.create_check_constraint('ck_outbox_messages_kind', _NEW_KINDS)
    op.create_table('waitlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=True),
    sa.Column('clinic_id', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('times_of_day', sa.Integer(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')", name='ck_waitlist_status'),
    sa.CheckConstraint('doctor_id IS NOT NULL OR clinic_id IS NOT NULL', name='ck_waitlist_whom'),
    sa.CheckConstraint('last_day >= first_day', name='ck_waitlist_days'),
    sa.CheckConstraint('times_of_day BETWEEN 1 AND 7', name='ck_waitlist_times'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['clinic_id', 'organisation_id'], ['clinics.id', 'clinics.organisation_id'], name='fk_waitlist_clinic', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['doctor_id', 'organisation_id'], ['doctors.id', 'doctors.organisation_id'], name='fk_waitlist_doctor', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patient_id', 'organisation_id'], ['clinic_patients.id', 'clinic_patients.organisation_id'], name='fk_waitlist_patient', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_waitlist_org_status', ['organisation_id', 'status'], unique=False)

    op.create_table('waitlist_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('offered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('offered', 'accepted', 'declined', 'expired', 'released')", name='ck_waitlist_offer_status'),
    sa.CheckConstraint('ends_at > starts_at', name='ck_waitlist_offer_times'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['doctor_id'], ['doctors.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offers_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index('ix_waitlist_offers_org_status', ['organisation_id', 'status'], unique=False)
        batch_op.create_index('uq_waitlist_offers_held', ['doctor_id', 'starts_at'], unique=True, sqlite_where=sa.text("status = 'offered'"), postgresql_where=sa.text("status = 'offered'"))



def downgrade() -> None:
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.drop_index('uq_waitlist_offers_held', sqlite_where=sa.text("status = 'offered'"), postgresql_where=sa.text("status = 'offered'"))
        batch_op.drop_index('ix_waitlist_offers_org_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_offers_entry_id'))

    op.drop_table('waitlist_offers')
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_org_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_entries_patient_id'))

    op.drop_table('waitlist_entries')
    op.execute("DELETE FROM outbox_messages WHERE kind = 'waitlist'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint('ck_outbox_messages_kind', type_='check')
        batch_op.create_check_constraint('ck_outbox_messages_kind', _OLD_KINDS)
