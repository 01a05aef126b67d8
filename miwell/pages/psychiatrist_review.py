"""Entries the psychiatrist has not reviewed yet, oldest first: reply and mark reviewed."""

import reflex as rx

from miwell.ui.layout import signed_in_page
from miwell.ui.wellbeing import entry_body, reply_form
from miwell.wellbeing.state import FeedRow, ReviewState


def _item(i: FeedRow) -> rx.Component:
    return rx.card(
        rx.grid(
            rx.vstack(
                rx.hstack(
                    rx.link(i.patient, href="/psychiatrist/patients/" + i.patient_id.to_string(), weight="bold", size="3"),
                    rx.cond(i.edited, rx.badge("Edited", variant="soft", color_scheme="gray")),
                    spacing="2",
                    align="center",
                ),
                entry_body(i),
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
    )


@signed_in_page("/psychiatrist/review", "To review", role="psychiatrist", on_load=ReviewState.load)
def psychiatrist_review() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("To review", size="7"),
            rx.badge(ReviewState.total.to_string() + " unreviewed", variant="soft", size="3"),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.text("Your patients' entries you have not reviewed yet, oldest first. An edited entry comes back here.", color_scheme="gray"),
        rx.cond(
            ReviewState.loaded,
            rx.cond(
                ReviewState.items.length() > 0,
                rx.vstack(
                    rx.foreach(ReviewState.items, _item),
                    rx.cond(
                        ReviewState.items.length() < ReviewState.total,
                        rx.text(
                            "Showing the oldest ",
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
