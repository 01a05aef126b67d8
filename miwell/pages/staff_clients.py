"""Clients: who books and is responsible, possibly the patient themself."""

import reflex as rx

from miwell.scheduling.states import ClientsState
from miwell.ui.clinic import search_box, select_field
from miwell.ui.layout import error_callout, field, signed_in_page

S = ClientsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(row["name"], weight="medium"),
                rx.cond(row["self"] != "", rx.badge("The patient themself", variant="soft", color_scheme="teal")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["phone_text"], white_space="nowrap"),
                rx.cond(row["email"] != "", rx.text(row["email"], size="1", color_scheme="gray")),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.button("Edit", size="1", variant="soft", on_click=S.edit(row["id"])),
                rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=S.delete(row["id"])),
                spacing="1",
                wrap="nowrap",
            ),
            white_space="nowrap",
        ),
    )


def _list() -> rx.Component:
    return rx.vstack(
        search_box(S.search, S.set_search, "Search by name, email or phone", "client-search"),
        error_callout(S.delete_error, id="client-delete-error"),
        rx.cond(
            S.rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Client", "Phone and email", "")])),
                rx.table.body(rx.foreach(S.rows, _row)),
                variant="surface",
                width="100%",
                id="clients-table",
            ),
            rx.callout(
                rx.cond(S.search != "", "No client matches that search.", "No clients yet. Add the first one."),
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
                rx.heading(rx.cond(editing, "Edit client", "New client"), size="4"),
                error_callout(S.error, id="client-error"),
                rx.cond(
                    editing,
                    rx.fragment(),
                    select_field(
                        "The patient themself?",
                        "patient_id",
                        S.patients,
                        placeholder="No: someone else (a parent, a carer…)",
                        hint="Choose a patient when they book for themself; empty details are taken from their record.",
                    ),
                ),
                field("Full name", "full_name", default_value=S.editing.get("name", "")),
                field("Phone (optional)", "phone", type="tel", default_value=S.editing.get("phone", "")),
                field("Email (optional)", "email", type="email", default_value=S.editing.get("email", "")),
                rx.hstack(
                    rx.button(rx.cond(editing, "Save client", "Add client"), type="submit"),
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


@signed_in_page("/staff/clients", "Clients", role="staff", on_load=ClientsState.load)
def staff_clients() -> rx.Component:
    return rx.vstack(
        rx.heading("Clients", size="7"),
        rx.text(
            "Deleting a client keeps their past appointments with the patients; upcoming ones must be cancelled first.",
            size="2",
            color_scheme="gray",
        ),
        rx.grid(_list(), _form(), columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(300px, 2fr)"), spacing="4", align="start", width="100%"),
        spacing="4",
        width="100%",
    )
