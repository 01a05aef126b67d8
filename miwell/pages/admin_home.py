"""Admin home: staff and admin accounts."""

import reflex as rx

from miwell.accounts.rules import PASSWORD_MIN_LENGTH
from miwell.accounts.state import AdminAccountsState
from miwell.ui.clinic import select_field
from miwell.ui.layout import error_callout, field, signed_in_page
from miwell.ui.tables import data_table


def _new_account_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New staff or admin account", size="4"),
                rx.segmented_control.root(
                    rx.segmented_control.item("Clinic staff", value="staff"),
                    rx.segmented_control.item("Admin", value="admin"),
                    value=AdminAccountsState.new_role,
                    on_change=AdminAccountsState.set_new_role,
                ),
                error_callout(AdminAccountsState.error, id="new-account-error"),
                rx.cond(
                    AdminAccountsState.new_role == "staff",
                    select_field(
                        "Organisation",
                        "organisation_id",
                        AdminAccountsState.organisations,
                        placeholder="Choose the organisation they work for",
                        hint="Staff see and change only their organisation's clinic records.",
                    ),
                ),
                field("Full name", "full_name"),
                field("Email", "email", type="email"),
                field("Phone", "phone", type="tel"),
                field("First password", "password", type="password", auto_complete="new-password", hint=f"At least {PASSWORD_MIN_LENGTH} characters; they can change it on their account page."),
                rx.button("Create account", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AdminAccountsState.create,
            id="new-account-form",
        ),
        width="100%",
    )


@signed_in_page("/admin", "Accounts", role="admin", on_load=AdminAccountsState.load)
def admin_home() -> rx.Component:
    return rx.vstack(
        rx.heading("Accounts", size="7"),
        rx.grid(
            rx.vstack(
                rx.heading("Staff and admins", size="4"),
                data_table(
                    AdminAccountsState.rows,
                    [("Name", "name"), ("Email", "email"), ("Phone", "phone"), ("Role", "role"), ("Since", "created")],
                    "No staff accounts yet.",
                    id="accounts-table",
                ),
                spacing="3",
                width="100%",
            ),
            _new_account_form(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
