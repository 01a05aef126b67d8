"""Vetting: psychiatrists' standing and invitations, assignment history, task versions.

Every psychiatrist who exists before this migration practises already, so each gets an approved
profile here; from now on a self-registered psychiatrist starts as pending.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('psychiatrist_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('email = lower(trim(email))', name='ck_psychiatrist_invitations_email'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('psychiatrist_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('standing', sa.String(length=10), nullable=False),
    sa.Column('registration_number', sa.String(length=20), nullable=False),
    sa.Column('accepts_new_patients', sa.Boolean(), nullable=False),
    sa.Column('caseload_cap', sa.Integer(), nullable=True),
    sa.Column('standing_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('standing_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("role = 'psychiatrist'", name='ck_psychiatrist_profiles_role'),
    sa.CheckConstraint("standing IN ('pending', 'approved', 'rejected', 'suspended')", name='ck_psychiatrist_profiles_standing'),
    sa.CheckConstraint('caseload_cap IS NULL OR caseload_cap >= 1', name='ck_psychiatrist_profiles_cap'),
    sa.ForeignKeyConstraint(['user_id', 'role'], ['users.id', 'users.role'], name='fk_psychiatrist_profiles_user', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('psychiatrist_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_psychiatrist_profiles_standing'), ['standing'], unique=False)
    op.execute(
        "INSERT INTO psychiatrist_profiles (user_id, role, standing, registration_number, accepts_new_patients, "
        "standing_reason) SELECT id, 'psychiatrist', 'approved', '', true, 'Practising before vetting began' "
        "FROM users WHERE role = 'psychiatrist'"
    )

    op.create_table('psychiatrist_standing_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psychiatrist_id', sa.Integer(), nullable=False),
    sa.Column('from_standing', sa.String(length=10), nullable=False),
    sa.Column('to_standing', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_by_name', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('patients_handed_over', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['psychiatrist_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('psychiatrist_standing_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_psychiatrist_standing_changes_psychiatrist_id'), ['psychiatrist_id'], unique=False)

    op.create_table('patient_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('from_psychiatrist_id', sa.Integer(), nullable=True),
    sa.Column('to_psychiatrist_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_psychiatrist_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['patient_profiles.user_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_psychiatrist_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('patient_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_assignments_patient_id'), ['patient_id'], unique=False)

    op.create_table('wellbeing_task_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=600), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=10), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_by_name', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['wellbeing_tasks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wellbeing_task_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wellbeing_task_versions_task_id'), ['task_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('wellbeing_task_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wellbeing_task_versions_task_id'))

    op.drop_table('wellbeing_task_versions')
    with op.batch_alter_table('patient_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_assignments_patient_id'))

    op.drop_table('patient_assignments')
    with op.batch_alter_table('psychiatrist_standing_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_psychiatrist_standing_changes_psychiatrist_id'))

    op.drop_table('psychiatrist_standing_changes')
    with op.batch_alter_table('psychiatrist_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_psychiatrist_profiles_standing'))

    op.drop_table('psychiatrist_profiles')
    op.drop_table('psychiatrist_invitations')
