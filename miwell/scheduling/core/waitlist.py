"""The waiting list's rules: which waiting patient gets which freed slot.

Pure and stdlib-only. Entries are served urgent first, then oldest first; each gets the earliest
free slot that matches it (its doctor, or any doctor of its clinic; its dates; its times of day)
and that it has not been offered before; no slot goes to two entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "ALL_TIMES",
    "FreeSlot",
    "WaitingEntry",
    "match_waitlist",
    "matches",
    "priority",
    "time_of_day",
    "times_text",
]

MORNING, AFTERNOON, EVENING = 1, 2, 4
ALL_TIMES = MORNING | AFTERNOON | EVENING
_TIME_NAMES = ((MORNING, "mornings"), (AFTERNOON, "afternoons"), (EVENING, "evenings"))


@dataclass(frozen=True)
class WaitingEntry:
    id: int
    urgent: bool
    created_at: datetime
    doctor_id: int | None
    clinic_id: int | None
    first_day: date
    last_day: date
    times_of_day: int = ALL_TIMES
    # (doctor id, start) of slots this entry was offered before: never offered to it again.
    offered_before: frozenset[tuple[int, datetime]] = field(default_factory=frozenset)


@dataclass(frozen=True, order=True)
class FreeSlot:
    start: datetime
    end: datetime
    doctor_id: int
    clinic_id: int


def time_of_day(start: datetime) -> int:
    """Morning before 12:00, afternoon before 17:00, evening after."""
    return MORNING if start.hour < 12 else AFTERNOON if start.hour < 17 else EVENING


def times_text(mask: int) -> str:
    """``any time``, ``mornings``, ``mornings and evenings``..."""
    if mask & ALL_TIMES == ALL_TIMES:
        return "any time"
    names = [name for bit, name in _TIME_NAMES if mask & bit]
    return " and ".join(names) if names else "no time"


def priority(entry: WaitingEntry) -> tuple:
    return (not entry.urgent, entry.created_at, entry.id)


def matches(entry: WaitingEntry, slot: FreeSlot) -> bool:
    if entry.doctor_id is not None and slot.doctor_id != entry.doctor_id:
        return False
    if entry.clinic_id is not None and slot.clinic_id != entry.clinic_id:
        return False
    return (
        entry.first_day <= slot.start.date() <= entry.last_day
        and bool(time_of_day(slot.start) & entry.times_of_day)
        and (slot.doctor_id, slot.start) not in entry.offered_before
    )


def match_waitlist(entries: Iterable[WaitingEntry], free: Sequence[FreeSlot]) -> list[tuple[WaitingEntry, FreeSlot]]:
    """Which entry gets which slot: in priority order, each entry the earliest matching slot left.

    Slots overlapping one another (two doctors' agendas, or one doctor's at two clinics) are all
    candidates; once one slot of a doctor is given, others of that doctor overlapping it are not.
    """
    ordered = sorted(free)
    given: list[FreeSlot] = []
    result = []
    for entry in sorted(entries, key=priority):
        for slot in ordered:
            if any(g.doctor_id == slot.doctor_id and g.start < slot.end and slot.start < g.end for g in given):
                continue
            if matches(entry, slot):
                given.append(slot)
                result.append((entry, slot))
                break
    return result
