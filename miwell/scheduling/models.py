"""Clinic tables: organisations, clinics, doctors, patients, clients, agendas and appointments.

Free slots are never stored: an agenda keeps only its rule, and an appointment exists only
once somebody books it.

Every record of an organisation carries ``organisation_id`` and a ``UNIQUE (id, organisation_id)``
key, and the records that point at each other do so through ``(id, organisation_id)`` pairs. So
the schema itself refuses an appointment of organisation A with a doctor or patient of B, whatever
a service might get wrong.

``Appointment.starts_at``/``ends_at`` and the agenda's dates and times are *clinic local wall-clock
time*, naive, as in :mod:`miwell.scheduling.core.availability`: a 09:00 appointment stays at 09:00 when
the clocks change. Audit timestamps (``created_at``, ``changed_at``) are aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Optional

from pydantic import NaiveDatetime
from sqlalchemy import DDL, CheckConstraint, Column, ForeignKey, ForeignKeyConstraint, Index, Integer, UniqueConstraint, event, false, text
from sqlmodel import Field, SQLModel

from miwell.scheduling.core.status import STATUSES
from miwell.timeutil import utcnow

_status_list = ", ".join(f"'{s}'" for s in STATUSES)
# One doctor cannot have two appointments that hold the same start; a cancelled one gives it back.
ACTIVE_APPOINTMENT = text("status <> 'cancelled'")


def _org_fk(column: str, table: str, name: str, ondelete: str = "RESTRICT") -> ForeignKeyConstraint:
    """``(column, organisation_id)`` -> ``table(id, organisation_id)``: the target is of the same organisation."""
    return ForeignKeyConstraint(
        [column, "organisation_id"], [f"{table}.id", f"{table}.organisation_id"], ondelete=ondelete, name=name
    )


class Organisation(SQLModel, table=True):
    """A customer of MiWell: a charity or practice running one or more clinics."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("retention_years IS NULL OR retention_years BETWEEN 1 AND 100", name="ck_organisations_retention"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # Bumped with every change an open calendar must show; its pages poll this one integer.
    calendar_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Whether its patients with a linked MiWell account may book and cancel online (off until an admin opens it).
    online_booking: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Personal details in records older than this many years are anonymised by a nightly job;
    # None keeps them (see scheduling/services/retention.py).
    retention_years: Optional[int] = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class Clinic(SQLModel, table=True):
    __tablename__ = "clinics"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_clinics_org_name"),
        UniqueConstraint("id", "organisation_id", name="uq_clinics_id_org"),
        CheckConstraint("cancel_cutoff_hours BETWEEN 0 AND 720", name="ck_clinics_cancel_cutoff"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    name: str = Field(max_length=120)
    address: str = Field(max_length=300)
    # IANA name (Europe/London): agendas and appointments of the clinic are in its local time.
    timezone: str = Field(max_length=64)
    # A patient may cancel online until this many hours before the start; later they call the clinic.
    cancel_cutoff_hours: int = Field(default=24, sa_column_kwargs={"server_default": "24"})
    created_at: datetime = Field(default_factory=utcnow)


class Doctor(SQLModel, table=True):
    __tablename__ = "doctors"
    __table_args__ = (
        CheckConstraint("colour LIKE '#______'", name="ck_doctors_colour"),
        CheckConstraint("user_role = 'psychiatrist'", name="ck_doctors_user_role"),
        UniqueConstraint("id", "organisation_id", name="uq_doctors_id_org"),
        UniqueConstraint("organisation_id", "user_id", name="uq_doctors_org_user"),
        # Only a psychiatrist account can be linked; deleting the account unlinks the record.
        ForeignKeyConstraint(
            ["user_id", "user_role"], ["users.id", "users.role"], ondelete="SET NULL", name="fk_doctors_user"
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    full_name: str = Field(max_length=120)
    speciality: str = Field(default="", max_length=120)
    colour: str = Field(max_length=7)
    user_id: Optional[int] = Field(default=None)
    user_role: Optional[str] = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class ClinicPatient(SQLModel, table=True):
    """The person cared for, as the clinic knows them (not a login: see ``user_id``)."""

    __tablename__ = "clinic_patients"
    __table_args__ = (
        CheckConstraint("phone IS NULL OR phone LIKE '+%'", name="ck_clinic_patients_phone_e164"),
        CheckConstraint("user_role = 'patient'", name="ck_clinic_patients_user_role"),
        UniqueConstraint("id", "organisation_id", name="uq_clinic_patients_id_org"),
        UniqueConstraint("organisation_id", "user_id", name="uq_clinic_patients_org_user"),
        # A patient deleting their wellbeing account leaves the clinic record, unlinked.
        ForeignKeyConstraint(
            ["user_id", "user_role"], ["users.id", "users.role"], ondelete="SET NULL", name="fk_clinic_patients_user"
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    full_name: str = Field(max_length=120)
    date_of_birth: Optional[date] = None
    phone: Optional[str] = Field(default=None, max_length=20)
    email: Optional[str] = Field(default=None, max_length=254)
    user_id: Optional[int] = Field(default=None)
    user_role: Optional[str] = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Client(SQLModel, table=True):
    """Who books and is responsible. ``patient_id`` set means "the patient themself"."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint("phone IS NULL OR phone LIKE '+%'", name="ck_clients_phone_e164"),
        UniqueConstraint("id", "organisation_id", name="uq_clients_id_org"),
        UniqueConstraint("patient_id", name="uq_clients_patient"),
        _org_fk("patient_id", "clinic_patients", "fk_clients_patient", ondelete="CASCADE"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    full_name: str = Field(max_length=120)
    phone: Optional[str] = Field(default=None, max_length=20)
    email: Optional[str] = Field(default=None, max_length=254)
    patient_id: Optional[int] = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class Agenda(SQLModel, table=True):
    """A doctor's recurring bookable time at one clinic: only the rule is stored, never its slots.

    ``weekdays`` is a bit mask, bit 0 = Monday ... bit 6 = Sunday.
    """

    __tablename__ = "agendas"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_agendas_dates"),
        CheckConstraint("end_time > start_time", name="ck_agendas_times"),
        CheckConstraint("slot_minutes > 0", name="ck_agendas_slot_minutes"),
        CheckConstraint("weekdays BETWEEN 1 AND 127", name="ck_agendas_weekdays"),
        # The same bounds as core.availability.validate_rule, so a bug past the service cannot
        # store an agenda the core would refuse to read.
        CheckConstraint("buffer_minutes BETWEEN 0 AND 1440", name="ck_agendas_buffer"),
        CheckConstraint("min_notice_minutes BETWEEN 0 AND 527040", name="ck_agendas_notice"),
        CheckConstraint("horizon_days BETWEEN 0 AND 3660", name="ck_agendas_horizon"),
        _org_fk("doctor_id", "doctors", "fk_agendas_doctor", ondelete="CASCADE"),
        _org_fk("clinic_id", "clinics", "fk_agendas_clinic"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False)
    )
    doctor_id: int = Field(index=True)
    clinic_id: int = Field(index=True)
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    slot_minutes: int
    weekdays: int
    # Breathing room around every booking, minimum notice and booking horizon: 0 means none.
    buffer_minutes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    min_notice_minutes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    horizon_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)


class AppointmentSeries(SQLModel, table=True):
    """Appointments booked together to repeat every 1, 2 or 4 weeks. Each occurrence is an ordinary
    appointment (its own status, moved or cancelled on its own) that points here."""

    __tablename__ = "appointment_series"
    __table_args__ = (CheckConstraint("every_weeks IN (1, 2, 4)", name="ck_appointment_series_every"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    every_weeks: int
    created_by_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow)


class Appointment(SQLModel, table=True):
    """One booking. ``starts_at``/``ends_at`` are naive clinic local time."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_status_list})", name="ck_appointments_status"),
        CheckConstraint("ends_at > starts_at", name="ck_appointments_times"),
        _org_fk("doctor_id", "doctors", "fk_appointments_doctor"),
        _org_fk("clinic_id", "clinics", "fk_appointments_clinic"),
        _org_fk("patient_id", "clinic_patients", "fk_appointments_patient"),
        _org_fk("client_id", "clients", "fk_appointments_client"),
        Index(
            "uq_appointments_doctor_start_active",
            "doctor_id",
            "starts_at",
            unique=True,
            sqlite_where=ACTIVE_APPOINTMENT,
            postgresql_where=ACTIVE_APPOINTMENT,
        ),
        Index("ix_appointments_doctor_starts_at", "doctor_id", "starts_at"),
        Index("ix_appointments_org_starts_at", "organisation_id", "starts_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False)
    )
    doctor_id: int
    clinic_id: int = Field(index=True)
    patient_id: int = Field(index=True)
    # Emptied when a client record is deleted after the appointment took place; the patient stays.
    client_id: Optional[int] = Field(default=None, index=True)
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    status: str = Field(default="scheduled", max_length=20)
    # The desk's working note ("first visit, bring the referral letter"); never shown to the patient.
    note: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    # Booked by staff inside the agenda's minimum notice or beyond its horizon, on purpose.
    outside_limits: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The series it was booked in, if any; losing the series keeps the appointment.
    series_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("appointment_series.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    created_at: datetime = Field(default_factory=utcnow)


# The second guard on PostgreSQL: one doctor's appointments that hold their time can never overlap,
# even if some code path skipped the free-slot check. SQLite keeps the partial unique index alone.
APPOINTMENT_OVERLAP_GUARD = (
    "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_doctor_overlap "
    "EXCLUDE USING gist (doctor_id WITH =, tsrange(starts_at, ends_at) WITH &&) "
    "WHERE (status <> 'cancelled')"
)
event.listen(
    Appointment.__table__,  # type: ignore[attr-defined]
    "after_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
event.listen(
    Appointment.__table__,  # type: ignore[attr-defined]
    "after_create",
    DDL(APPOINTMENT_OVERLAP_GUARD).execute_if(dialect="postgresql"),
)


WAITLIST_STATUSES = ("waiting", "offered", "booked", "expired", "withdrawn")
OFFER_STATUSES = ("offered", "accepted", "declined", "expired", "released")
# Morning before 12:00, afternoon before 17:00, evening after: bit 1, 2 and 4 of times_of_day.
TIMES_OF_DAY = (("morning", 1), ("afternoon", 2), ("evening", 4))


class WaitlistEntry(SQLModel, table=True):
    """A patient waiting for a time with a doctor, or with any doctor of a clinic, within a date
    range and at preferred times of day. Urgent entries come first, then the oldest."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in WAITLIST_STATUSES)})", name="ck_waitlist_status"),
        CheckConstraint("doctor_id IS NOT NULL OR clinic_id IS NOT NULL", name="ck_waitlist_whom"),
        CheckConstraint("last_day >= first_day", name="ck_waitlist_days"),
        CheckConstraint("times_of_day BETWEEN 1 AND 7", name="ck_waitlist_times"),
        _org_fk("patient_id", "clinic_patients", "fk_waitlist_patient", ondelete="CASCADE"),
        _org_fk("doctor_id", "doctors", "fk_waitlist_doctor", ondelete="CASCADE"),
        _org_fk("clinic_id", "clinics", "fk_waitlist_clinic", ondelete="CASCADE"),
        Index("ix_waitlist_org_status", "organisation_id", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    )
    patient_id: int = Field(index=True)
    doctor_id: Optional[int] = Field(default=None)
    clinic_id: Optional[int] = Field(default=None)
    first_day: date
    last_day: date
    times_of_day: int = Field(default=7)
    urgent: bool = Field(default=False)
    note: str = Field(default="", max_length=500)
    status: str = Field(default="waiting", max_length=12)
    created_by_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow)
    status_changed_at: datetime = Field(default_factory=utcnow)
    appointment_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("appointments.id", ondelete="SET NULL"), nullable=True)
    )


class WaitlistOffer(SQLModel, table=True):
    """A freed slot held for one waiting patient until ``expires_at``: nobody else is offered it or
    can book it meanwhile. Accepted, it becomes an appointment; declined or expired, it passes on."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in OFFER_STATUSES)})", name="ck_waitlist_offer_status"),
        CheckConstraint("ends_at > starts_at", name="ck_waitlist_offer_times"),
        # One live hold per slot of a doctor.
        Index(
            "uq_waitlist_offers_held",
            "doctor_id",
            "starts_at",
            unique=True,
            sqlite_where=text("status = 'offered'"),
            postgresql_where=text("status = 'offered'"),
        ),
        Index("ix_waitlist_offers_org_status", "organisation_id", "status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    )
    entry_id: int = Field(sa_column=Column(Integer, ForeignKey("waitlist_entries.id", ondelete="CASCADE"), nullable=False, index=True))
    doctor_id: int = Field(sa_column=Column(Integer, ForeignKey("doctors.id", ondelete="CASCADE"), nullable=False))
    clinic_id: int = Field(sa_column=Column(Integer, ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False))
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime
    status: str = Field(default="offered", max_length=12)
    offered_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    answered_at: Optional[datetime] = Field(default=None)
    appointment_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("appointments.id", ondelete="SET NULL"), nullable=True)
    )


class AppointmentStatusChange(SQLModel, table=True):
    """Who changed an appointment's status, when and why; the first row is the booking itself."""

    __tablename__ = "appointment_status_changes"
    __table_args__ = (
        CheckConstraint(f"to_status IN ({_status_list})", name="ck_appointment_status_changes_status"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    appointment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("appointments.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    from_status: Optional[str] = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    # The name is kept as written so the history still reads right after the account is gone.
    changed_by_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    changed_by_name: str = Field(max_length=120)
    changed_at: datetime = Field(default_factory=utcnow)
    reason: str = Field(default="", max_length=500)


class AccountLinkRequest(SQLModel, table=True):
    """A clinic asking a MiWell user to link their account to one of its records.

    Staff never link an account by typing its address: they ask, and the account's owner (found
    by that address, if one exists) confirms or declines in MiWell. The clinic is told the same
    thing whether or not the address has an account. One request per record: asking again
    replaces it. Exactly one of the two record columns is set.
    """

    __tablename__ = "account_link_requests"
    __table_args__ = (
        CheckConstraint(
            "(clinic_patient_id IS NULL) <> (doctor_id IS NULL)", name="ck_account_link_requests_one_record"
        ),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined')", name="ck_account_link_requests_status"
        ),
        CheckConstraint("email = lower(trim(email))", name="ck_account_link_requests_email"),
        UniqueConstraint("clinic_patient_id", name="uq_account_link_requests_patient"),
        UniqueConstraint("doctor_id", name="uq_account_link_requests_doctor"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    )
    clinic_patient_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("clinic_patients.id", ondelete="CASCADE"), nullable=True)
    )
    doctor_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("doctors.id", ondelete="CASCADE"), nullable=True)
    )
    # The address the staff member typed; the account it belongs to is found when its owner looks.
    email: str = Field(max_length=254, index=True)
    status: str = Field(default="pending", max_length=10)
    requested_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    requested_at: datetime = Field(default_factory=utcnow)
    decided_at: Optional[datetime] = None


class CrisisLine(SQLModel, table=True):
    """A number an organisation's patients are shown when they need help now, in order."""

    __tablename__ = "crisis_lines"
    __table_args__ = (
        UniqueConstraint("organisation_id", "position", name="uq_crisis_lines_org_position"),
        CheckConstraint("length(trim(name)) > 0", name="ck_crisis_lines_name"),
        CheckConstraint("length(trim(phone)) > 0", name="ck_crisis_lines_phone"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    )
    position: int
    name: str = Field(max_length=80)
    phone: str = Field(max_length=40)
    detail: str = Field(default="", max_length=160)


class UrgentRequest(SQLModel, table=True):
    """A psychiatrist asking a clinic's desk for an urgent appointment they could not book themselves.

    Names are copied as written, so the desk's list reads right after a record or account is gone.
    """

    __tablename__ = "urgent_requests"
    __table_args__ = (
        CheckConstraint(
            "handled_by IS NULL OR handled_at IS NOT NULL", name="ck_urgent_requests_handled"
        ),
        # The desk's list: an organisation's open requests.
        Index("ix_urgent_requests_org_open", "organisation_id", "handled_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False)
    )
    clinic_patient_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("clinic_patients.id", ondelete="SET NULL"), nullable=True)
    )
    patient_name: str = Field(max_length=120)
    alert_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("risk_alerts.id", ondelete="SET NULL"), nullable=True)
    )
    requested_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    requested_by_name: str = Field(max_length=120)
    reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    handled_at: Optional[datetime] = None
    handled_by: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
