"""No-shows and late cancellations: who misses appointments, with which doctor, and when.

Pure: the services hand over :class:`~miwell.scheduling.core.reports.AppointmentRecord` values and,
for the cancelled ones, when they were cancelled (naive clinic local time, like the records'
starts), and get counts and rates back.

- A **no-show** is an appointment whose status is ``no_show``.
- A **late cancellation** is one cancelled less than ``late_within`` (24 hours by default) before
  it was due to start, or after its start.
- The **no-show rate** is no-shows over the appointments kept on the books (every status but
  cancelled): of the times the patient was expected, how often they did not come.
- The **late-cancellation rate** is late cancellations over all appointments of the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from miwell.scheduling.core.reports import AppointmentRecord

__all__ = ["GROUPINGS", "LATE_CANCELLATION", "AttendanceCount", "attendance_by", "is_late_cancellation", "rate_text"]

LATE_CANCELLATION = timedelta(hours=24)
GROUPINGS = ("patient", "doctor", "month")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class AttendanceCount:
    key: str
    label: str
    appointments: int = 0
    kept: int = 0
    no_shows: int = 0
    late_cancellations: int = 0

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.kept if self.kept else None

    @property
    def late_cancellation_rate(self) -> float | None:
        return self.late_cancellations / self.appointments if self.appointments else None


def rate_text(rate: float | None) -> str:
    """``12%``, ``0%``, or ``—`` when there was nothing to count."""
    return "—" if rate is None else f"{rate:.0%}"


def is_late_cancellation(start: datetime, cancelled_at: datetime | None, late_within: timedelta = LATE_CANCELLATION) -> bool:
    return cancelled_at is not None and start - cancelled_at < late_within


def _group(record: AppointmentRecord, grouping: str) -> tuple[object, str, str]:
    """(sort key, key, label) of the record's group."""
    if grouping == "patient":
        return (record.patient_name.casefold(), record.patient_id), str(record.patient_id), record.patient_name
    if grouping == "doctor":
        return (record.doctor_name.casefold(), record.doctor_id), str(record.doctor_id), record.doctor_name
    month = (record.start.year, record.start.month)
    return month, f"{month[0]:04d}-{month[1]:02d}", f"{_MONTHS[month[1] - 1]} {month[0]}"


def attendance_by(
    records: Iterable[AppointmentRecord],
    cancelled_at: Mapping[int, datetime],
    grouping: str,
    late_within: timedelta = LATE_CANCELLATION,
) -> list[AttendanceCount]:
    """Counts per patient, doctor or month (``grouping``), in name or calendar order.

    ``cancelled_at`` maps a cancelled appointment's id to when it was cancelled; a cancelled
    appointment missing from it counts as cancelled in time, never as late.
    Raises ``ValueError`` for an unknown grouping.
    """
    if grouping not in GROUPINGS:
        raise ValueError(f"Group by one of {', '.join(GROUPINGS)}, not {grouping!r}.")
    groups: dict[str, list] = {}
    order: dict[str, object] = {}
    for record in records:
        sort_key, key, label = _group(record, grouping)
        counts = groups.setdefault(key, [label, 0, 0, 0, 0])
        order.setdefault(key, sort_key)
        counts[1] += 1
        if record.status == "cancelled":
            counts[4] += is_late_cancellation(record.start, cancelled_at.get(record.id), late_within)
        else:
            counts[2] += 1
            counts[3] += record.status == "no_show"
    return [
        AttendanceCount(key, label, appointments, kept, no_shows, late)
        for key, (label, appointments, kept, no_shows, late) in sorted(groups.items(), key=lambda item: order[item[0]])  # type: ignore[arg-type,return-value]
    ]
