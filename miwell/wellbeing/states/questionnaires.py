"""The patient's questionnaires on Today: one question a screen, each answer kept as it is given."""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go
import reflex as rx

from miwell.accounts.services import AccountError
from miwell.accounts.states.auth import AuthState, text_arg
from miwell.accounts.states.policy import allow, Owns
from miwell.db import session_scope
from miwell.wellbeing.core import charts, display
from miwell.wellbeing.core import questionnaires as q
from miwell.wellbeing.services import questionnaires as service
from miwell.wellbeing.states.common import PATIENT, _int


@dataclasses.dataclass
class DueRow:
    kind: str = ""
    title: str = ""
    about: str = ""
    questions: int = 0
    answered: int = 0


@dataclasses.dataclass
class ScoreRow:
    kind: str = ""
    title: str = ""
    day: str = ""
    total: int = 0
    band: str = ""


def score_rows(scores: list[service.ScoreView]) -> list[ScoreRow]:
    return [ScoreRow(s.kind, q.TITLES[s.kind], display.day_label(s.day), s.total, s.band) for s in reversed(scores)]


def score_figures(scores: list[service.ScoreView]) -> tuple[go.Figure, go.Figure]:
    points = [(s.kind, s.day, s.total) for s in scores]
    return charts.score_figure(points, "phq9"), charts.score_figure(points, "gad7")


class QuestionnaireState(AuthState):
    due: list[DueRow] = []
    kind: str = ""  # the questionnaire open now; "" when none is
    title: str = ""
    position: int = 0
    count: int = 0
    answers: list[int] = []  # -1: not answered yet
    done: bool = False
    total: int = 0
    band: str = ""
    urgent: bool = False
    error: str = ""
    _response_id: int = 0

    @rx.var
    def question(self) -> str:
        questions = q.QUESTIONS.get(self.kind, ())
        return questions[self.position] if 0 <= self.position < len(questions) else ""

    @rx.var
    def chosen(self) -> int:
        return self.answers[self.position] if 0 <= self.position < len(self.answers) else -1

    def _load_due(self, user) -> None:
        with session_scope() as s:
            self.due = [
                DueRow(d.kind, d.title, q.ABOUT[d.kind], d.questions, d.answered) for d in service.due(s, user)
            ]

    def _show(self, view: service.ProgressView) -> None:
        self._response_id = view.response_id
        self.kind, self.title = view.kind, view.title
        self.answers = [-1 if a is None else a for a in view.answers]
        self.count = len(view.answers)
        self.position = min(view.position, self.count - 1)
        self.done = view.completed
        self.total, self.band, self.urgent = view.total or 0, view.band, view.urgent
        self.error = ""

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def load(self):
        user = self._require(PATIENT)
        if user is None:
            return
        self.kind, self.done, self.error, self._response_id = "", False, "", 0
        self._load_due(user)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def start(self, kind: str):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        try:
            with session_scope() as s:
                view = service.start(s, user, text_arg(kind, 10))
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self._show(view)

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def choose(self, value: int):
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        if not self._response_id or self.done:
            return
        try:
            with session_scope() as s:
                view = service.answer(s, user, self._response_id, self.position, _int(value, -1))
        except (AccountError, ValueError) as exc:
            self.error = str(exc)
            return
        self._show(view)
        if view.completed:
            self._load_due(user)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def back(self):
        if self.position > 0 and not self.done:
            self.position -= 1

    @rx.event
    @allow(PATIENT, owns=Owns.OWN_RECORDS)
    def later(self):
        """Close it; every answer given so far is kept for next time."""
        user = self._require(PATIENT)
        if user is None:
            return self._turn_away(self._current_user())
        self.kind, self._response_id = "", 0
        self._load_due(user)

    @rx.event
    @allow(PATIENT, owns=Owns.THIS_PAGE)
    def close_result(self):
        self.kind, self.done, self.urgent, self._response_id = "", False, False, 0
