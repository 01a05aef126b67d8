"""The shared library of mindfulness tasks, its authors and versions, and the tasks pinned for a patient."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case
from sqlmodel import Session, select

from miwell.accounts.core.rules import Role
from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.ids import is_id
from miwell.text import clean_block, clean_line
from miwell.timeutil import utcnow
from miwell.wellbeing.core import moods
from miwell.wellbeing.models import (
    TASK_DESCRIPTION_MAX,
    TASK_MINUTES_MAX,
    TASK_TITLE_MAX,
    TaskPin,
    WellbeingTask,
    WellbeingTaskVersion,
)
from miwell.wellbeing.services.access import (
    PermissionDenied,
    WellbeingError,
    patient_of,
    require_psychiatrist,
)
from miwell.wellbeing.services.common import (
    NO_TASK,
    NOT_YOUR_TASK,
    TaskView,
    _task_view,
)

# --- psychiatrist: task library and pins ------------------------------------------------------------


def _clean_task(title: object, description: object, minutes: object, band: object) -> tuple[str, str, int, str]:
    try:
        clean_title = clean_line(title, "The title") if isinstance(title, str) else ""
        clean_description = clean_block(description, "The description") if isinstance(description, str) else ""
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None
    if not clean_title:
        raise WellbeingError("Please give the task a title.")
    if len(clean_title) > TASK_TITLE_MAX:
        raise WellbeingError(f"The title must be at most {TASK_TITLE_MAX} characters.")
    if len(clean_description) > TASK_DESCRIPTION_MAX:
        raise WellbeingError(f"The description must be at most {TASK_DESCRIPTION_MAX} characters.")
    if isinstance(minutes, str) and minutes.strip().isdigit():
        minutes = int(minutes.strip())
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= TASK_MINUTES_MAX:
        raise WellbeingError(f"Please give the task's length in whole minutes, from 1 to {TASK_MINUTES_MAX}.")
    if band not in moods.BANDS:
        raise WellbeingError("Please choose the mood the task suits: low, mid or high.")
    return clean_title, clean_description, minutes, str(band)


@dataclass(frozen=True)
class TaskVersionView:
    title: str
    description: str
    minutes: int
    band: str
    retired: bool
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class LibraryTask:
    task: TaskView
    author: str  # "" for the tasks MiWell ships
    mine: bool
    editable: bool
    versions: tuple[TaskVersionView, ...]  # newest first


def _require_librarian(actor: CurrentUser | None) -> CurrentUser:
    """Psychiatrists keep the library; admins look after the shipped tasks and everyone's."""
    if actor is not None and actor.role == Role.ADMIN.value:
        return actor
    return require_psychiatrist(actor)


def _may_edit(actor: CurrentUser, task: WellbeingTask) -> bool:
    return actor.role == Role.ADMIN.value or (task.created_by is not None and task.created_by == actor.id)


def list_tasks(session: Session, actor: CurrentUser) -> list[TaskView]:
    _require_librarian(actor)
    band_order = case({b: i for i, b in enumerate(moods.BANDS)}, value=WellbeingTask.band, else_=len(moods.BANDS))
    tasks = session.exec(
        select(WellbeingTask).order_by(WellbeingTask.retired, band_order, WellbeingTask.minutes, WellbeingTask.title)
    ).all()
    return [_task_view(t) for t in tasks]


def task_library(session: Session, actor: CurrentUser) -> list[LibraryTask]:
    """The whole library with authors, who may change what, and earlier versions: three statements."""
    librarian = _require_librarian(actor)
    band_order = case({b: i for i, b in enumerate(moods.BANDS)}, value=WellbeingTask.band, else_=len(moods.BANDS))
    rows = session.exec(
        select(WellbeingTask, User.full_name)
        .outerjoin(User, User.id == WellbeingTask.created_by)
        .order_by(WellbeingTask.retired, band_order, WellbeingTask.minutes, WellbeingTask.title)
    ).all()
    versions: dict[int, list[TaskVersionView]] = defaultdict(list)
    for v in session.exec(
        select(WellbeingTaskVersion).order_by(WellbeingTaskVersion.changed_at.desc(), WellbeingTaskVersion.id.desc())
    ).all():
        versions[v.task_id].append(
            TaskVersionView(v.title, v.description, v.minutes, v.band, v.retired, v.changed_by_name, v.changed_at)
        )
    return [
        LibraryTask(
            _task_view(task),
            author or "",
            task.created_by is not None and task.created_by == librarian.id,
            _may_edit(librarian, task),
            tuple(versions.get(task.id, [])),  # type: ignore[arg-type]
        )
        for task, author in rows
    ]


