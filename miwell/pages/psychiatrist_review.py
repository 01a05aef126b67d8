"""Entries the psychiatrist has not reviewed yet, most urgent first, then oldest: reply and mark reviewed."""

import reflex as rx

from miwell.ui.layout import signed_in_page
from miwell.ui.wellbeing import entry_body, reply_form, risk_badge
from miwell.wellbeing.states import FeedRow, ReviewState


def _item(i: FeedRow) -> rx.Component:
    return rx.card(
        rx.grid(
            rx.vstack(
                rx.hstack(
                    risk_badge(i.risk, routine=True),
                    rx.link(i.patient, href="/psychiatrist/patients/" + i.patient_id.to_string(), weight="bold", size="3"),
                    rx.cond(i.edited, rx.badge("Edited", variant="soft", color_scheme="gray")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                entry_body(i, show_risk=False),
                spacing="2",
                width="100%",
            ),
            rx.vstack(
                reply_form(i.id, i.my_reply, ReviewState.save_reply),
                rx.button(
                    rx.icon("check", size=14),
                    "Mark reviewed",
                    variant="outline",
                    size="2",
                    on_click=ReviewState.mark_reviewed(i.id),
                ),
                spacing="2",
                align="end",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        class_name="review-item",
        data_level=i.risk,
        style=rx.match(
            i.risk,
            ("urgent", {"borderLeft": f"6px solid {rx.color('red', 9)}"}),
            ("watch", {"borderLeft": f"6px solid {rx.color('amber', 9)}"}),
            {},
        ),
    )


@signed_in_page("/psychiatrist/review", "To review", role="psychiatrist", on_load=ReviewState.load)
def psychiatrist_review() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("To review", size="7"),
            rx.hstack(
                rx.cond(
                    ReviewState.urgent > 0,
                    rx.badge(rx.icon("siren", size=14), ReviewState.urgent.to_string() + " urgent", color_scheme="red", variant="solid", size="3"),
                ),
                rx.cond(
                    ReviewState.watch > 0,
                    rx.badge(rx.icon("eye", size=14), ReviewState.watch.to_string() + " watch", color_scheme="amber", size="3"),
                ),
                rx.badge(ReviewState.total.to_string() + " unreviewed", variant="soft", size="3"),
                spacing="2",
                wrap="wrap",
                id="review-counts",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.text(
            "Your patients' entries you have not reviewed yet: urgent first, then watch, then the rest, oldest first "
            "within each. An edited entry comes back here.",
            color_scheme="gray",
        ),
        rx.cond(
            ReviewState.loaded,
            rx.cond(
                ReviewState.items.length() > 0,
                rx.vstack(
                    rx.foreach(ReviewState.items, _item),
                    rx.cond(
                        ReviewState.items.length() < ReviewState.total,
                        rx.text(
                            "Showing the first ",
                            ReviewState.items.length().to_string(),
                            ". Mark these reviewed to see the next ones.",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                    id="review-feed",
                ),
                rx.callout("All caught up: every entry is reviewed.", icon="circle-check", color_scheme="green", width="100%"),
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="3em"),
        ),
        spacing="4",
        width="100%",
    )
