"""Components of the wellbeing pages: the mood picker, note and minutes, charts, entry cards."""

from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from miwell.wellbeing.core.moods import FEELINGS, MINUTES_MAX, MINUTES_STEP, MOODS, NOTE_MAX

RANGES = [("30", "30 days"), ("90", "90 days"), ("365", "A year")]


def mood_picker(selected: rx.Var, on_pick: Callable[[int], Any], size: str = "large") -> rx.Component:
    """Seven buttons, best mood first; the label is under the face and is the accessible name."""
    big = size == "large"

    def button(score: int, emoji: str, label: str, colour: str) -> rx.Component:
        chosen = selected == score
        return rx.el.button(
            rx.el.span(
                rx.icon("check", size=14, color="white"),
                class_name="mood-check",
                aria_hidden="true",
                style={
                    "position": "absolute", "top": "6px", "right": "6px", "width": "20px", "height": "20px",
                    "borderRadius": "50%", "background": colour, "alignItems": "center", "justifyContent": "center",
                },
            ),
            rx.el.span(emoji, aria_hidden="true", class_name="mood-face", style={"fontSize": "2.4em" if big else "1.7em", "lineHeight": "1.1"}),
            rx.el.span(label, style={"fontSize": "0.95em" if big else "0.8em", "fontWeight": 600}),
            type="button",
            aria_label=label,
            aria_pressed=rx.cond(chosen, "true", "false"),
            on_click=on_pick(score),
            class_name="mood-button",
            style={
                "display": "flex",
                "position": "relative",
                "flexDirection": "column",
                "alignItems": "center",
                "gap": "0.3em",
                "minHeight": "44px",
                "minWidth": "0",
                "padding": "0.7em 0.1em" if big else "0.5em 0.1em",
                "borderRadius": "14px",
                "cursor": "pointer",
                "width": "100%",
                "color": rx.color("gray", 12),
                "border": rx.cond(chosen, f"3px solid {colour}", f"2px solid {rx.color('gray', 5)}"),
                "background": rx.cond(chosen, f"{colour}33", rx.color("gray", 1)),
                "boxShadow": rx.cond(chosen, f"0 0 0 3px {colour}44", "none"),
                "transition": "transform 80ms ease, background 120ms ease",
                "_hover": {"transform": "translateY(-2px)", "borderColor": colour},
            },
        )

    return rx.grid(
        *[button(m.score, m.emoji, m.label, m.colour) for m in MOODS],
        columns=rx.breakpoints(initial="4", sm="7"),
        spacing="2",
        width="100%",
        role="group",
        aria_label="How are you feeling today?",
    )


def feeling_chips(chosen: rx.Var, on_toggle: Callable[[str], Any], id: str = "feelings") -> rx.Component:
    """Optional feelings, several at once: what kind of day it is, beside how good or bad."""

    def chip(key: str, label: str) -> rx.Component:
        on = chosen.contains(key)
        return rx.el.button(
            rx.cond(on, rx.icon("check", size=14), rx.fragment()),
            label,
            type="button",
            aria_pressed=rx.cond(on, "true", "false"),
            on_click=on_toggle(key),
            class_name="feeling-chip",
            style={
                "display": "inline-flex",
                "alignItems": "center",
                "gap": "0.3em",
                "minHeight": "44px",
                "padding": "0.35em 0.9em",
                "borderRadius": "999px",
                "cursor": "pointer",
                "fontSize": "0.9em",
                "fontWeight": 500,
                "color": rx.cond(on, rx.color("teal", 12), rx.color("gray", 12)),
                "border": rx.cond(on, f"2px solid {rx.color('teal', 9)}", f"1px solid {rx.color('gray', 7)}"),
                "background": rx.cond(on, rx.color("teal", 3), rx.color("gray", 1)),
            },
        )

    # Folded by default so that a check-in stays two taps; open when some are chosen.
    return rx.el.details(
        rx.el.summary(
            rx.text(
                "Add feelings (optional)",
                rx.cond(chosen.length() > 0, " · " + chosen.length().to_string() + " chosen", ""),
                weight="medium",
                size="2",
                as_="span",
            ),
            style={"cursor": "pointer", "padding": "0.5em 0", "minHeight": "44px", "display": "flex", "alignItems": "center"},
        ),
        rx.flex(*[chip(f.key, f.label) for f in FEELINGS], wrap="wrap", gap="0.5em", role="group", aria_label="Feelings", padding_top="0.3em"),
        open=chosen.length() > 0,
        id=id,
        style={"width": "100%"},
    )


