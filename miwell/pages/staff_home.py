"""The clinic desk: the home page of clinic staff."""

import reflex as rx

from miwell.accounts.state import StaffHomeState
from miwell.ui.layout import signed_in_page
from miwell.ui.tables import data_table


@signed_in_page("/staff", "Clinic desk", role="staff", on_load=StaffHomeState.load)
def staff_home() -> rx.Component:
    return rx.vstack(
        rx.heading("Clinic desk", size="7"),
        rx.text("Psychiatrists of MiWell and how many patients each looks after.", color_scheme="gray"),
        data_table(
            StaffHomeState.psychiatrists,
            [("Psychiatrist", "name"), ("Email", "email"), ("Phone", "phone"), ("Patients", "patients")],
            "No psychiatrist has registered yet.",
            id="psychiatrists-table",
        ),
        spacing="4",
        width="100%",
    )
