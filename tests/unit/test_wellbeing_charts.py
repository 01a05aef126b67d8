"""The history chart's traces and the year-in-pixels layout."""

from datetime import date, timedelta

from miwell.wellbeing.core import charts
from miwell.wellbeing.core.moods import mood_by_score

END = date(2026, 3, 10)  # a Tuesday


def _points(days: int, lead_in: int = 6):
    start = END - timedelta(days=days - 1)
    return [(start - timedelta(days=lead_in) + timedelta(days=n), 1 + n % 7, 5 * (n % 3)) for n in range(days + lead_in)], start


def test_series_draws_only_the_range_but_averages_with_the_lead_in():
    points, start = _points(30)
    s = charts.series(points, start, END)
    assert s.mood_days[0] == start and s.mood_days[-1] == END and len(s.mood_scores) == 30
    # The first day's average covers it and the six days before it: a full week of 1..7.
    assert s.average_days[0] == start and s.average_scores[0] == 4.0
    assert all(m > 0 for m in s.minutes) and set(s.minute_days) <= set(s.mood_days)


def test_mood_figure_has_minutes_mood_and_average_traces():
    points, start = _points(30)
    fig = charts.mood_figure(points, start, END)
    names = [t.name for t in fig.data]
    assert names == ["Mindful minutes", "Mood", "7-day average"]
    bars, mood, average = fig.data
    assert bars.yaxis == "y2" and len(mood.y) == 30 and len(average.y) == 30
    assert list(mood.marker.color[:2]) == [mood_by_score(mood.y[0]).colour, mood_by_score(mood.y[1]).colour]
    assert list(fig.layout.yaxis.tickvals) == [7, 6, 5, 4, 3, 2, 1]


def test_an_empty_history_still_draws_an_empty_chart():
    fig = charts.mood_figure([], END - timedelta(days=29), END)
    assert [len(t.x or ()) for t in fig.data] == [0, 0, 0]


def test_pixel_cells_start_columns_on_monday_and_colour_each_day():
    pixels = [(END - timedelta(days=n), None if n % 2 else 6) for n in range(9, -1, -1)]
    cells = charts.pixel_cells(pixels)
    first_day = pixels[0][0]  # Sunday 1 March
    assert first_day.weekday() == 6
    assert cells[:6] == [{"colour": "transparent", "title": "", "day": ""}] * 6
    assert len(cells) == 6 + 10
    assert cells[6] == {"colour": charts.EMPTY_COLOUR, "title": "Sun 1 Mar 2026: no entry", "day": "2026-03-01"}
    assert cells[-1] == {"colour": mood_by_score(6).colour, "title": "Tue 10 Mar 2026: 🙂 Good", "day": "2026-03-10"}
    assert charts.pixel_cells([]) == []
