"""Admin home: staff and admin accounts."""

import reflex as rx

from miwell.accounts.core.rules import PASSWORD_MIN_LENGTH
from miwell.accounts.states import AdminAccountsState
from miwell.ui.clinic import select_field
from miwell.ui.layout import error_callout, field, signed_in_page
from miwell.ui.tables import data_table


def _new_account_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New account", size="4"),
                rx.segmented_control.root(
                    rx.segmented_control.item("Clinic staff", value="staff"),
                    rx.segmented_control.item("Admin", value="admin"),
                    rx.segmented_control.item("Psychiatrist", value="psychiatrist"),
                    value=AdminAccountsState.new_role,
                    on_change=AdminAccountsState.set_new_role,
                ),
                rx.cond(
                    AdminAccountsState.new_role == "psychiatrist",
                    rx.text(
                        "A psychiatrist you create here is approved at once and may be given patients. "
                        "To let them choose their own password, invite them from Psychiatrists instead.",
                        size="2",
                        color_scheme="gray",
                    ),
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
                rx.cond(
                    AdminAccountsState.new_role == "psychiatrist",
                    field("GMC registration number", "registration_number", hint="7 digits; checked before you create the account."),
                ),
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


def _lock_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row["email"], weight="medium"), rx.text(row["source"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.vstack(rx.text(row["state"]), rx.text(row["failures"] + " failed", size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(rx.button("Lift", size="1", variant="soft", on_click=AdminAccountsState.lift_lock(row["email"]))),
    )


def _locks() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Sign-in locks", size="4"),
            rx.text(
                "A device that gets a password wrong six times is locked out for 15 minutes; the account's owner "
                "can still sign in from their own device. Lifting clears every count for the address.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                AdminAccountsState.locks.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Address", "State", "")])),
                    rx.table.body(rx.foreach(AdminAccountsState.locks, _lock_row)),
                    size="1",
                    width="100%",
                    id="locks-table",
                ),
                rx.text("No address is being guessed at right now.", size="2", color_scheme="gray", id="no-locks"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _lost_phone() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Lost phone", size="4"),
                rx.text(
                    "Resets someone's two-step sign-in: their authenticator app and recovery codes stop working, their "
                    "sessions end, and they set up a new app at their next sign-in. Make sure it is them asking first.",
                    size="2",
                    color_scheme="gray",
                ),
                error_callout(AdminAccountsState.reset_error, id="reset-two-factor-error"),
                # Its own id: the new-account form above has an "email" field too.
                field("Their email", "email", type="email", id="reset-email", required=True),
                rx.button("Reset two-step sign-in", type="submit", variant="soft", color_scheme="amber", size="3"),
                spacing="3",
                width="100%",
            ),
            on_submit=AdminAccountsState.reset_two_factor,
            reset_on_submit=True,
            width="100%",
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
            rx.vstack(_new_account_form(), _locks(), _lost_phone(), spacing="4", width="100%"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
