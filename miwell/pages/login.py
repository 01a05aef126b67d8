"""Sign-in page, the app's front door."""

import reflex as rx

from miwell.accounts.states import LoginState
from miwell.ui.layout import error_callout, field, public_page


@rx.page(route="/", title="Sign in · MiWell", on_load=LoginState.on_load)
def login() -> rx.Component:
    return public_page(
        rx.form(
            rx.vstack(
                rx.heading("Sign in", size="5"),
                rx.cond(
                    LoginState.notice != "",
                    rx.callout(LoginState.notice, icon="info", color_scheme="teal", id="login-notice", width="100%"),
                ),
                error_callout(LoginState.error, id="login-error"),
                field("Email", "email", type="email", auto_complete="username", required=True),
                field("Password", "password", type="password", auto_complete="current-password", required=True),
                rx.button("Sign in", type="submit", size="3", width="100%"),
                rx.text(
                    "New here? ",
                    rx.link("Create an account", href="/register"),
                    size="2",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        )
    )
