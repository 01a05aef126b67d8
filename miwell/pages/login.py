"""Sign-in page, the app's front door: the password, then (for two-step sign-in) a code."""

import reflex as rx

from miwell.accounts.states import LoginState
from miwell.ui.layout import error_callout, field, public_page

_MONO = {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, monospace", "letterSpacing": "0.05em"}


def _notice() -> rx.Component:
    return rx.cond(
        LoginState.notice != "",
        rx.callout(LoginState.notice, icon="info", color_scheme="teal", id="login-notice", width="100%"),
    )


def _password_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Sign in", size="5"),
            _notice(),
            error_callout(LoginState.error, id="login-error"),
            field("Email", "email", type="email", auto_complete="username", required=True),
            field("Password", "password", type="password", auto_complete="current-password", required=True),
            rx.button("Sign in", type="submit", size="3", width="100%"),
            rx.text("New here? ", rx.link("Create an account", href="/register"), size="2"),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.submit,
        width="100%",
    )


def _code_form(button: str) -> rx.Component:
    return rx.form(
        rx.vstack(
            error_callout(LoginState.code_error, id="code-error"),
            field("Code", "code", auto_complete="one-time-code", required=True, auto_focus=True, style=_MONO),
            rx.button(button, type="submit", size="3", width="100%"),
            rx.button("Start again", type="button", variant="ghost", size="2", on_click=LoginState.cancel),
            spacing="3",
            width="100%",
        ),
        on_submit=LoginState.submit_code,
        reset_on_submit=True,
        width="100%",
    )


def _code_step() -> rx.Component:
    return rx.vstack(
        rx.el.span(id="login-step-code", style={"display": "none"}),
        rx.heading("Two-step sign-in", size="5"),
        rx.text("Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.", size="2"),
        _code_form("Continue"),
        spacing="3",
        width="100%",
    )


def _enrol_step() -> rx.Component:
    return rx.vstack(
        rx.el.span(id="login-step-enrol", style={"display": "none"}),
        rx.heading("Set up two-step sign-in", size="5"),
        _notice(),
        rx.text(
            "Your role needs a second step when you sign in, so that a password alone never opens patients' records. "
            "Scan this code with an authenticator app on your phone, or type the key into it by hand.",
            size="2",
        ),
        rx.center(rx.image(src=LoginState.qr, alt="QR code to add MiWell to your authenticator app", width="200px", height="200px", id="totp-qr"), width="100%"),
        rx.text("Key: ", rx.text(LoginState.secret_text, as_="span", id="totp-secret", style=_MONO), size="2", style={"wordBreak": "break-word"}),
        rx.text("Then enter the 6-digit code the app shows.", size="2"),
        _code_form("Turn on and continue"),
        spacing="3",
        width="100%",
    )


def _codes_step() -> rx.Component:
    return rx.vstack(
        rx.heading("Your recovery codes", size="5"),
        rx.callout(
            "If you lose your phone, each code signs you in once. Keep them somewhere safe, away from your phone: "
            "they are not shown again.",
            icon="key_round",
            color_scheme="amber",
            width="100%",
        ),
        rx.grid(
            rx.foreach(LoginState.recovery_codes, lambda c: rx.text(c, size="3", style=_MONO, class_name="recovery-code")),
            columns="2",
            spacing="2",
            width="100%",
            id="recovery-codes",
        ),
        rx.button("I have kept them: continue", size="3", width="100%", on_click=LoginState.finish),
        spacing="3",
        width="100%",
    )


@rx.page(route="/", title="Sign in · MiWell", on_load=LoginState.on_load)
def login() -> rx.Component:
    return public_page(
        rx.match(
            LoginState.step,
            ("code", _code_step()),
            ("enrol", _enrol_step()),
            ("codes", _codes_step()),
            _password_step(),
        )
    )
