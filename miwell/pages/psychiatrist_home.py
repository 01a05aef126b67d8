"""The psychiatrist's home page: their patients."""

import reflex as rx

from miwell.accounts.state import PsychiatristHomeState
from miwell.ui.layout import signed_in_page


def _patient_row(p: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(p["name"], weight="medium"),
                rx.cond(p["assist"] != "", rx.badge("Needs assistance", color_scheme="red")),
                spacing="2",
            )
        ),
        rx.table.cell(p["email"]),
        rx.table.cell(p["phone"]),
        rx.table.cell(p["contact"]),
        rx.table.cell(p["since"]),
    )


@signed_in_page("/psychiatrist", "My patients", role="psychiatrist", on_load=PsychiatristHomeState.load)
def psychiatrist_home() -> rx.Component:
    return rx.vstack(
        rx.heading("My patients", size="7"),
        rx.text("Patients who need assistance come first.", color_scheme="gray"),
        rx.cond(
            PsychiatristHomeState.patients.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(h) for h in ("Patient", "Email", "Phone", "Emergency contact", "Registered")]
                    )
                ),
                rx.table.body(rx.foreach(PsychiatristHomeState.patients, _patient_row)),
                variant="surface",
                width="100%",
                id="patients-table",
            ),
            rx.callout("No patients are assigned to you yet. New patients are assigned automatically.", icon="info", width="100%"),
        ),
        spacing="4",
        width="100%",
    )
