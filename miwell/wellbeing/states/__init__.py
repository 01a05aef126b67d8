"""Reflex states of the wellbeing pages: the patient's day and history, the psychiatrist's views.

Every handler that reads or writes data resolves the user from the session on the server and
passes them to the service, which checks role and ownership again. Ids arriving from the
browser (entry, patient, task) are only ever used through those checks. States hold what their
page shows and nothing more.

One module per kind of page: ``patient`` (Today and History), ``clinician`` (the dashboard, a
patient's page, the review feed), ``library`` (the task library); ``common`` holds the rows they show.
"""

from miwell.wellbeing.states.clinician import DashboardState, PatientPageState, ReviewState, patient_id_in
from miwell.wellbeing.states.common import MINUTES_REFUSED, DashRow, EntryRow, FeedRow, PixelCell, TaskCard
from miwell.wellbeing.states.library import LibraryRow, TaskLibraryState, TaskVersionRow
from miwell.wellbeing.states.patient import SAVE_BUTTON, EntryFormMixin, HistoryState, TodayState

__all__ = [
    "DashRow",
    "DashboardState",
    "EntryFormMixin",
    "EntryRow",
    "FeedRow",
    "HistoryState",
    "LibraryRow",
    "MINUTES_REFUSED",
    "PatientPageState",
    "PixelCell",
    "ReviewState",
    "SAVE_BUTTON",
    "TaskCard",
    "TaskLibraryState",
    "TaskVersionRow",
    "TodayState",
    "patient_id_in",
]
