"""Clinic patients: the people cared for. Search, add, edit, delete."""

import reflex as rx

from miwell.scheduling.states import PatientsState
from miwell.ui.clinic import confirm_dialog, search_box
from miwell.ui.layout import error_callout, field, signed_in_page

S = PatientsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["name"], weight="medium"),
                rx.cond(row["born"] != "", rx.text("Born ", row["born"], size="1", color_scheme="gray", white_space="nowrap")),
                rx.cond(
                    row["no_shows"] != "",
                    rx.badge(row["no_shows"], color_scheme="orange", variant="soft", size="1", class_name="no-shows"),
                ),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["phone_text"], white_space="nowrap"),
                rx.cond(row["email"] != "", rx.text(row["email"], size="1", color_scheme="gray")),
                spacing="0",
            )
        ),
        rx.table.cell(row["account_text"]),
        rx.table.cell(
            rx.hstack(
                rx.button("Edit", size="1", variant="soft", on_click=S.edit(row["id"]), aria_label="Edit " + row["name"]),
                rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=S.ask_delete(row["id"]), aria_label="Delete " + row["name"]),
                spacing="1",
                wrap="nowrap",
            ),
            white_space="nowrap",
        ),
    )


def _list() -> rx.Component:
    return rx.vstack(
        search_box(S.search, S.set_search, "Search by name, email or phone", "patient-search"),
        rx.cond(
            S.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[rx.table.column_header_cell(h) for h in ("Patient", "Phone and email", "MiWell account", "")]
                        )
                    ),
                    rx.table.body(rx.foreach(S.rows, _row)),
                    variant="surface",
                    width="100%",
                    id="patients-table",
                ),
                class_name="table-scroll",
            ),
            rx.callout(
                rx.cond(S.search != "", "No patient matches that search.", "No patients yet. Add the first one."),
                icon="info",
                color_scheme="gray",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _form() -> rx.Component:
    editing = S.editing.contains("id")
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(editing, "Edit patient", "New patient"), size="4"),
                error_callout(S.error, id="patient-error"),
                field("Full name", "full_name", default_value=S.editing.get("name", "")),
                field("Date of birth (optional)", "date_of_birth", type="date", default_value=S.editing.get("born", "")),
                field("Phone (optional)", "phone", type="tel", default_value=S.editing.get("phone", ""),
                      hint="UK numbers as you dial them; add +country code for others."),  # fmt: skip
                field("Email (optional)", "email", type="email", default_value=S.editing.get("email", "")),
                field("Patient's MiWell account (optional)", "account_email", type="email", default_value=S.editing.get("account", ""),
                      hint="Its owner is asked to confirm in MiWell; the record is linked once they accept."),  # fmt: skip
                rx.hstack(
                    rx.button(rx.cond(editing, "Save patient", "Add patient"), type="submit"),
                    rx.cond(editing, rx.button("Stop editing", variant="soft", color_scheme="gray", type="button", on_click=S.new)),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save,
            key=S.form_key,
        ),
        width="100%",
    )


@signed_in_page("/staff/patients", "Patients", role="staff", on_load=PatientsState.load)
def staff_patients() -> rx.Component:
    return rx.vstack(
        rx.heading("Patients", size="7"),
        rx.grid(_list(), _form(), columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(300px, 2fr)"), spacing="4", align="start", width="100%"),
        confirm_dialog(
            S.delete_open,
            S.set_delete_open,
            "Delete this patient record?",
            rx.text(
                rx.text.strong(S.delete_name),
                " and their past and cancelled appointments are deleted. Upcoming appointments must be cancelled first.",
            ),
            S.delete_error,
            "Delete for good",
            S.confirm_delete,
        ),
        spacing="4",
        width="100%",
    )


