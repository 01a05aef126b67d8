"""Reflex states of the wellbeing pages: the patient's day and history, the psychiatrist's views.

Every handler that reads or writes data resolves the user from the session on the server and
passes them to the service, which checks role and ownership again. Ids arriving from the
browser (entry, patient, task) are only ever used through those checks. States hold what their
page shows and nothing more.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from miwell.accounts.rules import Role
from miwell.accounts.service import AccountError, CurrentUser
from miwell.accounts.state import AuthState, form_data, text_arg
from miwell.db import session_scope
from miwell.wellbeing import charts, display, service
from miwell.wellbeing.access import require_patient
from miwell.wellbeing.moods import FEELING_KEYS, FEELING_LABELS, FEELINGS_MAX, MINUTES_MAX, MINUTES_STEP, NOTE_MAX

PATIENT = Role.PATIENT.value
PSYCHIATRIST = Role.PSYCHIATRIST.value
PATIENT_PAGE_PREFIX = "/psychiatrist/patients/"
ENTRY_PAGE = 14


# --- rows the pages show ------------------------------------------------------------------------


@dataclasses.dataclass
class TaskCard:
    id: int = 0
    title: str = ""
    description: str = ""
    minutes: int = 0
    band: str = ""
    pinned: bool = False
    retired: bool = False


@dataclasses.dataclass
class ReplyRow:
    author: str = ""
    body: str = ""
    when: str = ""
    mine: bool = False


@dataclasses.dataclass
class VersionRow:
    emoji: str = ""
    label: str = ""
    note: str = ""
    minutes: int = 0
    saved: str = ""
    replaced: str = ""
    feelings: str = ""


@dataclasses.dataclass
class EntryRow:
    id: int = 0
    day: str = ""
    emoji: str = ""
    label: str = ""
    colour: str = ""
    note: str = ""
    minutes: int = 0
    risk: str = "none"
    reviewed: bool = False
    updated: str = ""
    replies: list[ReplyRow] = dataclasses.field(default_factory=list)
    versions: list[VersionRow] = dataclasses.field(default_factory=list)
    my_reply: str = ""
    feelings: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class PixelCell:
    colour: str = ""
    title: str = ""
    day: str = ""


@dataclasses.dataclass
class DashRow:
    id: int = 0
    name: str = ""
    assist: bool = False
    alert: str = ""
    emoji: str = ""
    label: str = ""
    colour: str = ""
    since: str = ""
    trend: str = ""
    trend_label: str = ""
    week: list[PixelCell] = dataclasses.field(default_factory=list)
    unreviewed: int = 0
    days_since: int = -1


@dataclasses.dataclass
class FeedRow:
    id: int = 0
    patient_id: int = 0
    patient: str = ""
    day: str = ""
    emoji: str = ""
    label: str = ""
    colour: str = ""
    note: str = ""
    minutes: int = 0
    risk: str = "none"
    edited: bool = False
    my_reply: str = ""
    feelings: list[str] = dataclasses.field(default_factory=list)


def _task_card(task: service.TaskView | None) -> TaskCard:
    if task is None:
        return TaskCard()
    return TaskCard(task.id, task.title, task.description, task.minutes, task.band, task.pinned, task.retired)


def _entry_rows(view: service.HistoryView, tz: str | None, reader_id: int | None = None) -> list[EntryRow]:
    rows = []
    for detail in view.entries:
        e = detail.entry
        rows.append(
            EntryRow(
                id=e.id,
                day=display.day_label(e.day, view.today),
                emoji=display.emoji(e.score),
                label=display.label(e.score),
                colour=display.colour(e.score),
                note=e.note,
                minutes=e.minutes,
                risk=e.risk_level,
                reviewed=e.reviewed,
                updated=display.time_label(e.updated_at, tz),
                replies=[
                    ReplyRow(r.author_name, r.body, display.time_label(r.updated_at, tz), bool(reader_id) and r.author_id == reader_id)
                    for r in detail.replies
                ],
                versions=[
                    VersionRow(
                        display.emoji(v.score),
                        display.label(v.score),
                        v.note,
                        v.minutes,
                        display.time_label(v.saved_at, tz),
                        display.time_label(v.replaced_at, tz),
                        display.feelings_label(v.feelings),
                    )
                    for v in detail.versions
                ],
                my_reply=next((r.body for r in detail.replies if reader_id and r.author_id == reader_id), ""),
                feelings=[FEELING_LABELS.get(f, f) for f in e.feelings],
            )
        )
    return rows


def _figure(view: service.HistoryView) -> go.Figure:
    return charts.mood_figure(view.points, view.today - timedelta(days=view.days - 1), view.today)


def _pixels(view: service.HistoryView) -> list[PixelCell]:
    return [PixelCell(c["colour"], c["title"], c.get("day", "")) for c in charts.pixel_cells(view.pixels)]


def _int(value: Any, default: int = 0) -> int:
    """A number from the browser; anything else becomes ``default`` (services validate ranges)."""
    if isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


MINUTES_REFUSED = f"Please choose the minutes with the slider: steps of {MINUTES_STEP}, from 0 to {MINUTES_MAX}."


def _slider_minutes(value: Any) -> int | None:
    """The slider's position as whole minutes; None for anything the slider cannot send."""
    raw = value[0] if isinstance(value, (list, tuple)) and value else value
    if isinstance(raw, bool):
        return None
    try:
        minutes = float(raw)
    except (TypeError, ValueError):
        return None
    if minutes != minutes or not 0 <= minutes <= MINUTES_MAX:  # NaN, or off the scale
        return None
    whole = int(round(minutes))
    return whole - whole % MINUTES_STEP


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
    def choose_mood(self, score: int):
        self.score = _int(score)
        self.error = ""

    @rx.event
    def set_note(self, value: str):
        # Well past the limit so the counter can say by how much, but a crafted megabyte
        # of text is not kept in the state.
        self.note = str(value)[: NOTE_MAX * 4]

    @rx.event
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
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = ""
        with session_scope() as s:
            self._fill(service.today(s, user), require_patient(s, user).timezone)
        self.loaded = True

    @rx.event
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

    def _reload(self, user: CurrentUser) -> None:
        if self.feeling_filter not in FEELING_LABELS:
            self.feeling_filter = ""
        with session_scope() as s:
            view = service.history(s, user, user.id, self.days, self.entry_limit, feeling=self.feeling_filter)
            tz = require_patient(s, user).timezone
        self.figure = _figure(view)
        self.pixels = _pixels(view)
        self.streak = view.streak
        self.entries = _entry_rows(view, tz)
        self.entry_total = view.entry_total
        self.loaded = True

    @rx.event
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
    def set_range(self, days: str | list[str]):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        chosen = _int(text_arg(days), 30)
        self.days = chosen if chosen in service.HISTORY_RANGES else 30
        self._reload(user)

    @rx.event
    def set_feeling_filter(self, key: str):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        key = text_arg(key, 20)
        self.feeling_filter = key if key in FEELING_LABELS and key != self.feeling_filter else ""
        self.entry_limit = ENTRY_PAGE
        self._reload(user)

    @rx.event
    def pick_day(self, title: str):
        """A tapped square of the year in pixels says which day it is (phones have no hover)."""
        self.picked_day = text_arg(title, 80)

    @rx.event
    def show_more(self):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.entry_limit += ENTRY_PAGE
        self._reload(user)

    @rx.event
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
    def close_edit(self, open_: bool = False):
        if not open_:
            self.edit_id = 0
            self.error = ""

    @rx.event
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
    def cancel_delete(self, open_: bool = False):
        if not open_:
            self.delete_id = 0

    @rx.event
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
    )


