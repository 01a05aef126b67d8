"""One module per page. Importing them registers their routes."""

from miwell.pages import account, admin_home, login, patient_home, psychiatrist_home, register, staff_home
from miwell.pages import patient_history, psychiatrist_patient, psychiatrist_review, psychiatrist_tasks
from miwell.pages import admin_organisation, admin_organisations, staff_clients, staff_doctor, staff_doctors, staff_patients
from miwell.pages import calendar_preview  # temporary: replaced by the clinic calendar page (issue 5)

__all__ = [
    "account",
    "calendar_preview",
    "admin_home",
    "admin_organisation",
    "admin_organisations",
    "login",
    "patient_history",
    "patient_home",
    "psychiatrist_home",
    "psychiatrist_patient",
    "psychiatrist_review",
    "psychiatrist_tasks",
    "register",
    "staff_clients",
    "staff_doctor",
    "staff_doctors",
    "staff_home",
    "staff_patients",
]
