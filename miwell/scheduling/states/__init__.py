"""Reflex states of the clinic pages (staff), of organisations (admin), of a patient's appointments
and of the account links a patient or psychiatrist answers.

Every handler that reads or writes data starts by resolving the user from the session on the
server and lets the services check role and organisation again. Ids coming back from the browser
are only hints: the services refuse any that are not the user's organisation's. Vars hold only
what the page shows.

One module per page or dialog: ``appointments`` (lists), ``doctors``, ``people`` (patients and
clients), ``organisations``, ``calendar`` and ``calendar_dialogs``, ``reports``, ``patient`` (a
patient's own appointments), ``links``; ``common`` holds what they share.
"""

from miwell.scheduling.states.appointments import AppointmentsState
from miwell.scheduling.states.calendar import CALENDAR_PATH, CalendarState
from miwell.scheduling.states.calendar_dialogs import CalendarDialogState, MoveDay
from miwell.scheduling.states.common import ACTION_LABELS, SELF_CLIENT
from miwell.scheduling.states.doctors import DoctorPageState, DoctorsState
from miwell.scheduling.states.links import LinkRequestCard, LinkRequestsState
from miwell.scheduling.states.organisations import (
    OrganisationPageState,
    OrganisationsState,
)
from miwell.scheduling.states.patient import (
    PatientAppointment,
    PatientAppointmentsState,
)
from miwell.scheduling.states.people import ClientsState, PatientsState
from miwell.scheduling.states.reports import (
    CountRow,
    DoctorExportState,
    ReportDay,
    ReportRow,
    ReportState,
)

__all__ = [
    "ACTION_LABELS",
    "AppointmentsState",
    "CALENDAR_PATH",
    "CalendarDialogState",
    "CalendarState",
    "ClientsState",
    "CountRow",
    "DoctorExportState",
    "DoctorPageState",
    "DoctorsState",
    "LinkRequestCard",
    "LinkRequestsState",
    "MoveDay",
    "OrganisationPageState",
    "OrganisationsState",
    "PatientAppointment",
    "PatientAppointmentsState",
    "PatientsState",
    "ReportDay",
    "ReportRow",
    "ReportState",
    "SELF_CLIENT",
]