def create_task(
    session: Session, actor: CurrentUser, title: object, description: object, minutes: object, band: object
) -> TaskView:
    author = _require_librarian(actor)
    t, d, m, b = _clean_task(title, description, minutes, band)
    now = utcnow()
    task = WellbeingTask(title=t, description=d, minutes=m, band=b, created_by=author.id, created_at=now, updated_at=now)
    session.add(task)
    session.flush()
    return _task_view(task)


def _task(session: Session, task_id: object) -> WellbeingTask:
    task = session.get(WellbeingTask, task_id) if is_id(task_id) else None
    if task is None:
        raise WellbeingError(NO_TASK)
    return task


def _editable_task(session: Session, actor: CurrentUser, task_id: object) -> WellbeingTask:
    editor = _require_librarian(actor)
    task = _task(session, task_id)
    if not _may_edit(editor, task):
        raise PermissionDenied(NOT_YOUR_TASK)
    return task


def _keep_version(session: Session, task: WellbeingTask, actor: CurrentUser, now: datetime) -> None:
    session.add(
        WellbeingTaskVersion(
            task_id=task.id,  # type: ignore[arg-type]
            title=task.title,
            description=task.description,
            minutes=task.minutes,
            band=task.band,
            retired=task.retired,
            changed_by=actor.id,
            changed_by_name=actor.full_name,
            changed_at=now,
        )
    )


def update_task(
    session: Session, actor: CurrentUser, task_id: object, title: object, description: object, minutes: object, band: object
) -> TaskView:
    """Authors change their own tasks; the shipped ones and other psychiatrists' only admins.

    The task as it was is kept as a version, with who changed it and when.
    """
    task = _editable_task(session, actor, task_id)
    cleaned = _clean_task(title, description, minutes, band)
    if cleaned == (task.title, task.description, task.minutes, task.band):
        return _task_view(task)
    now = utcnow()
    _keep_version(session, task, actor, now)
    task.title, task.description, task.minutes, task.band = cleaned
    task.updated_at = now
    session.add(task)
    session.flush()
    return _task_view(task)


def set_task_retired(session: Session, actor: CurrentUser, task_id: object, retired: bool) -> TaskView:
    """Retired tasks are never suggested again; past suggestions keep pointing at them."""
    task = _editable_task(session, actor, task_id)
    if task.retired == bool(retired):
        return _task_view(task)
    now = utcnow()
    _keep_version(session, task, actor, now)
    task.retired = bool(retired)
    task.updated_at = now
    session.add(task)
    session.flush()
    return _task_view(task)


def pinned_tasks(session: Session, actor: CurrentUser, patient_id: object) -> list[TaskView]:
    profile = patient_of(session, actor, patient_id)
    rows = session.exec(
        select(WellbeingTask)
        .join(TaskPin, TaskPin.task_id == WellbeingTask.id)
        .where(TaskPin.patient_id == profile.user_id)
        .order_by(TaskPin.pinned_at.desc(), TaskPin.id.desc())
    ).all()
    return [_task_view(t, pinned=True) for t in rows]


def pin_task(session: Session, actor: CurrentUser, patient_id: object, task_id: object, now: datetime | None = None) -> None:
    """Pin a task for one patient; pinning it again moves it to the top."""
    doctor = require_psychiatrist(actor)
    profile = patient_of(session, actor, patient_id)
    task = _task(session, task_id)
    if task.retired:
        raise WellbeingError("That task is retired. Bring it back in the task library first.")
    pin = session.exec(select(TaskPin).where(TaskPin.patient_id == profile.user_id, TaskPin.task_id == task.id)).first()
    if pin is None:
        pin = TaskPin(patient_id=profile.user_id, task_id=task.id)  # type: ignore[arg-type]
    pin.pinned_by, pin.pinned_at = doctor.id, now or utcnow()
    session.add(pin)
    session.flush()


def unpin_task(session: Session, actor: CurrentUser, patient_id: object, task_id: object) -> None:
    profile = patient_of(session, actor, patient_id)
    pin = session.exec(select(TaskPin).where(TaskPin.patient_id == profile.user_id, TaskPin.task_id == task_id)).first()
    if pin is not None:
        session.delete(pin)
        session.flush()
