"""Risk assessment of a mood entry, so a clinician hears about it in time.

Three levels, in increasing order of concern:

* ``"urgent"`` -- the note speaks of suicide or self-harm (see ``RISK_PHRASES``);
* ``"watch"``  -- the mood is Sad or Awful (2 or less), or the mood has been 3 or
  less today and on each of the two previous days;
* ``"none"``   -- anything else.

This is a safety net, not a diagnosis: the phrase list deliberately errs on the
side of flagging (an idiom such as "I could kill myself for forgetting" is still
flagged), because a clinician glancing at a false alarm costs far less than a
missed one. It also avoids bare words such as "die" or "dead", which appear in
too many everyday sentences ("my phone died", "dead tired") to be useful.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from miwell.wellbeing.core.moods import mood_by_score

Level = Literal["none", "watch", "urgent"]

LEVELS: tuple[Level, ...] = ("none", "watch", "urgent")

WATCH_MAX_SCORE = 2
LOW_RUN_MAX_SCORE = 3
LOW_RUN_DAYS = 3

# Written for MiWell. Keep entries lower-case, single-spaced and with straight
# apostrophes: matching adds case, whitespace, hyphen and apostrophe tolerance.
# Add inflected forms explicitly ("overdosed") because matching is on whole
# words, which is what keeps "harmless" from matching "harm".
RISK_PHRASES: tuple[str, ...] = (
    # Suicide
    "suicide",
    "suicides",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "ending it all",
    "take my own life",
    "take my life",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "nothing to live for",
    "not worth living",
    "don't want to live",
    "don't want to be alive",
    "don't want to be here",
    "don't want to wake up",
    # Self-harm
    "self-harm",
    "self harm",
    "self-harming",
    "self harming",
    "hurt myself",
    "hurting myself",
    "harm myself",
    "harming myself",
    "cut myself",
    "cutting myself",
    "overdose",
    "overdoses",
    "overdosed",
    "overdosing",
)

# Phones and word processors turn ' into ’ (or ‘ / ʼ); people also drop it
# altogether ("dont"), so the apostrophe is optional.
_APOSTROPHE = "['\u2019\u2018\u02bc`]?"
# Likewise "-" may arrive as a Unicode hyphen or dash, with stray spaces.
_HYPHEN = r"\s*[-\u2010\u2011\u2013\u2014]\s*"


def _phrase_pattern(phrase: str) -> str:
    words = []
    for word in phrase.split():
        parts = []
        for ch in word:
            if ch == "'":
                parts.append(_APOSTROPHE)
            elif ch == "-":
                parts.append(_HYPHEN)
            else:
                parts.append(re.escape(ch))
        words.append("".join(parts))
    return r"\s+".join(words)


def _compile(phrases: Sequence[str]) -> re.Pattern[str]:
    # Longest first so that, at a given position, the most specific phrase is
    # the one reported. Named groups tell us which listed phrase matched, even
    # when the text differs from it ("Don’t  want to LIVE").
    order = sorted(range(len(phrases)), key=lambda i: (-len(phrases[i]), i))
    alternatives = "|".join(f"(?P<p{i}>{_phrase_pattern(phrases[i])})" for i in order)
    # Lookarounds rather than \b, so boundaries behave the same whether a
    # phrase starts or ends with a letter or with punctuation.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_RISK_RE = _compile(RISK_PHRASES)


@dataclass(frozen=True)
class RiskAssessment:
    """The outcome of ``assess``: a level and the reasons for it, most serious first."""

    level: Level
    reasons: list[str]

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"Unknown risk level: {self.level!r}")


def find_risk_phrases(note: str | None) -> list[str]:
    """Return the listed phrases found in ``note``, each once, in order of appearance."""
    if not note:
        return []
    found: list[str] = []
    for match in _RISK_RE.finditer(note):
        assert match.lastgroup is not None
        phrase = RISK_PHRASES[int(match.lastgroup[1:])]
        if phrase not in found:
            found.append(phrase)
    return found


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
    mood_score: int, note: str | None, recent_scores: Sequence[int | None]
) -> RiskAssessment:
    """Assess one entry.

    ``recent_scores`` are the patient's scores on the previous days, most
    recent first (yesterday, the day before, ...), with ``None`` for a day with
    no entry. Raises ValueError for a score outside 1..7.
    """
    mood = mood_by_score(mood_score)
    for score in recent_scores:
        if score is not None:
            mood_by_score(score)

    urgent_reasons = [f'Note mentions "{phrase}"' for phrase in find_risk_phrases(note)]

    # Watch reasons are kept on urgent assessments too: the clinician picking
    # up an urgent alert should see the whole picture in one place.
    watch_reasons: list[str] = []
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
    return RiskAssessment(level, urgent_reasons + watch_reasons)


def raises_alert(old: RiskAssessment | None, new: RiskAssessment) -> bool:
    """Whether saving ``new`` (replacing ``old``, if any) should alert the clinician.

    True when the new level is watch or urgent and this is the first
    assessment, the level went up, or a reason appeared that wasn't there
    before. So an edit that lowers the mood or adds risk language alerts
    again, while fixing a typo on an already-alerted entry does not.

    Reasons are compared as text, so any change in the mood reason counts as
    new, including an edit from Awful (1) to Sad (2). That errs on the side
    of telling the clinician, which is the safer failure.
    """
    if new.level == "none":
        return False
    if old is None:
        return True
    if LEVELS.index(new.level) > LEVELS.index(old.level):
        return True
    return bool(set(new.reasons) - set(old.reasons))