class DashboardState(AuthState):
    rows: list[DashRow] = []
    loaded: bool = False

    def _refresh(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.rows = [_dash_row(r) for r in service.dashboard(s, user)]
        self.loaded = True

    @rx.var
    def needing_assistance(self) -> int:
        return sum(1 for r in self.rows if r.assist)

    @rx.event
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

    @rx.event
    def pick_day(self, title: str):
        self.picked_day = text_arg(title, 80)

    def _clear(self) -> None:
        self.current_patient = 0
        self.name = self.email = self.phone = self.contact_name = self.contact_phone = self.timezone = ""
        self.assist = False
        self.figure = go.Figure()
        self.pixels, self.entries, self.pinned, self.task_options = [], [], [], []
        self.streak = self.entry_total = 0

    def _refresh(self, user: CurrentUser) -> None:
        """Reload the open patient; raises PermissionDenied if they are not the user's patient."""
        with session_scope() as s:
            contact = service.patient_contact(s, user, self.current_patient)
            view = service.history(s, user, self.current_patient, self.days, self.entry_limit)
            pinned = service.pinned_tasks(s, user, self.current_patient)
            library = service.list_tasks(s, user)
        self.name, self.email, self.phone = contact.name, contact.email, contact.phone
        self.contact_name, self.contact_phone = contact.emergency_contact_name, contact.emergency_contact_phone
        self.timezone, self.assist = contact.timezone, contact.requires_assistance
        self.figure, self.pixels, self.streak = _figure(view), _pixels(view), view.streak
        self.entries = _entry_rows(view, None, user.id)
        self.entry_total = view.entry_total
        self.pinned = [_task_card(t) for t in pinned]
        pinned_ids = {t.id for t in pinned}
        self.task_options = [_task_card(t) for t in library if not t.retired and t.id not in pinned_ids]

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
    def set_range(self, days: str | list[str]):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        chosen = _int(text_arg(days), 30)
        self.days = chosen if chosen in service.HISTORY_RANGES else 30
        self._reload_or_refuse(user)

    @rx.event
    def show_more(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        self.entry_limit += ENTRY_PAGE
        self._reload_or_refuse(user)

    @rx.event
    def save_reply(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.save_reply(s, user, _int(form.get("entry_id")), form.get("body", ""))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._reload_or_refuse(user)
        return rx.toast.success("Reply saved. The patient sees it beside their entry.")

    @rx.event
    def mark_reviewed(self, entry_id: int):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.mark_reviewed(s, user, _int(entry_id))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._reload_or_refuse(user)

    @rx.event
    def set_pin_choice(self, value: str):
        self.pin_choice = str(value)

    @rx.event
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
            )
            for i in items
        ]
        self.loaded = True

    @rx.event
    def load(self):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        self._refresh(user)

    @rx.event
    def save_reply(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.save_reply(s, user, _int(form.get("entry_id")), form.get("body", ""))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._refresh(user)
        return rx.toast.success("Reply saved. The patient sees it beside their entry.")

    @rx.event
    def mark_reviewed(self, entry_id: int):
        user = self._require(PSYCHIATRIST)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.mark_reviewed(s, user, _int(entry_id))
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._refresh(user)


# --- psychiatrist: task library ---------------------------------------------------------------------


@dataclasses.dataclass
class TaskVersionRow:
    title: str = ""
    description: str = ""
    minutes: int = 0
    band: str = ""
    retired: bool = False
    by: str = ""
    when: str = ""


@dataclasses.dataclass
class LibraryRow:
    id: int = 0
    title: str = ""
    description: str = ""
    minutes: int = 0
    band: str = ""
    retired: bool = False
    author: str = ""
    mine: bool = False
    editable: bool = False
    versions: list[TaskVersionRow] = dataclasses.field(default_factory=list)


def _library_row(item: service.LibraryTask) -> LibraryRow:
    t = item.task
    return LibraryRow(
        t.id, t.title, t.description, t.minutes, t.band, t.retired,
        item.author or "MiWell library", item.mine, item.editable,
        [
            TaskVersionRow(v.title, v.description, v.minutes, v.band, v.retired, v.changed_by, display.time_label(v.changed_at))
            for v in item.versions
        ],
    )


LIBRARIANS = (PSYCHIATRIST, Role.ADMIN.value)


class TaskLibraryState(AuthState):
    """The shared task library: psychiatrists add tasks and keep their own; admins keep every task."""

    tasks: list[LibraryRow] = []
    error: str = ""
    edit_id: int = 0
    edit_error: str = ""
    form_key: int = 0

    def _refresh(self, user: CurrentUser) -> None:
        with session_scope() as s:
            self.tasks = [_library_row(t) for t in service.task_library(s, user)]

    @rx.var
    def editing(self) -> LibraryRow:
        return next((t for t in self.tasks if t.id == self.edit_id), LibraryRow())

    @rx.event
    def load(self):
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = self.edit_error = ""
        self.edit_id = 0
        self._refresh(user)

    @rx.event
    def create(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                task = service.create_task(
                    s, user, form.get("title", ""), form.get("description", ""), form.get("minutes", ""), form.get("band", "")
                )
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self.error = ""
        self.form_key += 1
        self._refresh(user)
        return rx.toast.success(f"“{task.title}” is in the library for every psychiatrist.")

    @rx.event
    def open_edit(self, task_id: int):
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        self._refresh(user)
        wanted = next((t for t in self.tasks if t.id == _int(task_id)), None)
        if wanted is None or not wanted.editable:
            return rx.toast.error(service.NOT_YOUR_TASK)
        self.edit_id = wanted.id
        self.edit_error = ""

    @rx.event
    def close_edit(self, open_: bool = False):
        if not open_:
            self.edit_id = 0

    @rx.event
    def save_edit(self, form: dict[str, Any]):
        form = form_data(form)
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                service.update_task(
                    s,
                    user,
                    self.edit_id,
                    form.get("title", ""),
                    form.get("description", ""),
                    form.get("minutes", ""),
                    form.get("band", ""),
                )
        except (AccountError, ValueError) as exc:
            self.edit_error = str(exc)
            return
        self.edit_id, self.edit_error = 0, ""
        self._refresh(user)
        return rx.toast.success("Task updated; the earlier version is kept in its history.")

    @rx.event
    def set_retired(self, task_id: int, retired: bool):
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                task = service.set_task_retired(s, user, _int(task_id), retired is True)
        except (AccountError, ValueError) as exc:
            return rx.toast.error(str(exc))
        self._refresh(user)
        return rx.toast.info(f"“{task.title}” is retired." if task.retired else f"“{task.title}” is back in use.")
