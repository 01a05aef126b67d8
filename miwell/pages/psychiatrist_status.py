"""The one page of a psychiatrist who is not (or no longer) approved: where their account stands."""

import reflex as rx

from miwell.accounts.core.rules import STATUS_PAGE
from miwell.accounts.states import STATUS_PAGE_ROLE, StandingState
from miwell.ui.layout import signed_in_page


def _panel(icon: str, colour: str, title: str, *body: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=28, color=rx.color(colour, 10)), rx.heading(title, size="6"), spacing="3", align="center"),
            *body,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="standing-panel",
    )


@signed_in_page(STATUS_PAGE, "Your account", role=STATUS_PAGE_ROLE, on_load=StandingState.load)
def psychiatrist_status() -> rx.Component:
    return rx.center(
        rx.box(
            rx.match(
                StandingState.standing,
                (
                    "pending",
                    _panel(
                        "hourglass",
                        "amber",
                        "Your account awaits approval",
                        rx.text(
                            "Thank you for signing up. Before MiWell gives you any patient, an admin checks your "
                            "registration with the General Medical Council.",
                            size="3",
                        ),
                        rx.text("GMC number you gave: ", rx.text.strong(StandingState.registration_number), size="2"),
                        rx.text(
                            "You will see your patients here as soon as you are approved; nothing else is open until then.",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                ),
                (
                    "rejected",
                    _panel(
                        "circle-x",
                        "gray",
                        "Your application was not approved",
                        rx.text("The reason given: ", rx.text.em(StandingState.reason), size="3"),
                        rx.text("If you think this is a mistake, contact the clinic's MiWell admin.", size="2", color_scheme="gray"),
                    ),
                ),
                (
                    "suspended",
                    _panel(
                        "shield-off",
                        "red",
                        "Your account is suspended",
                        rx.text("The reason given: ", rx.text.em(StandingState.reason), size="3"),
                        rx.text(
                            "Your patients have been handed to a colleague. Contact the clinic's MiWell admin.",
                            size="2",
                            color_scheme="gray",
                        ),
                    ),
                ),
                (
                    "approved",
                    _panel(
                        "circle-check",
                        "teal",
                        "Your account is approved",
                        rx.text("Your patients are waiting on your home page.", size="3"),
                        rx.link(rx.button("Open my patients", size="3"), href="/psychiatrist"),
                    ),
                ),
                (
                    "signed out",
                    _panel(
                        "log-in",
                        "teal",
                        "Please sign in again",
                        rx.text(
                            "Your account has changed (an admin may have approved it), so this session ended. "
                            "Sign in again to continue; a clinician's account first sets up two-step sign-in.",
                            size="3",
                        ),
                        rx.link(rx.button("Sign in", size="3"), href="/"),
                    ),
                ),
                rx.spinner(size="3"),
            ),
            max_width="620px",
            width="100%",
            margin_top="2em",
        ),
        width="100%",
    )
