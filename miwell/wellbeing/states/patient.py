"""The patient's pages: today's check-in (one state at a time, saved apart from the form) and their history."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState, text_arg
from miwell.accounts.states.policy import PATIENT, allow, Owns
from miwell.db import session_scope
from miwell.wellbeing import services as service
from miwell.wellbeing.core import display
from miwell.wellbeing.core.moods import (
    FEELING_KEYS,
    FEELING_LABELS,
    FEELINGS_MAX,
    NOTE_MAX,
)
from miwell.wellbeing.services import questionnaires as questionnaire_service
from miwell.wellbeing.services.access import require_patient
from miwell.wellbeing.states.questionnaires import ScoreRow, score_figures, score_rows
from miwell.wellbeing.states.common import (
    ENTRY_PAGE,
    MINUTES_REFUSED,
    PATIENT,
    EntryRow,
    PixelCell,
    TaskCard,
    _entry_rows,
    _figure,
    _int,
    _pixels,
    _slider_minutes,
    _task_card,
)


class EntryFormMixin(rx.State, mixin=True):
    """Mood, note and minutes being typed, shared by today's form and the edit dialog."""

    score: int = 0
    note: str = ""
    minutes: int = 0
    feelings: list[str] = []
    error: str = ""
    # The slider keeps its own position while dragged (a round trip per step would lag), so
    # values loaded from the server remount it through this key.
    form_key: int = 0

    def _fill_form(self, score: int, note: str, minutes: int, feelings: tuple[str, ...] = ()) -> None:
        self.score, self.note, self.minutes, self.error = score, note, minutes, ""
        self.feelings = list(feelings)
        self.form_key += 1

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def toggle_feeling(self, key: str):
        key = text_arg(key, 20)
        if key not in FEELING_LABELS:
            return
        if key in self.feelings:
            self.feelings = [f for f in self.feelings if f != key]
        elif len(self.feelings) < FEELINGS_MAX:
            self.feelings = [f for f in FEELING_KEYS if f in {*self.feelings, key}]
        else:
            self.error = f"Please choose at most {FEELINGS_MAX} feelings."
            return
        self.error = ""

    @rx.var
    def note_length(self) -> int:
        return len(self.note)

    @rx.var
    def note_too_long(self) -> bool:
        return len(self.note.strip()) > NOTE_MAX

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def choose_mood(self, score: int):
        self.score = _int(score)
        self.error = ""

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def set_note(self, value: str):
        # Well past the limit so the counter can say by how much, but a crafted megabyte
        # of text is not kept in the state.
        self.note = str(value)[: NOTE_MAX * 4]

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def set_minutes(self, value: list[float]):
        minutes = _slider_minutes(value)
        if minutes is None:
            self.error = MINUTES_REFUSED  # never silently clamped: the old value stays
            return
        self.minutes = minutes


# --- patient: today -----------------------------------------------------------------------------


SAVE_BUTTON = "save-entry"


class TodayState(EntryFormMixin, AuthState):
    """The patient's home page: today's check-in and what it brought.

    The card shows one state at a time: "new" (nothing chosen yet), "editing" (the form differs
    from what is saved), "saved" (it matches), or "error". What is saved is kept apart from the
    form, so the support shown for a saved entry never attaches to an unsaved one.
    """

    loaded: bool = False
    saved: bool = False
    saved_score: int = 0
    saved_note: str = ""
    saved_minutes: int = 0
    saved_feelings: list[str] = []
    saved_at: str = ""
    day_label: str = ""
    streak: int = 0
    risk: str = "none"
    task: TaskCard = TaskCard()
    message: str = ""
    # The two screener questions, asked after saving when the note's words or the lowest mood
    # call for them; each answer is "", "yes" or "no".
    asks_screener: bool = False
    screener_wish: str = ""
    screener_thoughts: str = ""
    _entry_id: int = 0

    def _fill(self, view: service.TodayView, timezone: str | None = None) -> None:
        self.day_label = view.day.strftime("%A %-d %B")
        self.streak = view.streak
        self.saved = view.entry is not None
        if view.entry is not None:
            e = view.entry
            self._fill_form(e.score, e.note, e.minutes, e.feelings)
            self.saved_score, self.saved_note, self.saved_minutes = e.score, e.note, e.minutes
            self.saved_feelings = list(e.feelings)
            self.saved_at = display.clock_label(e.updated_at, timezone)
            self.risk = e.risk_level
        else:
            self._fill_form(0, "", 0)
            self.saved_score, self.saved_note, self.saved_minutes, self.saved_feelings, self.saved_at = 0, "", 0, [], ""
            self.risk = "none"
        self.task = _task_card(view.task)
        self.message = view.message
        self._entry_id = view.entry.id if view.entry is not None else 0
        self.asks_screener = view.asks_screener
        if view.asks_screener:
            self.screener_wish = self.screener_thoughts = ""

    @rx.var
    def status(self) -> str:
        if self.error:
            return "error"
        if self.saved and (self.score, self.note.strip(), self.minutes, self.feelings) == (
            self.saved_score, self.saved_note, self.saved_minutes, self.saved_feelings,
        ):
            return "saved"
        if not self.saved and self.score == 0:
            return "new"
        return "editing"

    @rx.var
    def saved_needs_support(self) -> bool:
        return self.saved and self.risk in ("watch", "urgent")

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = ""
        with session_scope() as s:
            self._fill(service.today(s, user), require_patient(s, user).timezone)
        self.loaded = True

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def save(self):
        # Whatever happens, the page learns that this save reached MiWell (see assets/miwell.js).
        arrived = rx.call_script(f"window.miwellSave && window.miwellSave.done('{SAVE_BUTTON}')")
        user = self._require(PATIENT)
        if user is None:
            return [arrived, *self._turn_away(self._current_user())]
        try:
            with session_scope() as s:
                result = service.save_today(s, user, self.score or None, self.note, self.minutes, feelings=self.feelings)
                view = service.today(s, user)
                timezone = require_patient(s, user).timezone
        except (AccountError, ValueError) as exc:
            # The typed note stays in the form: only the message changes.
            self.error = str(exc)
            return arrived
        self.error = ""
        self._fill(view, timezone)
        self.risk = result.risk.level
        return arrived

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def answer_screener(self, question: str, value: str):
        """One tap on yes or no: both answers so far go to MiWell at once (a yes alerts now)."""
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        question, value = text_arg(question, 10), text_arg(value, 5)
        if question not in ("wish", "thoughts") or value not in ("yes", "no") or not self._entry_id:
            return
        wish = value if question == "wish" else self.screener_wish
        thoughts = value if question == "thoughts" else self.screener_thoughts
        try:
            with session_scope() as s:
                result = service.answer_screener(s, user, self._entry_id, wish or None, thoughts or None)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self.screener_wish, self.screener_thoughts = wish, thoughts
        self.risk = result.risk.level

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def skip_screener(self):
        """Not now: recorded, so the questions are not asked again about this entry."""
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        if self._entry_id and not (self.screener_wish or self.screener_thoughts):
            try:
                with session_scope() as s:
                    service.answer_screener(s, user, self._entry_id, None, None)
            except (AccountError, ValueError):
                pass
        self.asks_screener = False