def note_box(value: rx.Var, on_change: Any, length: rx.Var, too_long: rx.Var, id: str = "note") -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label("A note, if you like", html_for=id, style={"fontWeight": 500, "fontSize": "0.95em"}),
            rx.text(
                length.to_string() + f"/{NOTE_MAX}",
                size="1",
                color_scheme=rx.cond(too_long, "red", "gray"),
                weight=rx.cond(too_long, "bold", "regular"),
                id=f"{id}-counter",
                aria_live="polite",
            ),
            justify="between",
            width="100%",
        ),
        rx.text_area(
            id=id,
            value=value,
            on_change=on_change,
            placeholder="What is on your mind today?",
            rows="3",
            width="100%",
            size="3",
            color_scheme=rx.cond(too_long, "red", "gray"),
        ),
        spacing="1",
        width="100%",
    )


def minutes_slider(value: rx.Var, on_change: Any, key: rx.Var, id: str = "minutes", label: str = "Mindfulness minutes today") -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label(label, html_for=id, style={"fontWeight": 500, "fontSize": "0.95em"}),
            rx.badge(value.to_string() + " min", size="2", variant="soft", id=f"{id}-value"),
            justify="between",
            width="100%",
        ),
        rx.slider(
            id=id,
            key=key.to_string(),
            default_value=[value],
            on_change=on_change,
            min=0,
            max=MINUTES_MAX,
            step=MINUTES_STEP,
            size="3",
            width="100%",
            aria_label="Mindfulness minutes",
        ),
        rx.hstack(rx.text("0", size="1", color_scheme="gray"), rx.text(f"{MINUTES_MAX}", size="1", color_scheme="gray"), justify="between", width="100%"),
        spacing="2",
        width="100%",
    )


def range_picker(days: rx.Var, on_change: Any) -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(label, value=value) for value, label in RANGES],
        value=days.to_string(),
        on_change=on_change,
        size="1",
        aria_label="Range of the chart",
    )


def mood_chart(figure: rx.Var, days: rx.Var, on_range: Any, id: str = "mood-chart") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Mood over time", size="4"),
                range_picker(days, on_range),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.box(
                rx.plotly.basic(
                    data=figure,
                    config={"displayModeBar": False, "responsive": True},
                    use_resize_handler=True,
                    style={"width": "100%", "height": "340px"},
                ),
                width="100%",
                id=id,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def pixel_grid(cells: rx.Var, streak: rx.Var, on_pick: Any = None, picked: rx.Var | None = None) -> rx.Component:
    """A year of days, a column per week; each square's colour is that day's mood.

    On a phone the grid is wider than the screen; the page scrolls it to the recent weeks when it
    opens (assets/miwell.js), and tapping a square names its day below the grid.
    """
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Year in pixels", size="4"),
                rx.badge(
                    rx.text("🔥", aria_hidden="true"),
                    rx.cond(streak == 1, "1 day in a row", streak.to_string() + " days in a row"),
                    color_scheme="orange",
                    size="2",
                    id="streak",
                ),
                justify="between",
                align="center",
                width="100%",
            ),
            rx.box(
                rx.box(
                    rx.foreach(
                        cells,
                        lambda c: rx.box(
                            title=c.title,
                            aria_label=c.title,
                            role=rx.cond(c.title != "", "img", "presentation"),
                            on_click=on_pick(c.title) if on_pick is not None else None,
                            class_name="pixel-day",
                            data_day=c.day,
                            style={"width": "14px", "height": "14px", "borderRadius": "3px", "background": c.colour, "cursor": "pointer"},
                        ),
                    ),
                    style={
                        "display": "grid",
                        "gridTemplateRows": "repeat(7, 14px)",
                        "gridAutoFlow": "column",
                        "gridAutoColumns": "14px",
                        "gap": "4px",
                    },
                    id="year-pixels",
                ),
                overflow_x="auto",
                width="100%",
                padding_bottom="0.3em",
                id="year-pixels-scroll",
                tab_index=0,  # a scrolling region must be reachable by keyboard too
                role="region",
                aria_label="Year in pixels: a column per week, scroll for earlier weeks",
            ),
            rx.text(
                rx.cond(picked != "", picked, "Tap a square to see its day.") if picked is not None else "",
                size="2",
                color_scheme="gray",
                id="picked-day",
                aria_live="polite",
            ),
            rx.hstack(
                *[
                    rx.hstack(
                        rx.box(style={"width": "12px", "height": "12px", "borderRadius": "3px", "background": m.colour}),
                        rx.text(m.label, size="1", color_scheme="gray"),
                        spacing="1",
                        align="center",
                    )
                    for m in MOODS
                ],
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def mood_face(emoji: rx.Var, label: rx.Var, colour: rx.Var, size: str = "1.8em") -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.text(emoji, font_size=size, aria_hidden="true", line_height="1"),
            style={"width": "2.2em", "height": "2.2em", "borderRadius": "50%", "background": colour + "40"},
        ),
        rx.text(label, weight="bold"),
        spacing="2",
        align="center",
    )


