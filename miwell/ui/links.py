"""The card where a patient or psychiatrist confirms or declines a clinic's link request."""

from __future__ import annotations

import reflex as rx

from miwell.scheduling.states import LinkRequestCard, LinkRequestsState


def _request(r: LinkRequestCard) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.text(
                rx.text.strong(r.organisation),
                rx.cond(
                    r.kind == "patient",
                    " asks to link its patient record “",
                    " asks to link its doctor record “",
                ),
                r.record_name,
                "” to your MiWell account (asked ",
                r.requested,
                ").",
                size="2",
            ),
            rx.text(
                rx.cond(
                    r.kind == "patient",
                    "If you accept, your appointments with them show in MiWell. Your mood entries stay private to your psychiatrist.",
                    "If you accept, their calendar knows this record is you.",
                ),
                size="1",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.button("Accept", size="2", on_click=LinkRequestsState.answer(r.id, True), aria_label="Accept the link from " + r.organisation),
                rx.button("Decline", size="2", variant="soft", color_scheme="gray", on_click=LinkRequestsState.answer(r.id, False), aria_label="Decline the link from " + r.organisation),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        padding="0.8em",
        border_radius="10px",
        background=rx.color("teal", 2),
        border=f"1px solid {rx.color('teal', 6)}",
        width="100%",
        class_name="link-request",
    )


def link_requests_card() -> rx.Component:
    """Nothing at all when no clinic is asking."""
    return rx.cond(
        LinkRequestsState.requests.length() > 0,
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("link", size=18), rx.heading("A clinic wants to link your account", size="4"), spacing="2", align="center"),
                rx.foreach(LinkRequestsState.requests, _request),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="link-requests",
        ),
    )
