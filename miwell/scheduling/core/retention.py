"""How long an organisation keeps personal details in its records: pure rules."""

from __future__ import annotations

from datetime import datetime

MAX_YEARS = 100


class RetentionError(ValueError):
    pass


def parse_years(raw: object) -> int | None:
    """Blank keeps records for good; otherwise a whole number of years from 1 to 100."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_YEARS:
        raise RetentionError(f"Keep records for a whole number of years from 1 to {MAX_YEARS}, or leave it blank to keep them.")
    return int(text)


def cutoff(now: datetime, years: int) -> datetime:
    """The moment ``years`` before ``now``; 29 February falls back to the 28th in a common year."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


# An anonymised clinic record's name: this, then its id ("Former patient #12").
FORMER_PATIENT = "Former patient #"
