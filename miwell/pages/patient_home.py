"""The patient's home page."""

import reflex as rx

from miwell.accounts.state import PatientHomeState
from miwell.ui.layout import signed_in_page


@signed_in_page("/patient", "Today", role="patient", on_load=PatientHomeState.load)
def patient_home() -> rx.Component:
    return rx.vstack(
        rx.heading("Hello, ", PatientHomeState.user_name, size="7"),
        rx.card(
            rx.vstack(
                rx.text("Your psychiatrist", size="2", color_scheme="gray"),
                rx.heading(PatientHomeState.psychiatrist_name, size="5", id="assigned-psychiatrist"),
                rx.hstack(
                    rx.link(PatientHomeState.psychiatrist_email, href="mailto:" + PatientHomeState.psychiatrist_email),
                    rx.text(PatientHomeState.psychiatrist_phone),
                    spacing="4",
                ),
                spacing="1",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
