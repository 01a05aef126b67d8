"""PHQ-9 and GAD-7 on a phone: one question a screen, four big answers, finish later at any point."""

from __future__ import annotations

import reflex as rx

from miwell.ui.support import crisis_panel
from miwell.wellbeing.core.questionnaires import OPTIONS, STEM
from miwell.wellbeing.states.questionnaires import DueRow, QuestionnaireState as Q


def _due(d: DueRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(d.title, " · ", d.questions.to_string(), " short questions about ", d.about, weight="medium", size="3"),
            rx.cond(
                d.answered > 0,
                rx.text("You answered ", d.answered.to_string(), " so far: carry on where you left off.", size="2", color_scheme="gray"),
                rx.text("About two minutes. Your psychiatrist asked for it.", size="2", color_scheme="gray"),
            ),
            spacing="0",
            flex="1",
            min_width="14em",
        ),
        rx.button(
            rx.cond(d.answered > 0, "Carry on", "Start"),
            on_click=Q.start(d.kind),
            size="3",
            id="start-" + d.kind,
        ),
        justify="between",
        align="center",
        wrap="wrap",
        width="100%",
        spacing="3",
    )


def _question() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(Q.title, weight="bold", size="2", color_scheme="gray"),
            rx.text("Question ", (Q.position + 1).to_string(), " of ", Q.count.to_string(), size="2", color_scheme="gray", id="question-count"),
            justify="between",
            width="100%",
        ),
        rx.progress(value=Q.position * 100 / rx.cond(Q.count > 0, Q.count, 1), width="100%", color_scheme="teal"),
        rx.text(STEM, size="2", color_scheme="gray"),
        rx.heading(Q.question, size="5", id="question-text"),
        rx.vstack(
            *[
                rx.button(
                    label,
                    on_click=Q.choose(value),
                    size="4",
                    width="100%",
                    variant=rx.cond(Q.chosen == value, "solid", "surface"),
                    color_scheme="teal",
                    class_name="answer-button",
                    id=f"answer-{value}",
                    aria_pressed=rx.cond(Q.chosen == value, "true", "false"),
                )
                for value, label in enumerate(OPTIONS)
            ],
            spacing="2",
            width="100%",
        ),
        rx.cond(Q.error != "", rx.callout(Q.error, icon="triangle-alert", color_scheme="red", size="1")),
        rx.hstack(
            rx.button("Back", on_click=Q.back, variant="ghost", size="3", disabled=Q.position == 0),
            rx.button("Finish later", on_click=Q.later, variant="soft", color_scheme="gray", size="3", id="finish-later"),
            justify="between",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _result() -> rx.Component:
    return rx.vstack(
        rx.heading("Thank you", size="5"),
        rx.text(Q.title, " score: ", rx.text.strong(Q.total.to_string()), " (", Q.band, ").", size="3", id="questionnaire-result"),
        rx.text("Your psychiatrist sees your answers and the score.", size="2", color_scheme="gray"),
        rx.cond(Q.urgent, crisis_panel(id="questionnaire-crisis", intro="Thank you for being honest about it. Your psychiatrist has been told now. If you need help now:")),
        rx.button("Done", on_click=Q.close_result, size="3", variant="soft"),
        spacing="3",
        width="100%",
    )


def questionnaire_card() -> rx.Component:
    """On Today, after the mood: what is due, or the questionnaire being filled in."""
    return rx.cond(
        Q.kind != "",
        rx.card(rx.cond(Q.done, _result(), _question()), width="100%", id="questionnaire"),
        rx.cond(
            Q.due.length() > 0,
            rx.card(
                rx.vstack(
                    rx.hstack(rx.icon("clipboard-list", color=rx.color("teal", 10)), rx.text("Due today", weight="medium", size="2", color_scheme="gray"), spacing="2"),
                    rx.foreach(Q.due, _due),
                    rx.cond(Q.error != "", rx.text(Q.error, color_scheme="red", size="2")),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
                id="questionnaires-due",
            ),
        ),
    )
