"""The shared task library: psychiatrists add tasks and keep their own; admins keep every task."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError, CurrentUser
from miwell.accounts.states.auth import AuthState, form_data
from miwell.accounts.states.policy import ADMIN, PSYCHIATRIST, allow, Owns
from miwell.db import session_scope
from miwell.wellbeing import services as service
from miwell.wellbeing.core import display
from miwell.wellbeing.states.common import (
    PSYCHIATRIST,
    _int,
)

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
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.MIWELL_WIDE)
    def load(self):
        user = self._require(*LIBRARIANS)
        if user is None:
            return self._turn_away(self._current_user())
        self.error = self.edit_error = ""
        self.edit_id = 0
        self._refresh(user)

    @rx.event
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.THIS_PAGE)
    def close_edit(self, open_: bool = False):
        if not open_:
            self.edit_id = 0

    @rx.event
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.MIWELL_WIDE)
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
    @allow(PSYCHIATRIST, ADMIN, owns=Owns.MIWELL_WIDE)
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
