"""The psychiatrist's dashboard: their patients, those needing assistance first."""

import reflex as rx

from miwell.scheduling.states import LinkRequestsState
from miwell.ui.alerts import desktop_alerts_control
from miwell.ui.layout import signed_in_page
from miwell.ui.links import link_requests_card
from miwell.wellbeing.states import DashboardState, DashRow

TREND_COLOURS = {"drop": "red", "up": "green", "down": "red", "steady": "gray", "unknown": "gray"}


def _week(cells: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            cells,
            lambda c: rx.box(
                title=c.title,
                style={"width": "12px", "height": "12px", "borderRadius": "3px", "background": c.colour},
            ),
        ),
        spacing="1",
        aria_hidden="true",
    )


def _trend(r: DashRow) -> rx.Component:
    return rx.match(
        r.trend,
        ("drop", rx.text(r.trend_label, size="1", color_scheme="red", weight="bold", class_name="trend")),
        *[(t, rx.text(r.trend_label, size="1", color_scheme=c, class_name="trend")) for t, c in TREND_COLOURS.items() if t != "drop"],
        rx.text(r.trend_label, size="1", class_name="trend"),
    )


def _flag(r: DashRow) -> rx.Component:
    return rx.cond(
        r.alert == "urgent",
        rx.badge("Urgent", color_scheme="red", variant="solid"),
        rx.cond(r.assist, rx.badge("Needs assistance", color_scheme="amber", variant="solid")),
    )


def _missed(r: DashRow) -> rx.Component:
    return rx.cond(
        r.missed > 0,
        rx.badge("Missed ", r.missed.to_string(), rx.cond(r.missed == 1, " day", " days"), color_scheme=rx.cond(r.missed >= 3, "orange", "gray"), size="1", class_name="missed-days"),
    )


def _card(r: DashRow) -> rx.Component:
    """The same row as a card, for phones: nothing hidden off to the right."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(r.name, href="/psychiatrist/patients/" + r.id.to_string(), weight="bold", size="3"),
                _flag(r),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(
                    r.emoji != "",
                    rx.hstack(rx.text(r.emoji, aria_hidden="true", font_size="1.3em"), rx.text(r.label, weight="medium"), spacing="1", align="center"),
                    rx.text("No entries yet", color_scheme="gray", size="2"),
                ),
                rx.text("· ", r.since, size="2", color_scheme="gray"),
                _missed(r),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(_week(r.week), _trend(r), spacing="3", align="center", wrap="wrap"),
            rx.cond(
                r.unreviewed > 0,
                rx.link(r.unreviewed.to_string() + " to review", href="/psychiatrist/review", size="2"),
                rx.text("Nothing to review", size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="patient-card",
        style=rx.cond(r.assist, {"background": rx.color("amber", 2)}, {}),
    )


def _row(r: DashRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.link(r.name, href="/psychiatrist/patients/" + r.id.to_string(), weight="medium"),
                _flag(r),
                spacing="2",
                align="center",
                wrap="wrap",
            )
        ),
        rx.table.cell(
            rx.cond(
                r.emoji != "",
                rx.hstack(rx.text(r.emoji, aria_hidden="true", font_size="1.3em"), rx.text(r.label), spacing="2", align="center"),
                rx.text("—", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.vstack(_week(r.week), _trend(r), spacing="1")
        ),
        rx.table.cell(rx.vstack(rx.text(r.since), _missed(r), spacing="1")),
        rx.table.cell(rx.cond(r.unreviewed > 0, rx.badge(r.unreviewed.to_string(), variant="soft"), rx.text("—", color_scheme="gray"))),
        style=rx.cond(r.assist, {"background": rx.color("amber", 2)}, {}),
        class_name="patient-row",
    )


@signed_in_page("/psychiatrist", "My patients", role="psychiatrist", on_load=[DashboardState.load, LinkRequestsState.load])
def psychiatrist_home() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("My patients", size="7"),
            rx.hstack(
                rx.cond(
                    DashboardState.needing_assistance > 0,
                    rx.badge(DashboardState.needing_assistance.to_string() + " need assistance", color_scheme="amber", size="3"),
                ),
                rx.cond(
                    DashboardState.missed_count > 0,
                    rx.button(
                        rx.icon("calendar-x", size=15),
                        DashboardState.missed_count.to_string() + " missed 3+ days",
                        on_click=DashboardState.toggle_missed,
                        variant=rx.cond(DashboardState.missed_only, "solid", "soft"),
                        color_scheme="orange",
                        # Orange 9 under white text is under 3:1; the high-contrast solid is not.
                        high_contrast=DashboardState.missed_only,
                        size="2",
                        aria_pressed=rx.cond(DashboardState.missed_only, "true", "false"),
                        id="missed-filter",
                    ),
                ),
                rx.badge(DashboardState.rows.length().to_string() + " patients", variant="soft", size="3"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text("Patients who need assistance come first, then those who checked in most recently.", color_scheme="gray"),
        desktop_alerts_control(),
        link_requests_card(),
        rx.cond(
            DashboardState.loaded,
            rx.cond(
                DashboardState.rows.length() > 0,
                rx.fragment(
                    rx.vstack(rx.foreach(DashboardState.shown_rows, _card), spacing="3", width="100%", class_name="narrow-only", id="patient-cards"),
                    rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in ("Patient", "Last mood", "Last 7 days", "Last entry", "To review")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(DashboardState.shown_rows, _row)),
                    variant="surface",
                    width="100%",
                    id="patients-table",
                    class_name="wide-only",
                    ),
                ),
                rx.callout("No patients are assigned to you yet. New patients are assigned automatically.", icon="info", width="100%"),
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="3em"),
        ),
        spacing="4",
        width="100%",
    )
