"""Choosing the daily wellbeing task to suggest to a patient.

Order of preference:

1. A task the patient's psychiatrist pinned for them (in the order pinned),
   preferring one not shown in the last 7 days. If every pinned task was shown
   recently, a pinned task is still returned: the clinician asked for it.
2. A task for today's mood band ("low", "mid", "high") not shown recently.
3. A task from another band not shown recently, nearest band first, so a
   patient on a low day is offered a "mid" task before a "high" one.
4. A task for today's mood band, even if shown recently.
5. Any task, even if shown recently.

Retired tasks are never returned. Within a step, the task whose length is
nearest to a target is chosen, ties going to the lowest id. The target is the
median of the patient's recent practice minutes (robust to one unusually long
session), plus ``GROWTH_NUDGE_MINUTES`` on mid and high days to encourage a
little growth. On low days there is no nudge: a hard day is not the day to ask
for more.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from miwell.wellbeing.core.moods import BANDS, MINUTES_STEP, Band, mood_band

GROWTH_NUDGE_MINUTES = MINUTES_STEP
HARD_MOMENT_MINUTES = 5


@dataclass(frozen=True)
class TaskOption:
    """A task that can be suggested; ``band`` is the mood band it suits."""

    id: int
    title: str
    minutes: int
    band: Band
    retired: bool = False


def target_minutes(mood_score: int, recent_minutes: Sequence[int]) -> float:
    """The task length to aim for, given today's mood and recent practice."""
    typical = float(statistics.median(recent_minutes)) if recent_minutes else 0.0
    if mood_band(mood_score) == "low":
        return typical
    return typical + GROWTH_NUDGE_MINUTES


def _band_distance(a: str, b: str) -> int:
    # An unknown band sorts after every known one rather than crashing the
    # daily page over a bad row.
    if a not in BANDS or b not in BANDS:
        return len(BANDS)
    return abs(BANDS.index(a) - BANDS.index(b))


def choose_task(
    tasks: Iterable[TaskOption],
    mood_score: int,
    recent_minutes: Sequence[int],
    shown_recently: Collection[int],
    pinned_ids: Sequence[int] = (),
    hard_moment: bool = False,
) -> TaskOption | None:
    """Pick today's task; None only when there are no non-retired tasks.

    ``shown_recently`` holds the ids of tasks shown to this patient in the last
    7 days; ``pinned_ids`` the ids pinned by their psychiatrist, in priority
    order. ``hard_moment`` (an entry that alerted the psychiatrist) asks for the
    shortest grounding task of the low band instead: two minutes of breathing,
    not a quarter of an hour of journalling. Raises ValueError for a mood score
    outside 1..7.
    """
    band = mood_band(mood_score)
    active = [task for task in tasks if not task.retired]
    if not active:
        return None
    recent = set(shown_recently)
    if hard_moment:
        grounding = [t for t in active if t.band == "low" and t.minutes <= HARD_MOMENT_MINUTES] or active
        return min(grounding, key=lambda t: (t.id in recent, _band_distance(t.band, "low"), t.minutes, t.id))

    by_id = {task.id: task for task in active}
    pinned = [by_id[task_id] for task_id in dict.fromkeys(pinned_ids) if task_id in by_id]
    if pinned:
        fresh = [task for task in pinned if task.id not in recent]
        return (fresh or pinned)[0]

    target = target_minutes(mood_score, recent_minutes)

    def nearest(candidates: list[TaskOption]) -> TaskOption:
        return min(
            candidates,
            key=lambda t: (_band_distance(t.band, band), abs(t.minutes - target), t.id),
        )

    not_shown = [task for task in active if task.id not in recent]
    same_band = [task for task in active if task.band == band]
    for candidates in (
        [task for task in not_shown if task.band == band],
        not_shown,
        same_band,
    ):
        if candidates:
            return nearest(candidates)
    return nearest(active)