def risk_badge(level: rx.Var, routine: bool = False) -> rx.Component:
    """The entry's level for clinicians; ``routine`` also labels the entries with no risk."""
    return rx.match(
        level,
        ("urgent", rx.badge(rx.icon("siren", size=12), "Urgent", color_scheme="red", variant="solid", class_name="risk-level")),
        ("watch", rx.badge(rx.icon("eye", size=12), "Watch", color_scheme="amber", variant="soft", class_name="risk-level")),
        rx.badge("Routine", color_scheme="gray", variant="outline", class_name="risk-level") if routine else rx.fragment(),
    )


def replies_list(replies: rx.Var, hide_mine: bool = False) -> rx.Component:
    """Replies beside an entry; the writer's own is hidden where their reply box shows it."""

    def reply(r: rx.Var) -> rx.Component:
        card = rx.box(
            rx.hstack(
                rx.icon("message-circle-heart", size=16, color=rx.color("teal", 10)),
                rx.text(r.author, weight="bold", size="2"),
                rx.text(r.when, size="1", color_scheme="gray"),
                spacing="2",
                align="center",
            ),
            rx.text(r.body, size="2", margin_top="0.2em"),
            padding="0.6em 0.8em",
            border_radius="10px",
            background=rx.color("teal", 2),
            border_left=f"3px solid {rx.color('teal', 8)}",
            width="100%",
            class_name="entry-reply",
        )
        return rx.cond(r.mine, rx.fragment(), card) if hide_mine else card

    return rx.foreach(replies, reply)


def versions_list(versions: rx.Var) -> rx.Component:
    return rx.cond(
        versions.length() > 0,
        rx.el.details(
            rx.el.summary(
                rx.text("Edited · ", versions.length().to_string(), " earlier version(s)", size="1", color_scheme="gray", as_="span"),
                style={"cursor": "pointer"},
            ),
            rx.vstack(
                rx.foreach(
                    versions,
                    lambda v: rx.box(
                        rx.hstack(
                            rx.text(v.emoji, aria_hidden="true"),
                            rx.text(v.label, weight="medium", size="2"),
                            rx.cond(v.feelings != "", rx.text(v.feelings, size="1", color_scheme="gray")),
                            rx.text(v.minutes.to_string() + " min", size="1", color_scheme="gray"),
                            rx.text("saved ", v.saved, ", replaced ", v.replaced, size="1", color_scheme="gray"),
                            spacing="2",
                            align="center",
                            wrap="wrap",
                        ),
                        rx.cond(v.note != "", rx.text(v.note, size="2", color_scheme="gray", style={"textDecoration": "line-through"})),
                        padding="0.4em 0.6em",
                        border_radius="8px",
                        background=rx.color("gray", 3),
                        width="100%",
                    ),
                ),
                spacing="2",
                width="100%",
                margin_top="0.4em",
            ),
            class_name="entry-versions",
        ),
    )


def entry_body(e: rx.Var, show_risk: bool = True) -> rx.Component:
    """Day, mood, minutes and note of an entry row (EntryRow or FeedRow).

    Risk levels are for clinicians: a patient reading "urgent" on their own day helps nobody.
    """
    return rx.vstack(
        rx.hstack(
            mood_face(e.emoji, e.label, e.colour),
            rx.vstack(
                rx.text(e.day, weight="medium", size="2"),
                rx.text(e.minutes.to_string() + " mindful minutes", size="1", color_scheme="gray"),
                spacing="0",
            ),
            risk_badge(e.risk) if show_risk else rx.fragment(),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            e.feelings.length() > 0,
            rx.flex(
                rx.foreach(e.feelings, lambda f: rx.badge(f, variant="soft", color_scheme="teal", radius="full")),
                wrap="wrap",
                gap="0.35em",
                class_name="entry-feelings",
            ),
        ),
        rx.cond(
            e.note != "",
            rx.text(e.note, size="3", style={"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}),
            rx.text("No note.", size="2", color_scheme="gray", style={"fontStyle": "italic"}),
        ),
        # The screener's answers are for the clinician (the patient gave them moments ago).
        rx.cond(
            e.screener != "",
            rx.text(e.screener, size="2", weight="medium", color=rx.color("red", 11), class_name="entry-screener"),
        )
        if show_risk
        else rx.fragment(),
        spacing="2",
        width="100%",
    )


def reply_form(entry_id: rx.Var, existing: rx.Var, on_submit: Any) -> rx.Component:
    """An uncontrolled reply box: nothing is sent until the psychiatrist saves."""
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="entry_id", value=entry_id.to_string()),
            rx.text_area(
                name="body",
                default_value=existing,
                placeholder="Write a short reply the patient will see",
                max_length=280,
                rows="2",
                width="100%",
                aria_label="Your reply",
            ),
            rx.hstack(
                rx.text("Up to 280 characters.", size="1", color_scheme="gray"),
                rx.button(rx.cond(existing != "", "Update reply", "Reply"), type="submit", size="2", variant="soft"),
                justify="between",
                align="center",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        key=entry_id.to_string() + ":" + existing,
        width="100%",
    )
