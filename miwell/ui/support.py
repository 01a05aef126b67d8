"""Crisis support the patient can reach from anywhere: numbers to call, one tap each."""

from __future__ import annotations

import reflex as rx

from miwell.wellbeing.states.support import CrisisState, LineRow

NOW_LINE = "You are not alone, and you do not have to wait for your next appointment."


def _line(line: LineRow) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(line.name, weight="bold", size="3"),
            rx.cond(line.detail != "", rx.text(line.detail, size="2", color_scheme="gray")),
            spacing="0",
            flex="1",
            min_width="12em",
        ),
        # One element: a link styled as a button (a button inside a link is two controls in one).
        # Its name starts with what it shows, as speech input expects.
        rx.button(
            rx.el.a(
                rx.icon("phone", size=18),
                "Call " + line.phone,
                href="tel:" + line.dial,
                aria_label="Call " + line.phone + ", " + line.name,
                class_name="crisis-call",
            ),
            as_child=True,
            size="3",
            color_scheme="red",
            variant="solid",
        ),
        justify="between",
        align="center",
        width="100%",
        wrap="wrap",
        spacing="3",
        padding_y="0.5em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def crisis_lines(id: str = "crisis-lines") -> rx.Component:
    return rx.vstack(rx.foreach(CrisisState.lines, _line), spacing="0", width="100%", id=id)


def crisis_panel(id: str = "crisis-support", intro: str = "Your psychiatrist has been told. If you need help now:") -> rx.Component:
    """Shown at once after words or answers that put a patient at risk: what to do now."""
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon("heart-handshake", color=rx.color("red", 10), size=24),
                rx.heading("Help is there, now", size="4"),
                spacing="2",
                align="center",
            ),
            rx.text(intro, size="3"),
            crisis_lines(id=id + "-lines"),
            rx.text(NOW_LINE, size="2", color_scheme="gray"),
            spacing="3",
            width="100%",
        ),
        id=id,
        role="alert",
        padding="1em 1.1em",
        border_radius="12px",
        background=rx.color("red", 2),
        border=f"2px solid {rx.color('red', 8)}",
        width="100%",
    )


def need_help_button() -> rx.Component:
    """Opens in the browser alone: the lines are already on the page."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("life-buoy", size=16),
                rx.text("Need help now?", display=rx.breakpoints(initial="none", xs="inline")),
                rx.text("Help", display=rx.breakpoints(initial="inline", xs="none")),
                color_scheme="red",
                variant="soft",
                size="2",
                id="need-help",
                aria_label="Need help now? Numbers to call",
            )
        ),
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title("Need help now?"),
                rx.dialog.description("If you are in danger, call 999 or go to A&E now. Otherwise, any of these will listen:"),
                crisis_lines(id="need-help-lines"),
                rx.text(NOW_LINE, size="2", color_scheme="gray"),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray", size="3")),
                spacing="3",
                width="100%",
            ),
            max_width="32em",
            id="need-help-dialog",
        ),
    )
