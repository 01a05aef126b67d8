"""Record ids that arrive from the browser: whole numbers a database column can hold, or nothing.

A crafted event can carry a string, a float, a bool or 10**30 where an id belongs; SQLite and
PostgreSQL both raise on integers beyond 64 bits, so an unchecked id is a crash, not a miss.
"""

from __future__ import annotations

ID_MAX = 2**63 - 1


def is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def as_id(value: object) -> int | None:
    """An id from an int or a string of digits; None for anything else."""
    if is_id(value):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:
            number = int(text)
            return number if is_id(number) else None
    return None
