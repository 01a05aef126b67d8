"""The psychiatrist's pages: the dashboard, one patient's page and the review feed."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import reflex as rx

from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState, form_data, text_arg
from miwell.accounts.states.policy import PSYCHIATRIST, allow, Owns
from miwell.db import session_scope
from miwell.wellbeing import services as service
from miwell.wellbeing.core import charts, display
from miwell.wellbeing.core.moods import (
    FEELING_LABELS,
)
from miwell.wellbeing.services import questionnaires as questionnaire_service
from miwell.wellbeing.states.questionnaires import ScoreRow, score_figures, score_rows
from miwell.wellbeing.states.common import (
    ENTRY_PAGE,
    PATIENT_PAGE_PREFIX,
    PSYCHIATRIST,
    DashRow,
    EntryRow,
    FeedRow,
    PixelCell,
    TaskCard,
    _entry_rows,
    _figure,
    _int,
    _pixels,
    _task_card,
)

# --- psychiatrist: dashboard ----------------------------------------------------------------------


def _dash_row(r: service.DashboardRow) -> DashRow:
    return DashRow(
        id=r.patient_id,
        name=r.name,
        assist=r.requires_assistance,
        alert=r.alert_level,
        emoji=display.emoji(r.last_score),
        label=display.label(r.last_score),
        colour=display.colour(r.last_score),
        since=display.days_ago_label(r.days_since),
        trend=r.trend,
        trend_label=f"⬇ Fell {r.drop} points" if r.trend == "drop" else display.TREND_LABELS[r.trend],
        week=[PixelCell(display.colour(s) if s else charts.EMPTY_COLOUR, display.label(s) or "no entry") for s in r.week],
        unreviewed=r.unreviewed,
        days_since=-1 if r.days_since is None else r.days_since,
        missed=max(0, (r.days_since or 0) - 1),
    )


MISSED_THRESHOLD = 3  # the same as the morning digest's


class DashboardState(AuthState):
    rows: list[DashRow] = []
    loaded: bool = False
    missed_only: bool = False

    def _refresh(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.rows = [_dash_row(r) for r in service.dashboard(s, user)]
        self.loaded = True

    @rx.var
    def needing_assistance(self) -> int:
        return sum(1 for r in self.rows if r.assist)

    @rx.var
    def missed_count(self) -> int:
        return sum(1 for r in self.rows if r.missed >= MISSED_THRESHOLD)

    @rx.var
    def shown_rows(self) -> list[DashRow]:
        return [r for r in self.rows if r.missed >= MISSED_THRESHOLD] if self.missed_only else self.rows

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def toggle_missed(self):
        self.missed_only = not self.missed_only

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def load(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        self._refresh(user)


# --- psychiatrist: one patient --------------------------------------------------------------------


def patient_id_in(path: str) -> int:
    """The patient id of a patient page's path, 0 for any other page."""
    if not path.startswith(PATIENT_PAGE_PREFIX):
        return 0
    return _int(path[len(PATIENT_PAGE_PREFIX) :].strip("/"), 0)


# --- replying and marking reviewed: the same on the patient page and the review feed ------------

REPLY_SAVED = "Reply saved. The patient sees it beside their entry."


def _save_reply(user: CurrentUser, form: dict[str, Any]) -> str:
    """Saves the reply in ``form``; returns what went wrong, or "" when it was saved."""
    try:
        with session_scope() as s:
            service.save_reply(s, user, _int(form.get("entry_id")), form.get("body", ""))
    except (AccountError, ValueError) as exc:
        return str(exc)
    return ""


def _mark_reviewed(user: CurrentUser, entry_id: object) -> str:
    try:
        with session_scope() as s:
            service.mark_reviewed(s, user, _int(entry_id))
    except (AccountError, ValueError) as exc:
        return str(exc)
    return ""


