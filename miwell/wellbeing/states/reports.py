"""Downloads: a mood report (PDF or CSV) of a period, and the patient's own data as a ZIP.

The patient downloads their own; a psychiatrist those of the patient whose page is open (the id
comes from the page's address and goes through the service's check like any other).
"""

from __future__ import annotations

import reflex as rx

from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.db import session_scope
from miwell.timeutil import utcnow
from miwell.wellbeing.core import report as core
from miwell.wellbeing.services import reports as service
from miwell.wellbeing.states.clinician import patient_id_in
from miwell.wellbeing.states.common import PATIENT, PSYCHIATRIST


class MoodReportState(AuthState):
    first: str = ""
    last: str = ""
    # Off by default: the patient's copy may be shared with anyone. The psychiatrist's page turns it on.
    include_notes: bool = False
    error: str = ""

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def set_first(self, value: str):
        self.first = text_arg(value, 10)

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def set_last(self, value: str):
        self.last = text_arg(value, 10)

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def set_include_notes(self, value: bool):
        self.include_notes = value is True

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def choose_notes(self, value: str | list[str]):
        self.include_notes = value == "in"

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def reset_for_patient(self):
        self.first = self.last = self.error = ""
        self.include_notes = False

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def reset_for_psychiatrist(self):
        self.first = self.last = self.error = ""
        self.include_notes = True

    def _data(self) -> core.ReportData | None:
        user = self._current_user()
        if user is None or user.role not in (PATIENT, PSYCHIATRIST):
            self.error = "Please sign in again."
            return None
        patient_id = user.id if user.role == PATIENT else patient_id_in(self.router.url.path)
        try:
            with session_scope() as s:
                data = service.report(s, user, patient_id, self.first, self.last, self.include_notes)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return None
        self.error = ""
        return data

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_RECORDS_OR_PATIENTS)
    def download_pdf(self):
        data = self._data()
        if data is None:
            return
        return rx.download(data=core.to_pdf(data), filename=service.report_filename(data, "pdf"), mime_type="application/pdf")

    @rx.event
    @allow(PATIENT, PSYCHIATRIST, owns=Owns.OWN_RECORDS_OR_PATIENTS)
    def download_csv(self):
        data = self._data()
        if data is None:
            return
        return rx.download(data=core.to_csv(data), filename=service.report_filename(data, "csv"), mime_type="text/csv")

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def download_all(self):
        """The patient's own data, everything, as one ZIP (never anyone else's)."""
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                data = service.export_zip(s, user)
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        return rx.download(data=data, filename=f"miwell-my-data-{utcnow():%Y-%m-%d}.zip", mime_type="application/zip")
