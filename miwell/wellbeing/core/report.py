"""A mood report a patient can take to any doctor: PDF (fpdf2, chart drawn on the page) and CSV.

Built from plain values, so the same report comes out whoever asks and however it is stored.
Notes are optional: off by default in the patient's own copy, which they may hand to anyone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from fpdf import FPDF, FontFace

from miwell.wellbeing.core import calendar_rules
from miwell.wellbeing.core.moods import MAX_SCORE, MIN_SCORE, MOODS, mood_by_score
from miwell.wellbeing.core.questionnaires import BANDS, MAX_TOTAL, TITLES

FONTS = Path(__file__).resolve().parent / "fonts"
MAX_DAYS = 366
TEAL = (13, 115, 119)
GREY = (110, 116, 124)
LIGHT = (230, 232, 235)


@dataclass(frozen=True)
class ReportEntry:
    day: date
    score: int
    minutes: int
    feelings: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ReportScore:
    kind: str
    day: date
    total: int
    band: str


@dataclass(frozen=True)
class ReportData:
    patient: str
    first: date
    last: date
    made_on: datetime
    entries: Sequence[ReportEntry]
    scores: Sequence[ReportScore] = ()
    include_notes: bool = False
    # Entries before ``first`` that feed the first days' 7-day average; not listed.
    earlier: Sequence[ReportEntry] = field(default_factory=tuple)


def check_period(first: date, last: date) -> None:
    if last < first:
        raise ValueError("The period ends before it starts.")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError("A report covers at most a year.")


def averages(data: ReportData) -> list[tuple[date, float]]:
    points = [(e.day, e.score) for e in (*data.earlier, *data.entries)]
    return [(d, a) for d, a in calendar_rules.rolling_average(points) if data.first <= d <= data.last]


def summary(data: ReportData) -> dict[str, str]:
    entries = list(data.entries)
    days = (data.last - data.first).days + 1
    minutes = sum(e.minutes for e in entries)
    mean = sum(e.score for e in entries) / len(entries) if entries else None
    return {
        "Days in the period": str(days),
        "Days with an entry": f"{len(entries)} of {days}",
        "Average mood": f"{mean:.1f} of 7 ({mood_by_score(round(mean)).label})" if mean is not None else "no entries",
        "Mindfulness minutes": f"{minutes} in total, on {sum(1 for e in entries if e.minutes)} days",
    }


def to_csv(data: ReportData) -> str:
    """One row per entry (notes only when included), then the questionnaire scores."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    average = dict(averages(data))
    header = ["date", "mood_score", "mood", "seven_day_average", "mindfulness_minutes", "feelings"]
    writer.writerow(header + (["note"] if data.include_notes else []))
    for e in sorted(data.entries, key=lambda e: e.day):
        row = [e.day.isoformat(), e.score, mood_by_score(e.score).label, f"{average.get(e.day, 0):.2f}", e.minutes, ";".join(e.feelings)]
        writer.writerow(row + ([e.note] if data.include_notes else []))
    if data.scores:
        writer.writerow([])
        writer.writerow(["date", "questionnaire", "total", "band"])
        for s in sorted(data.scores, key=lambda s: s.day):
            writer.writerow([s.day.isoformat(), TITLES[s.kind], s.total, s.band])
    return out.getvalue()


class _Report(FPDF):
    def __init__(self, data: ReportData) -> None:
        super().__init__(format="A4")
        self.data = data
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(f"MiWell mood report: {data.patient}")
        self.set_creator("MiWell")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"MiWell mood report for {self.data.patient} · page {self.page_no()} of {{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(*TEAL)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)


def _x(first: date, last: date, left: float, width: float, day: date) -> float:
    span = max((last - first).days, 1)
    return left + width * (day - first).days / span


