"""Rows the wellbeing pages show, and the helpers their states share."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import plotly.graph_objects as go

from miwell.accounts.core.rules import Role
from miwell.wellbeing import services as service
from miwell.wellbeing.core import charts, display
from miwell.wellbeing.core.moods import (
    FEELING_LABELS,
    MINUTES_MAX,
    MINUTES_STEP,
)

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
    screener: str = ""


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
    # Whole days without an entry before today (today still has time); 0 for none or never logged.
    missed: int = 0


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
    screener: str = ""


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
                screener=display.screener_label(e.screener),
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
