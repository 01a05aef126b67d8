"""Hardening: the HttpOnly sign-in handoff, consented account links, lockouts per source.

``login_throttles`` gains ``source`` in its primary key. Its rows are counts that expire within
15 minutes, so the table is made anew rather than copied: at worst a lock running when the
migration runs ends early.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sign_in_handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('next_path', sa.String(length=200), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('sign_in_handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_handoffs_user_id'), ['user_id'], unique=False)

    op.create_table('account_link_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('clinic_patient_id', sa.Integer(), nullable=True),
    sa.Column('doctor_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined')", name='ck_account_link_requests_status'),
    sa.CheckConstraint('(clinic_patient_id IS NULL) <> (doctor_id IS NULL)', name='ck_account_link_requests_one_record'),
    sa.CheckConstraint('email = lower(trim(email))', name='ck_account_link_requests_email'),
    sa.ForeignKeyConstraint(['clinic_patient_id'], ['clinic_patients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['doctor_id'], ['doctors.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('clinic_patient_id', name='uq_account_link_requests_patient'),
    sa.UniqueConstraint('doctor_id', name='uq_account_link_requests_doctor')
    )
    with op.batch_alter_table('account_link_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_requests_email'), ['email'], unique=False)

    op.drop_table('login_throttles')
    _throttles(with_source=True)



def downgrade() -> None:
    op.drop_table('login_throttles')
    _throttles(with_source=False)

    with op.batch_alter_table('account_link_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_requests_email'))

    op.drop_table('account_link_requests')
    with op.batch_alter_table('sign_in_handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_handoffs_user_id'))

    op.drop_table('sign_in_handoffs')


def _throttles(with_source: bool) -> None:
    source = [sa.Column('source', sa.String(length=64), nullable=False)] if with_source else []
    op.create_table('login_throttles',
    sa.Column('email', sa.String(length=254), nullable=False),
    *source,
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failures >= 0', name='ck_login_throttles_failures'),
    sa.PrimaryKeyConstraint('email', *(['source'] if with_source else []))
    )
