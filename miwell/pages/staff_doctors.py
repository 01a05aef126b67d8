"""Doctors of the staff member's organisation: search, list, add."""

import reflex as rx

from miwell.scheduling.states import DoctorsState
from miwell.ui.clinic import colour_picker, search_box, section_card, swatch
from miwell.ui.layout import error_callout, field, signed_in_page


def _doctor_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(swatch(row["colour"]), rx.link(row["name"], href=row["href"], weight="medium"), align="center", spacing="2")
        ),
        rx.table.cell(row["speciality"]),
        rx.table.cell(row["account"]),
        rx.table.cell(rx.link(rx.button("Agendas and booking", size="1", variant="soft"), href=row["href"])),
    )


def _doctor_list() -> rx.Component:
    return rx.vstack(
        search_box(DoctorsState.search, DoctorsState.set_search, "Search by name or speciality", "doctor-search"),
        rx.cond(
            DoctorsState.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Doctor", "Speciality", "MiWell account", "")])
                ),
                rx.table.body(rx.foreach(DoctorsState.rows, _doctor_row)),
                variant="surface",
                width="100%",
                id="doctors-table",
            ),
            rx.callout(
                rx.cond(DoctorsState.search != "", "No doctor matches that search.", "No doctors yet. Add the first one."),
                icon="info",
                color_scheme="gray",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _new_doctor_form() -> rx.Component:
    return section_card(
        "New doctor",
        rx.form(
            rx.vstack(
                error_callout(DoctorsState.error, id="doctor-error"),
                field("Full name", "full_name", placeholder="Dr Jane Doe"),
                field("Speciality", "speciality", placeholder="Adult psychiatry"),
                colour_picker("colour", DoctorsState.suggested),
                field(
                    "Psychiatrist's MiWell account (optional)",
                    "psychiatrist_email",
                    type="email",
                    hint="Its owner is asked to confirm in MiWell; the record is linked once they accept.",
                ),
                rx.button("Add doctor", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=DoctorsState.create,
            key=DoctorsState.form_key,
        ),
    )


@signed_in_page("/staff/doctors", "Doctors", role="staff", on_load=DoctorsState.load)
def staff_doctors() -> rx.Component:
    return rx.vstack(
        rx.heading("Doctors", size="7"),
        rx.grid(
            _doctor_list(),
            _new_doctor_form(),
            columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(300px, 2fr)"),
            spacing="4",
            align="start",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
