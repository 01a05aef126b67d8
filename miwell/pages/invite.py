"""/invite?code=…: a psychiatrist invited by an admin sets up an approved account, once."""

import reflex as rx

from miwell.accounts.core.rules import PASSWORD_MIN_LENGTH
from miwell.accounts.states import InvitationState
from miwell.ui.layout import error_callout, field, public_page


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Join MiWell as a psychiatrist", size="5"),
            rx.text("You were invited as ", rx.text.strong(InvitationState.email), ".", size="2"),
            error_callout(InvitationState.error, id="invite-error"),
            field("Full name", "full_name", auto_complete="name", default_value=InvitationState.full_name, required=True),
            field("Phone", "phone", type="tel", auto_complete="tel", hint="UK numbers as you dial them; add +country code for others.", required=True),
            field(
                "GMC registration number",
                "registration_number",
                hint="Your 7-digit General Medical Council number.",
                input_mode="numeric",
                required=True,
            ),
            field("Password", "password", type="password", auto_complete="new-password", hint=f"At least {PASSWORD_MIN_LENGTH} characters.", required=True),
            field("Repeat the password", "confirm", type="password", auto_complete="new-password", required=True),
            rx.button("Create my account", type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=InvitationState.submit,
        reset_on_submit=False,
        width="100%",
    )


@rx.page(route="/invite", title="Your invitation · MiWell", on_load=InvitationState.on_load)
def invite() -> rx.Component:
    return public_page(
        rx.cond(
            InvitationState.loaded,
            rx.cond(
                InvitationState.problem != "",
                rx.vstack(
                    rx.heading("This link does not work", size="5"),
                    rx.callout(InvitationState.problem, icon="link-2-off", color_scheme="amber", id="invite-problem", width="100%"),
                    rx.text("Already have an account? ", rx.link("Sign in", href="/"), size="2"),
                    spacing="4",
                    width="100%",
                ),
                _form(),
            ),
            rx.center(rx.spinner(size="3"), padding="2em"),
        )
    )
