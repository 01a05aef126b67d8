"""Self-registration for patients and psychiatrists."""

import reflex as rx

from miwell.accounts.core.rules import PASSWORD_MIN_LENGTH
from miwell.accounts.states import RegisterState
from miwell.ui.layout import error_callout, field, public_page


@rx.page(route="/register", title="Create an account · MiWell", on_load=RegisterState.on_load)
def register() -> rx.Component:
    return public_page(
        rx.form(
            rx.vstack(
                rx.heading("Create an account", size="5"),
                rx.vstack(
                    rx.text("I am", weight="medium", size="2"),
                    rx.segmented_control.root(
                        rx.segmented_control.item("A patient", value="patient"),
                        rx.segmented_control.item("A psychiatrist", value="psychiatrist"),
                        value=RegisterState.role,
                        on_change=RegisterState.set_role,
                        width="100%",
                        size="2",
                    ),
                    spacing="1",
                    width="100%",
                ),
                error_callout(RegisterState.error, id="register-error"),
                field("Full name", "full_name", auto_complete="name", required=True),
                field("Email", "email", type="email", auto_complete="email", required=True),
                field("Phone", "phone", type="tel", auto_complete="tel", hint="UK numbers as you dial them; add +country code for others.", required=True),
                rx.cond(
                    RegisterState.role == "psychiatrist",
                    rx.vstack(
                        field(
                            "GMC registration number",
                            "registration_number",
                            hint="Your 7-digit General Medical Council number.",
                            input_mode="numeric",
                            auto_complete="off",
                            required=True,
                        ),
                        rx.callout(
                            "An admin checks your registration before you are given any patient. "
                            "Until then you can sign in and see where your application stands.",
                            icon="shield-check",
                            color_scheme="teal",
                            size="1",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.cond(
                    RegisterState.role == "patient",
                    rx.vstack(
                        rx.text("Emergency contact", weight="bold", size="3"),
                        rx.text("Someone your psychiatrist may call if you need help.", size="1", color_scheme="gray"),
                        field("Contact's name", "emergency_contact_name", required=True),
                        field("Contact's phone", "emergency_contact_phone", type="tel", required=True),
                        spacing="2",
                        width="100%",
                    ),
                ),
                field(
                    "Password",
                    "password",
                    type="password",
                    auto_complete="new-password",
                    hint=f"At least {PASSWORD_MIN_LENGTH} characters.",
                    required=True,
                ),
                field("Repeat the password", "confirm", type="password", auto_complete="new-password", required=True),
                rx.button("Create account", type="submit", size="3", width="100%"),
                rx.text("Already registered? ", rx.link("Sign in", href="/"), size="2"),
                spacing="4",
                width="100%",
            ),
            on_submit=RegisterState.submit,
            width="100%",
        )
    )