class PatientPageState(AuthState):
    """One of the psychiatrist's patients. Emptied before anything else is loaded."""

    current_patient: int = 0
    name: str = ""
    email: str = ""
    phone: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    timezone: str = ""
    assist: bool = False
    days: int = 30
    figure: go.Figure = go.Figure()
    pixels: list[PixelCell] = []
    streak: int = 0
    entries: list[EntryRow] = []
    entry_total: int = 0
    entry_limit: int = ENTRY_PAGE
    pinned: list[TaskCard] = []
    task_options: list[TaskCard] = []
    pin_choice: str = ""
    missing: bool = False
    picked_day: str = ""
    # Questionnaires: how often each is due ("0", "2", "4" weeks), and the scores so far.
    phq9_every: str = "0"
    gad7_every: str = "0"
    phq9_next: str = ""
    gad7_next: str = ""
    scores: list[ScoreRow] = []
    phq9_figure: go.Figure = go.Figure()
    gad7_figure: go.Figure = go.Figure()
    has_scores: bool = False
    has_phq9: bool = False
    has_gad7: bool = False

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def pick_day(self, title: str):
        self.picked_day = text_arg(title, 80)

    def _clear(self) -> None:
        self.current_patient = 0
        self.name = self.email = self.phone = self.contact_name = self.contact_phone = self.timezone = ""
        self.assist = False
        self.figure = go.Figure()
        self.pixels, self.entries, self.pinned, self.task_options = [], [], [], []
        self.streak = self.entry_total = 0
        self.phq9_every = self.gad7_every = "0"
        self.phq9_next = self.gad7_next = ""
        self.scores, self.has_scores, self.has_phq9, self.has_gad7 = [], False, False, False
        self.phq9_figure, self.gad7_figure = go.Figure(), go.Figure()

    def _refresh(self, user: CurrentUser) -> None:
        """Reload the open patient; raises PermissionDenied if they are not the user's patient."""
        with session_scope() as s:
            contact = service.patient_contact(s, user, self.current_patient)
            view = service.history(s, user, self.current_patient, self.days, self.entry_limit)
            pinned = service.pinned_tasks(s, user, self.current_patient)
            library = service.list_tasks(s, user)
            schedules = questionnaire_service.schedules(s, user, self.current_patient)
            scores = questionnaire_service.scores(s, user, self.current_patient)
        self._show_schedules(schedules)
        self.scores, self.has_scores = score_rows(scores), bool(scores)
        self.has_phq9 = any(x.kind == "phq9" for x in scores)
        self.has_gad7 = any(x.kind == "gad7" for x in scores)
        self.phq9_figure, self.gad7_figure = score_figures(scores)
        self.name, self.email, self.phone = contact.name, contact.email, contact.phone
        self.contact_name, self.contact_phone = contact.emergency_contact_name, contact.emergency_contact_phone
        self.timezone, self.assist = contact.timezone, contact.requires_assistance
        self.figure, self.pixels, self.streak = _figure(view), _pixels(view), view.streak
        self.entries = _entry_rows(view, None, user.id)
        self.entry_total = view.entry_total
        self.pinned = [_task_card(t) for t in pinned]
        pinned_ids = {t.id for t in pinned}
        self.task_options = [_task_card(t) for t in library if not t.retired and t.id not in pinned_ids]

    def _show_schedules(self, schedules: list[questionnaire_service.ScheduleView]) -> None:
        for view in schedules:
            due = display.day_label(view.next_due) if view.next_due else ""
            setattr(self, f"{view.kind}_every", str(view.every_weeks))
            setattr(self, f"{view.kind}_next", due)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def set_schedule(self, kind: str, weeks: str):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                questionnaire_service.set_schedule(s, user, self.current_patient, text_arg(kind, 10), text_arg(weeks, 2))
                schedules = questionnaire_service.schedules(s, user, self.current_patient)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._show_schedules(schedules)
        return rx.toast.success("Saved. The patient sees it on their Today page when it is due.")

    def _reload_or_refuse(self, user: CurrentUser) -> bool:
        """False, with the page emptied, when the patient is not (or no longer) the user's."""
        try:
            self._refresh(user)
        except (AccountError, ValueError):
            self._clear()
            self.missing = True
            return False
        return True

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def load(self):
        user = self._require(PSYCHIATRIST)
        self._clear()
        if user is None:
            return self._turn_away(self._current_user())
        self.current_patient = patient_id_in(self.router.url.path)
        self.missing = False
        self.days, self.entry_limit, self.pin_choice = 30, ENTRY_PAGE, ""
        self._reload_or_refuse(user)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def set_range(self, days: str | list[str]):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        chosen = _int(text_arg(days), 30)
        self.days = chosen if chosen in service.HISTORY_RANGES else 30
        self._reload_or_refuse(user)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def show_more(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        self.entry_limit += ENTRY_PAGE
        self._reload_or_refuse(user)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def save_reply(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        error = _save_reply(user, form)
        if error:
            return rx.toast.error(error)
        self._reload_or_refuse(user)
        return rx.toast.success(REPLY_SAVED)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def mark_reviewed(self, entry_id: int):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        error = _mark_reviewed(user, entry_id)
        if error:
            return rx.toast.error(error)
        self._reload_or_refuse(user)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.THIS_PAGE)
    def set_pin_choice(self, value: str):
        self.pin_choice = str(value)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def pin(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.pin_task(s, user, self.current_patient, _int(self.pin_choice))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self.pin_choice = ""
        self._reload_or_refuse(user)
        return rx.toast.success(f"Pinned. {self.name} will be offered it first.")

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def unpin(self, task_id: int):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.unpin_task(s, user, self.current_patient, _int(task_id))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._reload_or_refuse(user)


# --- psychiatrist: review feed ----------------------------------------------------------------------


class ReviewState(AuthState):
    items: list[FeedRow] = []
    total: int = 0
    urgent: int = 0
    watch: int = 0
    loaded: bool = False

    def _refresh(self, user: CurrentUser) -> None:
        with session_scope() as s:
            items, self.total = service.review_feed(s, user)
            counts = service.review_counts(s, user)
        self.urgent, self.watch = counts["urgent"], counts["watch"]
        self.items = [
            FeedRow(
                id=i.entry.id,
                patient_id=i.patient_id,
                patient=i.patient_name,
                day=display.day_label(i.entry.day),
                emoji=display.emoji(i.entry.score),
                label=display.label(i.entry.score),
                colour=display.colour(i.entry.score),
                note=i.entry.note,
                minutes=i.entry.minutes,
                risk=i.entry.risk_level,
                edited=i.edited,
                my_reply=i.my_reply,
                feelings=[FEELING_LABELS.get(f, f) for f in i.entry.feelings],
                screener=display.screener_label(i.entry.screener),
            )
            for i in items
        ]
        self.loaded = True

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def load(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        self._refresh(user)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def save_reply(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        error = _save_reply(user, form)
        if error:
            return rx.toast.error(error)
        self._refresh(user)
        return rx.toast.success(REPLY_SAVED)

    @rx.event
    @allow(PSYCHIATRIST, owns=Owns.OWN_PATIENTS)
    def mark_reviewed(self, entry_id: int):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        error = _mark_reviewed(user, entry_id)
        if error:
            return rx.toast.error(error)
        self._refresh(user)
