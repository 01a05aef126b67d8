"""Accounts: users of four roles, patient profiles, sessions and login throttling.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('login_throttles',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failures >= 0', name='ck_login_throttles_failures'),
    sa.PrimaryKeyConstraint('email')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("email = lower(trim(email)) AND email LIKE '%_@_%'", name='ck_users_email_normalised'),
    sa.CheckConstraint("phone LIKE '+%'", name='ck_users_phone_e164'),
    sa.CheckConstraint("role IN ('patient', 'psychiatrist', 'staff', 'admin')", name='ck_users_role'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('id', 'role', name='uq_users_id_role')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('auth_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('patient_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('psychiatrist_id', sa.Integer(), nullable=False),
    sa.Column('psychiatrist_role', sa.String(length=20), nullable=False),
    sa.Column('emergency_contact_name', sa.String(length=120), nullable=False),
    sa.Column('emergency_contact_phone', sa.String(length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('requires_assistance', sa.Boolean(), nullable=False),
    sa.CheckConstraint("emergency_contact_phone LIKE '+%'", name='ck_patient_profiles_contact_e164'),
    sa.CheckConstraint("psychiatrist_role = 'psychiatrist'", name='ck_patient_profiles_psychiatrist_role'),
    sa.CheckConstraint("role = 'patient'", name='ck_patient_profiles_role'),
    sa.ForeignKeyConstraint(['psychiatrist_id', 'psychiatrist_role'], ['users.id', 'users.role'], name='fk_patient_profiles_psychiatrist', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id', 'role'], ['users.id', 'users.role'], name='fk_patient_profiles_user', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('patient_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_profiles_psychiatrist_id'), ['psychiatrist_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patient_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_profiles_psychiatrist_id'))

    op.drop_table('patient_profiles')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_sessions_user_id'))

    op.drop_table('auth_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    op.drop_table('login_throttles')
