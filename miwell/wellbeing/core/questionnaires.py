"""PHQ-9 (depression) and GAD-7 (anxiety): the published wording, scoring and severity bands.

Both questionnaires were developed by Drs Spitzer, Williams, Kroenke and colleagues with an
educational grant from Pfizer; no permission is required to reproduce, translate, display or
distribute them. Each answer is 0..3 for "over the last 2 weeks, how often have you been bothered
by...". PHQ-9 item 9 asks about thoughts of being better off dead or of self-harm: any answer above
0 is urgent, whatever the total. A total that rises by 5 or more since the previous one is a
reliable change (Jacobson & Truax; the usual threshold for both scales).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["phq9", "gad7"]
KINDS: tuple[Kind, ...] = ("phq9", "gad7")

TITLES: dict[str, str] = {"phq9": "PHQ-9", "gad7": "GAD-7"}
ABOUT: dict[str, str] = {"phq9": "low mood", "gad7": "worry and anxiety"}
STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
OPTIONS: tuple[str, ...] = ("Not at all", "Several days", "More than half the days", "Nearly every day")

QUESTIONS: dict[str, tuple[str, ...]] = {
    "phq9": (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite: being so "
        "fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    "gad7": (
        "Feeling nervous, anxious or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
}

# (lowest total, band), highest first: the first band whose lowest total is reached.
BANDS: dict[str, tuple[tuple[int, str], ...]] = {
    "phq9": ((20, "severe"), (15, "moderately severe"), (10, "moderate"), (5, "mild"), (0, "minimal")),
    "gad7": ((15, "severe"), (10, "moderate"), (5, "mild"), (0, "minimal")),
}
MAX_TOTAL: dict[str, int] = {"phq9": 27, "gad7": 21}
SELF_HARM_ITEM = 8  # PHQ-9 item 9, counted from 0
RELIABLE_CHANGE = 5
EVERY_WEEKS: tuple[int, ...] = (0, 2, 4)  # 0 is "off"


@dataclass(frozen=True)
class QuestionnaireScore:
    kind: str
    total: int
    band: str
    urgent: bool


def _check_kind(kind: object) -> str:
    if kind not in QUESTIONS:
        raise ValueError(f"Unknown questionnaire: {kind!r}. Use one of {', '.join(KINDS)}.")
    return str(kind)


def _check_answer(answer: object) -> int:
    # bool is an int in Python, and True is not an answer.
    if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 3:
        raise ValueError(f"Each answer is a whole number from 0 to 3, not {answer!r}.")
    return answer


def band_of(kind: str, total: int) -> str:
    kind = _check_kind(kind)
    if not 0 <= total <= MAX_TOTAL[kind]:
        raise ValueError(f"A {TITLES[kind]} total is 0 to {MAX_TOTAL[kind]}, not {total}.")
    return next(name for lowest, name in BANDS[kind] if total >= lowest)


def score_questionnaire(kind: str, answers: Sequence[int]) -> QuestionnaireScore:
    """Score a completed questionnaire. ValueError for a wrong kind, count or answer."""
    kind = _check_kind(kind)
    if isinstance(answers, (str, bytes)) or not isinstance(answers, Sequence):
        raise ValueError("The answers are a list of whole numbers.")
    expected = len(QUESTIONS[kind])
    if len(answers) != expected:
        raise ValueError(f"{TITLES[kind]} has {expected} questions; {len(answers)} answers were given.")
    values = [_check_answer(a) for a in answers]
    total = sum(values)
    urgent = kind == "phq9" and values[SELF_HARM_ITEM] > 0
    return QuestionnaireScore(kind, total, band_of(kind, total), urgent)


def reliable_rise(previous_total: int | None, total: int) -> bool:
    """A rise of 5 points or more since the last completed one: worth a clinician's look."""
    return previous_total is not None and total - previous_total >= RELIABLE_CHANGE


def next_due(every_weeks: int, last_completed: date | None, schedule_set: date) -> date | None:
    """The day a questionnaire is next due: None when off; the day it was switched on when never
    done; otherwise ``every_weeks`` after the last one."""
    if every_weeks not in EVERY_WEEKS:
        raise ValueError("A questionnaire is due every 2 or 4 weeks, or off.")
    if every_weeks == 0:
        return None
    if last_completed is None:
        return schedule_set
    return last_completed + timedelta(weeks=every_weeks)


def is_due(every_weeks: int, last_completed: date | None, schedule_set: date, today: date) -> bool:
    due = next_due(every_weeks, last_completed, schedule_set)
    return due is not None and due <= today


def parse_answers(stored: str, kind: str) -> list[int | None]:
    """Answers as stored ("0,2,,1": a gap is a question not answered yet), one per question."""
    kind = _check_kind(kind)
    parts = stored.split(",") if stored else []
    expected = len(QUESTIONS[kind])
    if len(parts) > expected:
        raise ValueError("More answers stored than questions.")
    parts += [""] * (expected - len(parts))
    return [None if p == "" else _check_answer(int(p)) if p.isdigit() else _check_answer(p) for p in parts]


def store_answers(answers: Sequence[int | None]) -> str:
    return ",".join("" if a is None else str(_check_answer(a)) for a in answers)
