"""Figures and grids of a patient's history, built from plain values (no Reflex, no database).

``mood_figure`` returns a Plotly figure for ``rx.plotly``: mood per day, its 7-day average and
mindfulness minutes on a second axis. ``pixel_cells`` lays out a year of days as a week-per-column
grid, the way a "year in pixels" is usually drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go

from miwell.wellbeing.core import calendar_rules
from miwell.wellbeing.core.moods import MINUTES_MAX, MOODS, mood_by_score
from miwell.wellbeing.core.questionnaires import BANDS, MAX_TOTAL, TITLES

EMPTY_COLOUR = "#e6e8eb"
AVERAGE_COLOUR = "#0d7377"
MINUTES_COLOUR = "rgba(64, 120, 192, 0.28)"


@dataclass(frozen=True)
class Series:
    mood_days: list[date]
    mood_scores: list[int]
    average_days: list[date]
    average_scores: list[float]
    minute_days: list[date]
    minutes: list[int]


def series(points: Sequence[tuple[date, int, int]], start: date, end: date) -> Series:
    """The three series of the chart between ``start`` and ``end``.

    ``points`` are (day, score, minutes) and may reach before ``start``: those days feed the
    7-day average of the first days shown without being drawn themselves.
    """
    shown = sorted((p for p in points if start <= p[0] <= end), key=lambda p: p[0])
    average = [(d, a) for d, a in calendar_rules.rolling_average([(d, s) for d, s, _ in points if d <= end]) if d >= start]
    practised = [(d, m) for d, _, m in shown if m > 0]
    return Series(
        mood_days=[d for d, _, _ in shown],
        mood_scores=[s for _, s, _ in shown],
        average_days=[d for d, _ in average],
        average_scores=[round(a, 2) for _, a in average],
        minute_days=[d for d, _ in practised],
        minutes=[m for _, m in practised],
    )


def mood_figure(points: Sequence[tuple[date, int, int]], start: date, end: date) -> go.Figure:
    s = series(points, start, end)
    span = (end - start).days + 1
    marker_size = 9 if span <= 31 else 6 if span <= 92 else 4  # a year of big dots is a smear
    labels = [f"{mood_by_score(v).emoji} {mood_by_score(v).label}" for v in s.mood_scores]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="Mindful minutes",
            x=s.minute_days,
            y=s.minutes,
            yaxis="y2",
            marker_color=MINUTES_COLOUR,
            hovertemplate="%{x|%a %d %b}: %{y} min<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name="Mood",
            x=s.mood_days,
            y=s.mood_scores,
            mode="lines+markers",
            line=dict(color="#9aa4ae", width=1),
            marker=dict(size=marker_size, color=[mood_by_score(v).colour for v in s.mood_scores], line=dict(width=1, color="#ffffff")),
            text=labels,
            hovertemplate="%{x|%a %d %b}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name="7-day average",
            x=s.average_days,
            y=s.average_scores,
            mode="lines",
            line=dict(color=AVERAGE_COLOUR, width=3, shape="spline"),
            hovertemplate="%{x|%a %d %b}: average %{y:.1f}<extra></extra>",
        )
    )
    top_minutes = max([30, *s.minutes])
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=30, b=10),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hovermode="x unified",
        bargap=0.3,
        xaxis=dict(range=[start - timedelta(hours=12), end + timedelta(hours=12)], showgrid=False, type="date"),
        yaxis=dict(
            range=[0.5, 7.5],
            tickvals=[m.score for m in MOODS],
            ticktext=[f"{m.label} {m.emoji}" for m in MOODS],
            gridcolor="#eef0f2",
            fixedrange=True,
        ),
        yaxis2=dict(
            # Twice the largest value keeps the bars in the lower half, under the mood line.
            range=[0, min(MINUTES_MAX, top_minutes) * 2],
            overlaying="y",
            side="right",
            showgrid=False,
            title=dict(text="minutes", font=dict(size=11)),
            fixedrange=True,
        ),
    )
    return fig


def pixel_cells(pixels: Sequence[tuple[date, int | None]]) -> list[dict[str, str]]:
    """One cell per day, padded so that each column is a week from Monday to Sunday.

    Each cell has a ``colour`` and a ``title`` (the tooltip and accessible text); padding cells
    have an empty title.
    """
    if not pixels:
        return []
    padding = [{"colour": "transparent", "title": "", "day": ""} for _ in range(pixels[0][0].weekday())]
    cells = []
    for day, score in pixels:
        when = day.strftime("%a %-d %b %Y")
        if score is None:
            cells.append({"colour": EMPTY_COLOUR, "title": f"{when}: no entry", "day": day.isoformat()})
        else:
            mood = mood_by_score(score)
            cells.append({"colour": mood.colour, "title": f"{when}: {mood.emoji} {mood.label}", "day": day.isoformat()})
    return padding + cells


# Band shading of the questionnaire chart, light to dark with severity.
BAND_COLOURS = ("rgba(46, 160, 67, 0.10)", "rgba(210, 180, 40, 0.12)", "rgba(230, 140, 30, 0.13)", "rgba(220, 90, 40, 0.14)", "rgba(200, 40, 40, 0.15)")
SCORE_COLOURS = {"phq9": "#6b4fbb", "gad7": "#1f77b4"}


def score_figure(scores: Sequence[tuple[str, date, int]], kind: str) -> go.Figure:
    """One questionnaire's totals over time on its own scale, the severity bands shaded behind."""
    shown = sorted((d, t) for k, d, t in scores if k == kind)
    fig = go.Figure()
    bands = list(reversed(BANDS[kind]))  # lowest first
    for i, (low, name) in enumerate(bands):
        high = bands[i + 1][0] if i + 1 < len(bands) else MAX_TOTAL[kind] + 0.5
        fig.add_hrect(y0=low - 0.5 if low else -0.5, y1=high - 0.5 if i + 1 < len(bands) else high, fillcolor=BAND_COLOURS[i], line_width=0,
                      annotation_text=name, annotation_position="top left", annotation_font_size=10, annotation_font_color="#6b7280")  # fmt: skip
    fig.add_trace(
        go.Scatter(
            name=TITLES[kind],
            x=[d for d, _ in shown],
            y=[t for _, t in shown],
            mode="lines+markers",
            line=dict(color=SCORE_COLOURS[kind], width=2),
            marker=dict(size=9, color=SCORE_COLOURS[kind], line=dict(width=1, color="#ffffff")),
            hovertemplate="%{x|%a %d %b}: %{y}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=30, b=10),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        title=dict(text=f"{TITLES[kind]} total (0 to {MAX_TOTAL[kind]})", font=dict(size=13), x=0),
        xaxis=dict(showgrid=False, type="date"),
        yaxis=dict(range=[-0.5, MAX_TOTAL[kind] + 0.5], gridcolor="#eef0f2", fixedrange=True),
    )
    return fig
