"""One module per page. Importing them registers their routes."""

from miwell.pages import account, admin_home, login, patient_home, psychiatrist_home, register, staff_home
from miwell.pages import patient_history, psychiatrist_patient, psychiatrist_review, psychiatrist_tasks
from miwell.pages import admin_organisation, admin_organisations, staff_clients, staff_doctor, staff_doctors, staff_patients
from miwell.pages import staff_calendar, staff_reports
from miwell.pages import admin_outbox, admin_psychiatrists, invite, psychiatrist_status
from miwell.pages import patient_book, staff_waitlist
from miwell.pages import admin_audit, patient_record_access

__all__ = [
    "account",
    "invite",
    "admin_audit",
    "admin_home",
    "admin_organisation",
    "admin_organisations",
    "admin_outbox",
    "admin_psychiatrists",
    "login",
    "patient_book",
    "patient_history",
    "patient_record_access",
    "patient_home",
    "psychiatrist_home",
    "psychiatrist_patient",
    "psychiatrist_review",
    "psychiatrist_status",
    "psychiatrist_tasks",
    "register",
    "staff_calendar",
    "staff_clients",
    "staff_doctor",
    "staff_doctors",
    "staff_home",
    "staff_patients",
    "staff_reports",
    "staff_waitlist",
]
