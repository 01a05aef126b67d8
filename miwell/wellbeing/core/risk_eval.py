"""Scoring the risk screen against a labelled set of notes, for the benchmark and the unit test.

A labelled set is a CSV with ``category,note`` rows; categories are ``explicit`` (must be urgent),
``indirect`` (must be at least watch) and ``benign`` (must be neither). Each note is assessed as a
neutral mood (4, Okay) with no history, so only its words count.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from miwell.wellbeing.core.risk import assess

NEUTRAL_MOOD = 4
CATEGORIES = ("explicit", "indirect", "benign")


@dataclass(frozen=True)
class LabelledNote:
    category: str
    note: str


@dataclass
class Evaluation:
    """Counts per category and the notes that went wrong, to read and fix."""

    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    wrong: list[tuple[LabelledNote, str]] = field(default_factory=list)

    def rate(self, category: str) -> float:
        return self.right[category] / self.total[category] if self.total[category] else 1.0

    @property
    def explicit_recall(self) -> float:
        return self.rate("explicit")

    @property
    def indirect_recall(self) -> float:
        return self.rate("indirect")

    @property
    def false_alarm_rate(self) -> float:
        return 1.0 - self.rate("benign")


def load(path: Path) -> list[LabelledNote]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [LabelledNote(row["category"].strip(), row["note"]) for row in csv.DictReader(handle)]
    unknown = {row.category for row in rows} - set(CATEGORIES)
    if unknown:
        raise ValueError(f"Unknown categories in {path}: {sorted(unknown)}")
    return rows


def is_right(category: str, level: str) -> bool:
    if category == "explicit":
        return level == "urgent"
    if category == "indirect":
        return level in ("watch", "urgent")
    return level == "none"


def evaluate(notes: Iterable[LabelledNote]) -> Evaluation:
    result = Evaluation()
    for item in notes:
        level = assess(NEUTRAL_MOOD, item.note, []).level
        result.total[item.category] += 1
        if is_right(item.category, level):
            result.right[item.category] += 1
        else:
            result.wrong.append((item, level))
    return result
