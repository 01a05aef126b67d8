"""PHQ-9 and GAD-7 scoring (the contract other code relies on), crisis lines and the report."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miwell.wellbeing.core import crisis
from miwell.wellbeing.core import report as report_core
from miwell.wellbeing.core.questionnaires import (
    BANDS,
    QUESTIONS,
    is_due,
    next_due,
    parse_answers,
    reliable_rise,
    store_answers,
)
from miwell.wellbeing.core.risk import SCREENER_REASONS, asks_screener, assess
from miwell.wellbeing.questionnaires import score_questionnaire


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_phq9_bands(total: int, band: str) -> None:
    # Spread the total over the first eight items so item 9 stays 0.
    answers = [0] * 9
    left = total
    for i in range(9 if total > 24 else 8):
        answers[i] = min(3, left)
        left -= answers[i]
    result = score_questionnaire("phq9", answers)
    assert (result.total, result.band) == (total, band)
    assert result.urgent == (answers[8] > 0)


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"), (15, "severe"), (21, "severe")],
)
def test_gad7_bands(total: int, band: str) -> None:
    answers = [min(3, max(0, total - 3 * i)) for i in range(7)]
    result = score_questionnaire("gad7", answers)
    assert (result.total, result.band, result.urgent) == (total, band, False)


def test_item_nine_is_urgent_whatever_the_total() -> None:
    assert score_questionnaire("phq9", [0] * 8 + [1]).urgent
    assert not score_questionnaire("phq9", [3] * 8 + [0]).urgent
    assert not score_questionnaire("gad7", [3] * 7).urgent


@pytest.mark.parametrize(
    ("kind", "answers"),
    [("phq8", [0] * 8), ("PHQ9", [0] * 9), ("phq9", [0] * 8), ("phq9", [0] * 10), ("gad7", [0] * 9), ("phq9", [0] * 8 + [4]),
     ("phq9", [0] * 8 + [-1]), ("gad7", [0] * 6 + [True]), ("gad7", [0] * 6 + ["1"]), ("gad7", [0] * 6 + [1.0]), ("gad7", "0000000")],
)  # fmt: skip
def test_wrong_kind_count_or_value_raises(kind: str, answers) -> None:
    with pytest.raises(ValueError):
        score_questionnaire(kind, answers)


@given(kind=st.sampled_from(["phq9", "gad7"]), data=st.data())
def test_total_is_the_sum_and_bands_only_rise(kind: str, data: st.DataObject) -> None:
    answers = data.draw(st.lists(st.integers(0, 3), min_size=len(QUESTIONS[kind]), max_size=len(QUESTIONS[kind])))
    result = score_questionnaire(kind, answers)
    assert result.total == sum(answers)
    more = list(answers)
    i = data.draw(st.integers(0, len(more) - 1))
    if more[i] < 3:
        more[i] += 1
        bands = [b for _, b in sorted(BANDS[kind])]
        assert bands.index(score_questionnaire(kind, more).band) >= bands.index(result.band)


def test_reliable_rise_is_five_points() -> None:
    assert reliable_rise(7, 12) and not reliable_rise(7, 11) and not reliable_rise(None, 27) and not reliable_rise(12, 7)


def test_due_dates() -> None:
    monday = date(2026, 12, 7)
    assert next_due(0, None, monday) is None
    assert next_due(2, None, monday) == monday
    assert next_due(2, monday, monday) == monday + timedelta(weeks=2)
    assert next_due(4, monday, monday) == monday + timedelta(weeks=4)
    assert is_due(2, monday, monday, monday + timedelta(days=14)) and not is_due(2, monday, monday, monday + timedelta(days=13))
    with pytest.raises(ValueError):
        next_due(3, None, monday)


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_stored_answers_round_trip(answers) -> None:
    assert parse_answers(store_answers(answers), "phq9") == answers


# --- screener in the risk assessment --------------------------------------------------------------


def test_a_screener_yes_is_urgent_with_the_answer_as_reason() -> None:
    watch = assess(4, "I want to vanish", [])
    assert watch.level == "watch" and watch.from_note == "watch" and asks_screener(watch, 4)
    yes = assess(4, "I want to vanish", [], screener=(True, None))
    assert yes.level == "urgent" and SCREENER_REASONS[0] in yes.reasons
    assert assess(4, "I want to vanish", [], screener=(False, False)).level == "watch"
    assert asks_screener(assess(1, "", []), 1)
    assert not asks_screener(assess(1, "I want to kill myself", []), 1)
    assert not asks_screener(assess(2, "", []), 2)  # Sad alone: watch by mood, not the lowest
    with pytest.raises(ValueError):
        assess(4, "", [], screener=(True, False, True))
    with pytest.raises(ValueError):
        assess(4, "", [], screener=("yes", None))


# --- crisis lines ---------------------------------------------------------------------------------


def test_crisis_defaults_are_the_uk_lines() -> None:
    assert [(l.name, l.dial) for l in crisis.UK_DEFAULTS] == [("Emergency services", "999"), ("NHS 111", "111"), ("Samaritans", "116123")]
    assert crisis.lines_for([]) == list(crisis.UK_DEFAULTS)
    assert crisis.lines_for([[], []]) == list(crisis.UK_DEFAULTS)


def test_crisis_lines_of_several_organisations_each_number_once() -> None:
    a = [crisis.CrisisLine("Clinic A", "0113 496 0999"), crisis.CrisisLine("Samaritans", "116 123")]
    b = [crisis.CrisisLine("Samaritans", "116123"), crisis.CrisisLine("Clinic B", "+44 161 496 0999")]
    assert [l.name for l in crisis.lines_for([a, b])] == ["Clinic A", "Samaritans", "Clinic B"]
    assert crisis.CrisisLine("Clinic B", "+44 161 496 0999").dial == "+441614960999"


@pytest.mark.parametrize(("name", "phone"), [("", "999"), ("X", ""), ("X", "12"), ("X", "call 999"), ("X" * 81, "999"), ("X", "9" * 41)])
def test_check_line_refuses(name: str, phone: str) -> None:
    with pytest.raises(ValueError):
        crisis.check_line(name, phone, "")


# --- the report -----------------------------------------------------------------------------------


def _data(include_notes: bool = False) -> report_core.ReportData:
    first = date(2026, 11, 1)
    entries = [report_core.ReportEntry(first + timedelta(days=i), 1 + i % 7, 5 * (i % 3), ("calm",), f"note {i}") for i in range(0, 30, 2)]
    return report_core.ReportData(
        "Robin Hale", first, date(2026, 11, 30), datetime(2026, 12, 4), entries,
        [report_core.ReportScore("phq9", date(2026, 11, 10), 12, "moderate")], include_notes,
        earlier=[report_core.ReportEntry(first - timedelta(days=1), 7, 0)],
    )  # fmt: skip


def test_csv_has_the_seven_day_average_and_notes_only_when_asked() -> None:
    rows = report_core.to_csv(_data()).splitlines()
    assert rows[0] == "date,mood_score,mood,seven_day_average,mindfulness_minutes,feelings"
    # 1 November: its own score 1 and the day before's 7 average to 4.
    assert rows[1].startswith("2026-11-01,1,Awful,4.00,0,calm")
    assert all("note" not in row for row in rows[1:])
    assert "note 4" in report_core.to_csv(_data(include_notes=True))
    assert "PHQ-9,12,moderate" in report_core.to_csv(_data())


def test_pdf_is_a_pdf_and_refuses_a_backwards_or_too_long_period() -> None:
    assert report_core.to_pdf(_data()).startswith(b"%PDF-")
    with pytest.raises(ValueError):
        report_core.check_period(date(2026, 12, 1), date(2026, 11, 1))
    with pytest.raises(ValueError):
        report_core.check_period(date(2025, 1, 1), date(2026, 12, 1))
