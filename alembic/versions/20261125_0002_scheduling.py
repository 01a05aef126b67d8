"""Scheduling: organisations, clinics, doctors, clinic patients, clients, agendas, appointments.

Staff accounts get an organisation. Free slots are not stored anywhere: agendas keep their rule
and appointments exist only when booked.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator, Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STAFF_ORGANISATION = "(role = 'staff' AND organisation_id IS NOT NULL) OR (role <> 'staff' AND organisation_id IS NULL)"
# Staff accounts made before organisations existed go here, so the new CHECK holds for them.
EXISTING_STAFF_ORGANISATION = 'MiWell'


@contextmanager
def _sqlite_foreign_keys_off() -> Iterator[None]:
    """SQLite rebuilds a table to change its constraints, and dropping the old copy of `users`
    with foreign keys on would cascade to sessions and profiles (or fail on the RESTRICT ones).
    So, as SQLite's own procedure for table changes says: foreign keys off, rebuild, check, on.
    The PRAGMA is ignored inside a transaction, hence the commit first."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    dbapi = bind.connection.dbapi_connection
    if dbapi.in_transaction:
        dbapi.commit()
    dbapi.execute('PRAGMA foreign_keys=OFF')
    try:
        yield
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'Foreign keys broken by the table rebuild: {broken}')
        if dbapi.in_transaction:
            dbapi.commit()
    finally:
        dbapi.execute('PRAGMA foreign_keys=ON')


def _attach_existing_staff() -> None:
    bind = op.get_bind()
    staff = bind.execute(sa.text("SELECT count(*) FROM users WHERE role = 'staff'")).scalar_one()
    if not staff:
        return
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('created_at', sa.DateTime(timezone=True)))
    op.execute(organisations.insert().values(name=EXISTING_STAFF_ORGANISATION, created_at=datetime.now(timezone.utc)))
    op.execute(sa.text(
        "UPDATE users SET organisation_id = (SELECT id FROM organisations WHERE name = :name) WHERE role = 'staff'"
    ).bindparams(name=EXISTING_STAFF_ORGANISATION))


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('clinics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id', 'organisation_id', name='uq_clinics_id_org'),
    sa.UniqueConstraint('organisation_id', 'name', name='uq_clinics_org_name')
    )
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinics_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('clinic_patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_role', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phone IS NULL OR phone LIKE '+%'", name='ck_clinic_patients_phone_e164'),
    sa.CheckConstraint("user_role = 'patient'", name='ck_clinic_patients_user_role'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id', 'user_role'], ['users.id', 'users.role'], name='fk_clinic_patients_user', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id', 'organisation_id', name='uq_clinic_patients_id_org'),
    sa.UniqueConstraint('organisation_id', 'user_id', name='uq_clinic_patients_org_user')
    )
    with op.batch_alter_table('clinic_patients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_patients_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('doctors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('speciality', sa.String(length=120), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_role', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("colour LIKE '#______'", name='ck_doctors_colour'),
    sa.CheckConstraint("user_role = 'psychiatrist'", name='ck_doctors_user_role'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id', 'user_role'], ['users.id', 'users.role'], name='fk_doctors_user', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id', 'organisation_id', name='uq_doctors_id_org'),
    sa.UniqueConstraint('organisation_id', 'user_id', name='uq_doctors_org_user')
    )
    with op.batch_alter_table('doctors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doctors_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('agendas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name='ck_agendas_dates'),
    sa.CheckConstraint('end_time > start_time', name='ck_agendas_times'),
    sa.CheckConstraint('slot_minutes > 0', name='ck_agendas_slot_minutes'),
    sa.CheckConstraint('weekdays BETWEEN 1 AND 127', name='ck_agendas_weekdays'),
    sa.ForeignKeyConstraint(['clinic_id', 'organisation_id'], ['clinics.id', 'clinics.organisation_id'], name='fk_agendas_clinic', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['doctor_id', 'organisation_id'], ['doctors.id', 'doctors.organisation_id'], name='fk_agendas_doctor', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agendas_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agendas_doctor_id'), ['doctor_id'], unique=False)

    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("phone IS NULL OR phone LIKE '+%'", name='ck_clients_phone_e164'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['patient_id', 'organisation_id'], ['clinic_patients.id', 'clinic_patients.organisation_id'], name='fk_clients_patient', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id', 'organisation_id', name='uq_clients_id_org'),
    sa.UniqueConstraint('patient_id', name='uq_clients_patient')
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show')", name='ck_appointments_status'),
    sa.CheckConstraint('ends_at > starts_at', name='ck_appointments_times'),
    sa.ForeignKeyConstraint(['client_id', 'organisation_id'], ['clients.id', 'clients.organisation_id'], name='fk_appointments_client', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['clinic_id', 'organisation_id'], ['clinics.id', 'clinics.organisation_id'], name='fk_appointments_clinic', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['doctor_id', 'organisation_id'], ['doctors.id', 'doctors.organisation_id'], name='fk_appointments_doctor', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['patient_id', 'organisation_id'], ['clinic_patients.id', 'clinic_patients.organisation_id'], name='fk_appointments_patient', ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointments_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index('ix_appointments_doctor_starts_at', ['doctor_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_appointments_org_starts_at', ['organisation_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('uq_appointments_doctor_start_active', ['doctor_id', 'starts_at'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))

    op.create_table('appointment_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_name', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint("to_status IN ('scheduled', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show')", name='ck_appointment_status_changes_status'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_status_changes_appointment_id'), ['appointment_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
    _attach_existing_staff()
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
            batch_op.create_foreign_key('fk_users_organisation', 'organisations', ['organisation_id'], ['id'], ondelete='RESTRICT')
            batch_op.create_check_constraint('ck_users_staff_organisation', STAFF_ORGANISATION)


def downgrade() -> None:
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.drop_constraint('ck_users_staff_organisation', type_='check')
            batch_op.drop_constraint('fk_users_organisation', type_='foreignkey')
            batch_op.drop_index(batch_op.f('ix_users_organisation_id'))
            batch_op.drop_column('organisation_id')

    with op.batch_alter_table('appointment_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_status_changes_appointment_id'))

    op.drop_table('appointment_status_changes')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('uq_appointments_doctor_start_active', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_appointments_patient_id'))
        batch_op.drop_index('ix_appointments_org_starts_at')
        batch_op.drop_index('ix_appointments_doctor_starts_at')
        batch_op.drop_index(batch_op.f('ix_appointments_clinic_id'))
        batch_op.drop_index(batch_op.f('ix_appointments_client_id'))

    op.drop_table('appointments')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_organisation_id'))

    op.drop_table('clients')
    with op.batch_alter_table('agendas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agendas_doctor_id'))
        batch_op.drop_index(batch_op.f('ix_agendas_clinic_id'))

    op.drop_table('agendas')
    with op.batch_alter_table('doctors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doctors_organisation_id'))

    op.drop_table('doctors')
    with op.batch_alter_table('clinic_patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinic_patients_organisation_id'))

    op.drop_table('clinic_patients')
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinics_organisation_id'))

    op.drop_table('clinics')
    op.drop_table('organisations')
