"""The seven-point mood scale used across MiWell, and validation of a day's entry.

Scores run from 7 (best) to 1 (hardest). The order of ``MOODS`` is the order the
mood picker shows them in, best first. Colours run from green (7) to red (1) so
that charts and the "year in pixels" grid read at a glance; the middle of the
scale is a deeper yellow than a typical diverging palette so it stays visible
on a white background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from miwell.text import clean_block

Band = Literal["low", "mid", "high"]

NOTE_MAX = 280
MINUTES_MAX = 120
MINUTES_STEP = 5

MIN_SCORE = 1
MAX_SCORE = 7

BANDS: tuple[Band, ...] = ("low", "mid", "high")


@dataclass(frozen=True)
class Mood:
    """One point on the mood scale."""

    score: int
    emoji: str
    label: str
    colour: str  # CSS hex colour


MOODS: tuple[Mood, ...] = (
    Mood(7, "😀", "Great", "#1a9850"),
    Mood(6, "🙂", "Good", "#66bd63"),
    Mood(5, "😶", "Okay", "#a6d96a"),
    Mood(4, "😕", "Uneasy", "#f6d44b"),
    Mood(3, "😔", "Low", "#fdae61"),
    Mood(2, "😢", "Sad", "#f46d43"),
    Mood(1, "😫", "Awful", "#d73027"),
)

_BY_SCORE: dict[int, Mood] = {mood.score: mood for mood in MOODS}


def _is_score(value: object) -> bool:
    # bool is a subclass of int; True must not sneak through as "Awful (1)".
    return isinstance(value, int) and not isinstance(value, bool) and value in _BY_SCORE


def mood_by_score(score: int) -> Mood:
    """Return the mood for ``score`` (1..7); raise ValueError for anything else."""
    if not _is_score(score):
        raise ValueError(f"Unknown mood score: {score!r} (expected {MIN_SCORE}..{MAX_SCORE})")
    return _BY_SCORE[score]


def mood_band(score: int) -> Band:
    """Group a score into "low" (1-3), "mid" (4-5) or "high" (6-7)."""
    mood = mood_by_score(score)
    if mood.score <= 3:
        return "low"
    if mood.score <= 5:
        return "mid"
    return "high"


@dataclass(frozen=True)
class Feeling:
    """A feeling a patient may add to the day's mood: what kind of good or bad day it is."""

    key: str
    label: str


# The scale says how good or bad a day is; feelings say what it is like. Keys are stored: append
# new ones, never rename (the schema's CHECK lists them too).
FEELINGS: tuple[Feeling, ...] = (
    Feeling("anxious", "Anxious"),
    Feeling("angry", "Angry"),
    Feeling("lonely", "Lonely"),
    Feeling("tired", "Tired"),
    Feeling("stressed", "Stressed"),
    Feeling("overwhelmed", "Overwhelmed"),
    Feeling("numb", "Numb"),
    Feeling("irritable", "Irritable"),
    Feeling("calm", "Calm"),
    Feeling("hopeful", "Hopeful"),
    Feeling("grateful", "Grateful"),
    Feeling("proud", "Proud"),
)
FEELING_KEYS: tuple[str, ...] = tuple(f.key for f in FEELINGS)
FEELING_LABELS: dict[str, str] = {f.key: f.label for f in FEELINGS}
FEELINGS_MAX = 6


def validate_feelings(raw: object) -> tuple[str, ...]:
    """Known feeling keys, each once, in the scale's order; ValueError for anything else."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, (list, tuple, set, frozenset)):
        raise ValueError("Your feelings could not be read. Please choose them again.")
    chosen = set()
    for item in raw:
        key = item.strip().lower() if isinstance(item, str) else None
        if key not in FEELING_LABELS:
            raise ValueError("Please choose feelings from the list.")
        chosen.add(key)
    if len(chosen) > FEELINGS_MAX:
        raise ValueError(f"Please choose at most {FEELINGS_MAX} feelings.")
    return tuple(k for k in FEELING_KEYS if k in chosen)


def validate_entry(
    score: int | None, note: str | None, minutes: int | None
) -> tuple[int, str, int]:
    """Check a day's entry and return it cleaned as ``(score, note, minutes)``.

    The note is stripped before its length is checked, so stray spaces or a
    trailing newline never push a patient over the limit. A missing note or
    missing minutes are treated as empty / zero, because both are optional for
    the patient; only the mood itself is required.

    Raises ValueError with a message that can be shown to the patient as is.
    """
    if score is None:
        raise ValueError("Please choose how you're feeling today.")
    if not _is_score(score):
        raise ValueError("Please choose one of the seven moods.")

    if note is None:
        note = ""
    if not isinstance(note, str):
        raise ValueError("Your note could not be read. Please type it again.")
    cleaned_note = clean_block(note, "Your note")
    if len(cleaned_note) > NOTE_MAX:
        raise ValueError(
            f"Your note is {len(cleaned_note)} characters long. "
            f"Please keep it to {NOTE_MAX} characters or fewer."
        )

    if minutes is None:
        minutes = 0
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 0 <= minutes <= MINUTES_MAX
        or minutes % MINUTES_STEP != 0
    ):
        raise ValueError(
            f"Please choose the minutes in steps of {MINUTES_STEP}, from 0 to {MINUTES_MAX}."
        )

    return score, cleaned_note, minutes
