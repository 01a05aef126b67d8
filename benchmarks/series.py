"""Checking a 52-week series against checking one slot, on the availability benchmark's clinic.

    python -m benchmarks.series

The clinic of ``benchmarks/availability.py`` (50 doctors, two agendas a day over three months, 60%
booked), with the agendas stretched to a year and a quarter. Three ways to check dates:

- one slot: what a single booking checks (``service.day_slots``: the day's agendas and bookings);
- a 52-week series as shipped (``series.preview_series``): one pass over the agendas and bookings
  of the whole range, every date checked against it;
- the same 52 dates one by one (52 round trips), the design the series check replaced.

Goal: the series costs at most 3x one slot. Medians of repeated runs, as ratios within one run.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from benchmarks.availability import FIRST_DAY, NOW, MiWell, all_slots, booked_plan, median_seconds
from miwell.scheduling import services as service
from miwell.scheduling.services import series

REPEATS = 40
WEEKS = 52


def main() -> int:
    slots = all_slots()
    plan = booked_plan(len(slots))
    with tempfile.TemporaryDirectory(prefix="miwell-bench-") as folder:
        mi = MiWell(Path(folder))
        mi.open_agendas()
        mi.book(slots, plan)
        with mi.engine.begin() as conn:
            conn.execute(text("UPDATE agendas SET end_date = :last"), dict(last=FIRST_DAY + timedelta(weeks=WEEKS + 13)))
        doctor = mi.doctor_ids[7]
        first = datetime.combine(FIRST_DAY + timedelta(days=1), time(10))

        def one_slot() -> object:
            with Session(mi.engine) as s:
                return [x for x in service.day_slots(s, mi.actor, doctor, first.date(), now=NOW) if x.start == first]

        def whole_series() -> object:
            with Session(mi.engine) as s:
                return series.preview_series(s, mi.actor, doctor, first, 1, count=WEEKS, now=NOW)

        def one_by_one() -> object:
            with Session(mi.engine) as s:
                return [
                    [x for x in service.day_slots(s, mi.actor, doctor, day.date(), now=NOW) if x.start == day]
                    for day in (first + timedelta(weeks=w) for w in range(WEEKS))
                ]

        preview = whole_series()
        fits = sum(item.fits for item in preview)  # type: ignore[attr-defined]
        assert fits == sum(bool(found) for found in one_by_one()), "the two ways disagree"
        single, whole, looped = median_seconds(one_slot, whole_series, one_by_one, repeats=REPEATS)
        mi.engine.dispose()

    ratio = whole / single
    print(f"A {WEEKS}-week series for one doctor ({fits} of {WEEKS} dates fit; the rest get the nearest free time).")
    print(f"{'check one slot (a single booking)':44} {single * 1000:8.2f} ms")
    print(f"{'check the whole series, one pass (shipped)':44} {whole * 1000:8.2f} ms  {ratio:5.2f}x one slot")
    print(f"{'check the 52 dates one by one':44} {looped * 1000:8.2f} ms  {looped / single:5.2f}x one slot")
    print(f"\nGoal: the series costs at most 3x one slot: {ratio:.2f}x {'- met' if ratio <= 3 else '- NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
