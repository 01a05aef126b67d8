"""How wellbeing values read on screen: mood faces, day and time labels (no Reflex here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from miwell.settings import get_settings
from miwell.wellbeing.core.moods import FEELING_LABELS, mood_by_score

TREND_LABELS = {
    "drop": "⬇ Sharp drop",
    "up": "↗ Improving",
    "down": "↘ Worsening",
    "steady": "→ Steady",
    "unknown": "· Too few entries",
}
LEVEL_LABELS = {"urgent": "Urgent", "watch": "Watch", "none": ""}


def emoji(score: int | None) -> str:
    return mood_by_score(score).emoji if score else ""


def label(score: int | None) -> str:
    return mood_by_score(score).label if score else ""


def colour(score: int | None) -> str:
    return mood_by_score(score).colour if score else "transparent"


def day_label(day: date | None, today: date | None = None) -> str:
    if day is None:
        return ""
    if today is not None:
        gap = (today - day).days
        if gap == 0:
            return "Today"
        if gap == 1:
            return "Yesterday"
    return day.strftime("%a %-d %b %Y")


def time_label(moment: datetime | None, timezone: str | None = None) -> str:
    """A moment in the reader's zone: the patient's own, or the clinic's for staff."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(timezone or get_settings().default_timezone))
    return local.strftime("%-d %b %Y, %H:%M")


def days_ago_label(days: int | None) -> str:
    if days is None:
        return "No entries yet"
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    return f"{days} days ago"


def clock_label(moment: datetime | None, timezone: str | None = None) -> str:
    """The time of day of a moment in the reader's zone, like 14:05."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone or get_settings().default_timezone)).strftime("%H:%M")


def feelings_label(feelings: Iterable[str]) -> str:
    return ", ".join(FEELING_LABELS.get(f, f) for f in feelings)


def screener_label(answers: tuple[bool | None, bool | None]) -> str:
    """The screener's answers as the psychiatrist reads them; empty when none was given."""
    wish, thoughts = answers
    if wish is None and thoughts is None:
        return ""

    def said(value: bool | None) -> str:
        return "not answered" if value is None else "YES" if value else "no"

    return f"Asked after saving: wished to be dead or not wake up: {said(wish)} · thoughts of killing themselves: {said(thoughts)}"