# --- patient: history ---------------------------------------------------------------------------


class HistoryState(EntryFormMixin, AuthState):
    """The patient's own history; the edit dialog reuses the mixin's form fields."""

    days: int = 30
    figure: go.Figure = go.Figure()
    pixels: list[PixelCell] = []
    streak: int = 0
    entries: list[EntryRow] = []
    entry_total: int = 0
    entry_limit: int = ENTRY_PAGE
    loaded: bool = False
    edit_id: int = 0
    edit_day: str = ""
    delete_id: int = 0
    delete_day: str = ""
    feeling_filter: str = ""
    picked_day: str = ""
    scores: list[ScoreRow] = []
    phq9_figure: go.Figure = go.Figure()
    gad7_figure: go.Figure = go.Figure()
    has_phq9: bool = False
    has_gad7: bool = False

    def _reload(self, user: CurrentUser) -> None:
        if self.feeling_filter not in FEELING_LABELS:
            self.feeling_filter = ""
        with session_scope() as s:
            view = service.history(s, user, user.id, self.days, self.entry_limit, feeling=self.feeling_filter)
            tz = require_patient(s, user).timezone
            scores = questionnaire_service.scores(s, user, user.id)
        self.scores = score_rows(scores)
        self.phq9_figure, self.gad7_figure = score_figures(scores)
        self.has_phq9 = any(x.kind == "phq9" for x in scores)
        self.has_gad7 = any(x.kind == "gad7" for x in scores)
        self.figure = _figure(view)
        self.pixels = _pixels(view)
        self.streak = view.streak
        self.entries = _entry_rows(view, tz)
        self.entry_total = view.entry_total
        self.loaded = True

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.edit_id = self.delete_id = 0
        self.entry_limit = ENTRY_PAGE
        self.picked_day = ""
        self._reload(user)
        # On a phone the year in pixels is wider than the screen: open it on the recent weeks.
        return rx.call_script("window.miwellScrollToEnd && window.miwellScrollToEnd('year-pixels-scroll')")

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def set_range(self, days: str | list[str]):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        chosen = _int(text_arg(days), 30)
        self.days = chosen if chosen in service.HISTORY_RANGES else 30
        self._reload(user)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def set_feeling_filter(self, key: str):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        key = text_arg(key, 20)
        self.feeling_filter = key if key in FEELING_LABELS and key != self.feeling_filter else ""
        self.entry_limit = ENTRY_PAGE
        self._reload(user)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def pick_day(self, title: str):
        """A tapped square of the year in pixels says which day it is (phones have no hover)."""
        self.picked_day = text_arg(title, 80)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def show_more(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.entry_limit += ENTRY_PAGE
        self._reload(user)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def open_edit(self, entry_id: int):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                entry = service.get_own_entry(s, user, _int(entry_id))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self.edit_id, self.edit_day = entry.id, display.day_label(entry.day)
        self._fill_form(entry.score, entry.note, entry.minutes, entry.feelings)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def close_edit(self, open_: bool = False):
        if not open_:
            self.edit_id = 0
            self.error = ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def save_edit(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                result = service.edit_entry(
                    s, user, self.edit_id, self.score or None, self.note, self.minutes, feelings=self.feelings
                )
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.edit_id, self.error = 0, ""
        self._reload(user)
        note = " Your psychiatrist has been told." if result.alerted else ""
        return rx.toast.success("Your entry is updated; the earlier version is kept." + note)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def ask_delete(self, entry_id: int):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                entry = service.get_own_entry(s, user, _int(entry_id))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self.delete_id, self.delete_day = entry.id, display.day_label(entry.day)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def cancel_delete(self, open_: bool = False):
        if not open_:
            self.delete_id = 0

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def confirm_delete(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.delete_entry(s, user, self.delete_id)
        except (AccountError, ValueError) as exc:
            self.delete_id = 0
            return rx.toast.error(str(exc))
        self.delete_id = 0
        self._reload(user)
        return rx.toast.info("The entry is deleted.")
