"""Outreach: one outbox for every email, people's email settings, organisations' safety
contacts, and when an unseen urgent alert was emailed and escalated.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('safety_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name='fk_safety_contacts_organisation', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'email', name='uq_safety_contacts_email')
    )
    with op.batch_alter_table('safety_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_contacts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('message_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('emails', sa.Boolean(), nullable=False),
    sa.Column('daily_reminder', sa.Boolean(), nullable=False),
    sa.Column('reminder_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("reminder_time >= '08:00' AND reminder_time < '21:30'", name='ck_message_preferences_time'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_message_preferences_user', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_name', sqlmodel.sql.sqltypes.AutoString(length=100), server_default='', nullable=False),
    sa.Column('attachment', sa.Text(), server_default='', nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('send_after', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('alert', 'escalation', 'reminder', 'nudge', 'digest', 'appointment')", name='ck_outbox_messages_kind'),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'held')", name='ck_outbox_messages_status'),
    sa.CheckConstraint('attempts >= 0', name='ck_outbox_messages_attempts'),
    sa.ForeignKeyConstraint(['alert_id'], ['risk_alerts.id'], name='fk_outbox_messages_alert', ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name='fk_outbox_messages_appointment', ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_outbox_messages_user', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_due', ['status', 'send_after'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('emailed_at')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index('ix_outbox_messages_due')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_appointment_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_alert_id'))

    op.drop_table('outbox_messages')
    op.drop_table('message_preferences')
    with op.batch_alter_table('safety_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_contacts_organisation_id'))

    op.drop_table('safety_contacts')
