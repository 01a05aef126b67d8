"""Safety net: screener answers on entries, PHQ-9/GAD-7, crisis lines, urgent bookings from alerts.

An alert may now come from a questionnaire (no mood: ``score`` becomes nullable; its CHECK lets
NULL through) and records the appointment booked from it. Going down deletes questionnaire
alerts, which the older schema cannot hold.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('crisis_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name='ck_crisis_lines_name'),
    sa.CheckConstraint('length(trim(phone)) > 0', name='ck_crisis_lines_phone'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'position', name='uq_crisis_lines_org_position')
    )
    op.create_table('questionnaire_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('answers', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('band', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('phq9', 'gad7')", name='ck_questionnaire_responses_kind'),
    sa.CheckConstraint('(completed_at IS NULL) = (total IS NULL)', name='ck_questionnaire_responses_complete'),
    sa.CheckConstraint('total IS NULL OR total BETWEEN 0 AND 27', name='ck_questionnaire_responses_total'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index('ix_questionnaire_responses_patient_kind', ['patient_id', 'kind', 'completed_at'], unique=False)

    op.create_table('questionnaire_schedules',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=True),
    sa.Column('set_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('phq9', 'gad7')", name='ck_questionnaire_schedules_kind'),
    sa.CheckConstraint('every_weeks IN (0, 2, 4)', name='ck_questionnaire_schedules_every'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('patient_id', 'kind')
    )
    op.create_table('urgent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('clinic_patient_id', sa.Integer(), nullable=True),
    sa.Column('patient_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('handled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('handled_by IS NULL OR handled_at IS NOT NULL', name='ck_urgent_requests_handled'),
    sa.ForeignKeyConstraint(['alert_id'], ['risk_alerts.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['clinic_patient_id'], ['clinic_patients.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('urgent_requests', schema=None) as batch_op:
        batch_op.create_index('ix_urgent_requests_org_open', ['organisation_id', 'handled_at'], unique=False)

    with op.batch_alter_table('mood_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('screener_wish_dead', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('screener_thoughts', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('screener_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), server_default='entry', nullable=False))
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('appointment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('booked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('booked_by', sa.Integer(), nullable=True))
        batch_op.alter_column('score',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key('fk_risk_alerts_booked_by', 'users', ['booked_by'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_risk_alerts_questionnaire', 'questionnaire_responses', ['questionnaire_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_risk_alerts_appointment', 'appointments', ['appointment_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('ck_risk_alerts_source', "source IN ('entry', 'phq9', 'gad7')")



def downgrade() -> None:
    op.execute("DELETE FROM risk_alerts WHERE score IS NULL")
    with op.batch_alter_table('risk_alerts', schema=None) as batch_op:
        batch_op.drop_constraint('ck_risk_alerts_source', type_='check')
        batch_op.drop_constraint('fk_risk_alerts_appointment', type_='foreignkey')
        batch_op.drop_constraint('fk_risk_alerts_questionnaire', type_='foreignkey')
        batch_op.drop_constraint('fk_risk_alerts_booked_by', type_='foreignkey')
        batch_op.alter_column('score',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('booked_by')
        batch_op.drop_column('booked_at')
        batch_op.drop_column('appointment_id')
        batch_op.drop_column('questionnaire_id')
        batch_op.drop_column('source')

    with op.batch_alter_table('mood_entries', schema=None) as batch_op:
        batch_op.drop_column('screener_at')
        batch_op.drop_column('screener_thoughts')
        batch_op.drop_column('screener_wish_dead')

    with op.batch_alter_table('urgent_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_urgent_requests_org_open')

    op.drop_table('urgent_requests')
    op.drop_table('questionnaire_schedules')
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_responses_patient_kind')

    op.drop_table('questionnaire_responses')
    op.drop_table('crisis_lines')
