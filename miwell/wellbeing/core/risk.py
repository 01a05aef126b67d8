"""Risk assessment of a mood entry, so a clinician hears about it in time.

Three levels, in increasing order of concern:

* ``"urgent"`` -- the note speaks of suicide, plans or means, goodbyes, self-harm or not being
  safe (``risk_language``), or the patient answered yes to a screener question;
* ``"watch"``  -- the note speaks of hopelessness, a passive wish to die, being a burden or
  veiled intent; or the mood is Sad or Awful (2 or less); or the mood has been 3 or less today
  and on each of the two previous days;
* ``"none"``   -- anything else.

This is a safety net, not a diagnosis: it errs on the side of flagging, because a clinician
glancing at a false alarm costs far less than a missed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from miwell.wellbeing.core.moods import mood_by_score
from miwell.wellbeing.core.risk_language import RULES, Heard, hear

Level = Literal["none", "watch", "urgent"]

LEVELS: tuple[Level, ...] = ("none", "watch", "urgent")

WATCH_MAX_SCORE = 2
LOW_RUN_MAX_SCORE = 3
LOW_RUN_DAYS = 3

# The first two questions of the Columbia Suicide Severity Rating Scale screener, as published.
SCREENER_QUESTIONS: tuple[str, str] = (
    "In the past month, have you wished you were dead or wished you could go to sleep and not wake up?",
    "Have you actually had any thoughts of killing yourself?",
)
# How a yes reads among the reasons.
SCREENER_REASONS: tuple[str, str] = (
    "Screener: yes, wished to be dead or to sleep and not wake up (past month)",
    "Screener: yes, thoughts of killing themselves (past month)",
)


@dataclass(frozen=True)
class RiskAssessment:
    """The outcome of ``assess``: a level and the reasons for it, most serious first."""

    level: Level
    reasons: list[str]
    # What the note's words alone gave: "watch" here (not the mood) is what asks the screener.
    from_note: Level = field(default="none", compare=False)

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Unknown risk level: {self.level!r}")


def note_reason(heard: Heard) -> str:
    """A reason line for something heard: its meaning, then the patient's own words."""
    return f"{heard.meaning}: {heard.words}"


def note_level_of(reasons: Sequence[str]) -> Level:
    """What the note's words gave, read back from stored reasons (their meanings name the level)."""
    keys = {reason_key(r) for r in reasons if ': "' in r}
    levels = {rule.level for rule in RULES if rule.meaning in keys}
    return "urgent" if "urgent" in levels else "watch" if "watch" in levels else "none"


def reason_key(reason: str) -> str:
    """What a reason is about, without the words quoted: fixing a typo is not news."""
    return reason.split(": \"", 1)[0]


def _low_run_length(mood_score: int, recent_scores: Sequence[int | None]) -> int:
    """Days in a row, ending today, with a score of 3 or less.

    ``None`` in ``recent_scores`` stands for a day without an entry, which
    breaks the run: we only claim "in a row" for days we actually know about.
    """
    if mood_score > LOW_RUN_MAX_SCORE:
        return 0
    run = 1
    for score in recent_scores:
        if score is None or score > LOW_RUN_MAX_SCORE:
            break
        run += 1
    return run


def assess(
    mood_score: int,
    note: str | None,
    recent_scores: Sequence[int | None],
    *,
    screener: Sequence[bool | None] = (),
) -> RiskAssessment:
    """Assess one entry.

    ``recent_scores`` are the patient's scores on the previous days, most
    recent first (yesterday, the day before, ...), with ``None`` for a day with
    no entry. ``screener`` holds the patient's answers to ``SCREENER_QUESTIONS``
    (None for a question not answered); a yes to either is urgent. Raises
    ValueError for a score outside 1..7 or more than two answers.
    """
    mood = mood_by_score(mood_score)
    for score in recent_scores:
        if score is not None:
            mood_by_score(score)
    answers = tuple(screener)
    if len(answers) > len(SCREENER_QUESTIONS) or any(a not in (True, False, None) for a in answers):
        raise ValueError("The screener has two yes/no questions.")

    heard = hear(note)
    urgent_reasons = [note_reason(h) for h in heard if h.level == "urgent"]
    urgent_reasons += [reason for answer, reason in zip(answers, SCREENER_REASONS) if answer is True]
    note_watch = [note_reason(h) for h in heard if h.level == "watch"]

    # Watch reasons are kept on urgent assessments too: the clinician picking
    # up an urgent alert should see the whole picture in one place.
    watch_reasons: list[str] = list(note_watch)
    if mood.score <= WATCH_MAX_SCORE:
        watch_reasons.append(f"Mood is {mood.label} ({mood.score})")
    run = _low_run_length(mood.score, recent_scores)
    if run >= LOW_RUN_DAYS:
        watch_reasons.append(f"Mood {LOW_RUN_MAX_SCORE} or lower for {run} days in a row")

    if urgent_reasons:
        level: Level = "urgent"
    elif watch_reasons:
        level = "watch"
    else:
        level = "none"
    from_note: Level = "urgent" if any(h.level == "urgent" for h in heard) else "watch" if note_watch else "none"
    return RiskAssessment(level, urgent_reasons + watch_reasons, from_note)


def asks_screener(assessment: RiskAssessment, mood_score: int) -> bool:
    """Whether to ask the patient the screener after saving: the note's words gave watch, or the
    mood is the lowest. (An urgent note shows crisis support instead of questions.)"""
    return assessment.from_note == "watch" or (mood_score == 1 and assessment.from_note != "urgent")


def raises_alert(old: RiskAssessment | None, new: RiskAssessment) -> bool:
    """Whether saving ``new`` (replacing ``old``, if any) should alert the clinician.

    True when the new level is watch or urgent and this is the first
    assessment, the level went up, or a reason appeared that wasn't there
    before. So an edit that lowers the mood or adds risk language alerts
    again, while fixing a typo on an already-alerted entry does not.

    Reasons are compared by what they are about (``reason_key``), not by the
    words quoted, so correcting "sucide" to "suicide" is not news while a new
    meaning is. Any change in the mood reason counts as new, including an edit
    from Awful (1) to Sad (2): that errs on the side of telling the clinician.
    """
    if new.level == "none":
        return False
    if old is None:
        return True
    if LEVELS.index(new.level) > LEVELS.index(old.level):
        return True
    return bool({reason_key(r) for r in new.reasons} - {reason_key(r) for r in old.reasons})
