"""How well the risk screen hears the notes of a labelled set, and how long it takes a note.

Prints, for the screen as shipped and for the phrase list it replaced (the baseline, kept here
word for word), the recall on explicit notes (must be urgent), on indirect notes (must be at
least watch), the false alarms on everyday notes, and the time per note; then the ratio of the
two times. With ``--misses`` it lists the notes the screen gets wrong.

    .venv/bin/python -m benchmarks.risk_language [--data tests/data/risk_notes.csv] [--misses]

Goals (issue 11): explicit recall >= 97 %, indirect >= 90 %, false alarms <= 8 %, under 1 ms a
note.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from miwell.wellbeing.core import risk_eval
from miwell.wellbeing.core.risk import assess

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "risk_notes.csv"

# The screen before issue 11: whole phrases, case and spacing tolerant, every one urgent.
BASELINE_PHRASES = (
    "suicide", "suicides", "suicidal", "kill myself", "killing myself", "end my life",
    "ending my life", "end it all", "ending it all", "take my own life", "take my life",
    "want to die", "wanna die", "wish i was dead", "wish i were dead", "better off dead",
    "better off without me", "no reason to live", "nothing to live for", "not worth living",
    "don't want to live", "don't want to be alive", "don't want to be here",
    "don't want to wake up", "self-harm", "self harm", "self-harming", "self harming",
    "hurt myself", "hurting myself", "harm myself", "harming myself", "cut myself",
    "cutting myself", "overdose", "overdoses", "overdosed", "overdosing",
)  # fmt: skip


def _baseline_pattern() -> re.Pattern[str]:
    def one(phrase: str) -> str:
        text = re.escape(phrase).replace("'", "['\u2019\u2018]?").replace(r"\-", r"\s*[-\u2013]\s*")
        return text.replace(r"\ ", r"\s+")

    alternatives = "|".join(one(p) for p in sorted(BASELINE_PHRASES, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


_BASELINE = _baseline_pattern()


def baseline_level(note: str) -> str:
    return "urgent" if _BASELINE.search(note) else "none"


def shipped_level(note: str) -> str:
    return assess(risk_eval.NEUTRAL_MOOD, note, []).level


def score(notes: list[risk_eval.LabelledNote], level_of: Callable[[str], str]) -> risk_eval.Evaluation:
    result = risk_eval.Evaluation()
    for item in notes:
        level = level_of(item.note)
        result.total[item.category] += 1
        if risk_eval.is_right(item.category, level):
            result.right[item.category] += 1
        else:
            result.wrong.append((item, level))
    return result


def time_per_note(notes: list[str], level_of: Callable[[str], str], rounds: int) -> float:
    """Median over rounds of the mean seconds per note; the first round warms caches."""
    level_of(notes[0])
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for note in notes:
            level_of(note)
        samples.append((time.perf_counter() - start) / len(notes))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--misses", action="store_true", help="list the notes the shipped screen gets wrong")
    args = parser.parse_args()

    notes = risk_eval.load(args.data)
    counts = {c: sum(1 for n in notes if n.category == c) for c in risk_eval.CATEGORIES}
    print(f"{args.data}: {len(notes)} notes ({', '.join(f'{n} {c}' for c, n in counts.items())})")
    texts = [n.note for n in notes]
    # Cold: the first note ever read pays for loading the dictionary; reported apart.
    start = time.perf_counter()
    shipped_level("first note of the process")
    cold = time.perf_counter() - start

    rows = []
    for name, level_of in (("baseline (phrase list)", baseline_level), ("shipped", shipped_level)):
        result = score(notes, level_of)
        per_note = time_per_note(texts, level_of, args.rounds)
        rows.append((name, result, per_note))
    print(f"{'screen':24} {'explicit':>9} {'indirect':>9} {'false al.':>9} {'ms/note':>8}")
    for name, result, per_note in rows:
        print(
            f"{name:24} {result.explicit_recall:9.1%} {result.indirect_recall:9.1%} "
            f"{result.false_alarm_rate:9.1%} {per_note * 1000:8.3f}"
        )
    (_, _, base_time), (_, shipped, shipped_time) = rows
    print(f"time ratio shipped/baseline: {shipped_time / base_time:.1f}x; first note (dictionary load): {cold * 1000:.0f} ms")
    goals = {
        "explicit recall >= 97%": shipped.explicit_recall >= 0.97,
        "indirect recall >= 90%": shipped.indirect_recall >= 0.90,
        "false alarms <= 8%": shipped.false_alarm_rate <= 0.08,
        "under 1 ms a note": shipped_time < 0.001,
    }
    print("goals: " + "; ".join(f"{goal}: {'met' if ok else 'MISSED'}" for goal, ok in goals.items()))
    if args.misses:
        for item, level in shipped.wrong:
            print(f"  {item.category:9} got {level:7} {item.note}")


if __name__ == "__main__":
    main()