def _mood_chart(pdf: FPDF, data: ReportData) -> None:
    """Mood per day (dots), its 7-day average (line), minutes (bars along the bottom)."""
    left, top, width, height = pdf.l_margin + 12, pdf.get_y() + 2, pdf.epw - 14, 62
    y_of = lambda score: top + height - (score - MIN_SCORE) / (MAX_SCORE - MIN_SCORE) * height  # noqa: E731
    pdf.set_font("DejaVu", "", 7)
    pdf.set_draw_color(*LIGHT)
    pdf.set_line_width(0.2)
    for mood in MOODS:
        y = y_of(mood.score)
        pdf.line(left, y, left + width, y)
        pdf.set_text_color(*GREY)
        pdf.text(pdf.l_margin, y + 1, f"{mood.score} {mood.label}"[:9])
    # Minutes: thin bars scaled to the busiest day, on the bottom fifth.
    most = max((e.minutes for e in data.entries), default=0)
    if most:
        pdf.set_fill_color(170, 196, 226)
        bar = max(width / max((data.last - data.first).days + 1, 1) * 0.6, 0.4)
        for e in data.entries:
            h = height * 0.2 * e.minutes / most
            pdf.rect(_x(data.first, data.last, left, width, e.day) - bar / 2, top + height - h, bar, h, style="F")
    points = averages(data)
    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(0.7)
    for (d1, a1), (d2, a2) in zip(points, points[1:]):
        if (d2 - d1).days <= 3:  # a day or two without an entry does not break the trend
            pdf.line(_x(data.first, data.last, left, width, d1), y_of(a1), _x(data.first, data.last, left, width, d2), y_of(a2))
    for e in data.entries:
        r, g, b = (int(mood_by_score(e.score).colour[i : i + 2], 16) for i in (1, 3, 5))
        pdf.set_fill_color(r, g, b)
        pdf.set_draw_color(60, 60, 60)
        pdf.set_line_width(0.1)
        pdf.ellipse(_x(data.first, data.last, left, width, e.day) - 1, y_of(e.score) - 1, 2, 2, style="FD")
    pdf.set_text_color(*GREY)
    pdf.text(left, top + height + 4, data.first.strftime("%-d %b %Y"))
    end_label = data.last.strftime("%-d %b %Y")
    pdf.text(left + width - pdf.get_string_width(end_label), top + height + 4, end_label)
    pdf.set_y(top + height + 6)
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 4, "Dots: mood that day. Line: 7-day average. Blue bars: mindfulness minutes.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*LIGHT)


_TABLE = dict(
    cell_fill_color=(244, 246, 247),
    cell_fill_mode="ROWS",
    borders_layout="HORIZONTAL_LINES",
    headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=TEAL),
)


def _score_table(pdf: FPDF, data: ReportData) -> None:
    for kind in ("phq9", "gad7"):
        rows = sorted((s for s in data.scores if s.kind == kind), key=lambda s: s.day)
        if not rows:
            continue
        bands = ", ".join(f"{low}+ {name}" for low, name in reversed(BANDS[kind]))
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, f"{TITLES[kind]} (0 to {MAX_TOTAL[kind]}; bands: {bands})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        with pdf.table(col_widths=(40, 20, 60), text_align=("LEFT", "RIGHT", "LEFT"), width=120, align="LEFT", **_TABLE) as table:
            table.row(("Date", "Total", "Band"))
            for s in rows:
                table.row((s.day.strftime("%-d %b %Y"), str(s.total), s.band))
        pdf.ln(2)


def to_pdf(data: ReportData) -> bytes:
    check_period(data.first, data.last)
    pdf = _Report(data)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 10, "Mood report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, data.patient, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "", 9)
    period = f"{data.first.strftime('%-d %B %Y')} to {data.last.strftime('%-d %B %Y')}"
    pdf.cell(0, 5, f"{period} · made with MiWell on {data.made_on.strftime('%-d %B %Y')}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    _heading(pdf, "Mood and mindfulness")
    _mood_chart(pdf, data)
    pdf.ln(2)
    for name, value in summary(data).items():
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(48, 5, name)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    if data.scores:
        _heading(pdf, "Questionnaires")
        _score_table(pdf, data)
    _heading(pdf, "Entries" + ("" if data.include_notes else " (notes left out)"))
    if not data.entries:
        pdf.cell(0, 6, "No entries in this period.", new_x="LMARGIN", new_y="NEXT")
    else:
        widths = (24, 24, 19, 40) + ((70,) if data.include_notes else ())
        with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align="LEFT", line_height=5, **_TABLE) as table:
            table.row(("Date", "Mood", "Minutes", "Feelings") + (("Note",) if data.include_notes else ()))
            for e in sorted(data.entries, key=lambda e: e.day, reverse=True):
                cells = (e.day.strftime("%a %-d %b"), f"{e.score} {mood_by_score(e.score).label}", str(e.minutes), ", ".join(e.feelings))
                table.row(cells + ((e.note,) if data.include_notes else ()))
    return bytes(pdf.output())


def default_period(today: date, days: int = 30) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today
