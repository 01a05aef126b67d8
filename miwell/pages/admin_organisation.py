"""Admin: one organisation, its clinics and its staff accounts."""

import reflex as rx

from miwell.accounts.core.rules import PASSWORD_MIN_LENGTH
from miwell.pages.account import TIMEZONES
from miwell.outreach.states import SafetyContactsState
from miwell.scheduling.states import OrganisationPageState
from miwell.ui.clinic import section_card, static_select_field
from miwell.ui.layout import error_callout, field, signed_in_page
from miwell.ui.outreach import safety_contacts_card

S = OrganisationPageState


def _clinic_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(row["address"]),
        rx.table.cell(row["timezone"]),
        rx.table.cell(row["cutoff"] + " h"),
        rx.table.cell(
            rx.hstack(
                rx.button("Edit", size="1", variant="soft", on_click=S.edit_clinic(row["id"])),
                rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=S.delete_clinic(row["id"])),
                spacing="1",
            )
        ),
    )


def _clinics() -> rx.Component:
    editing = S.clinic_form.contains("id")
    return section_card(
        "Clinics",
        error_callout(S.clinic_error, id="clinic-error"),
        rx.cond(
            S.clinics.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Clinic", "Address", "Time zone", "Online cancel until", "")])),
                rx.table.body(rx.foreach(S.clinics, _clinic_row)),
                variant="surface",
                width="100%",
                id="clinics-table",
            ),
            rx.callout("No clinics yet.", icon="info", color_scheme="gray", width="100%"),
        ),
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(editing, "Edit clinic", "New clinic"), size="3"),
                field("Name", "name", default_value=S.clinic_form.get("name", "")),
                field("Address", "address", default_value=S.clinic_form.get("address", "")),
                static_select_field("Time zone", "timezone", TIMEZONES, default_value=S.clinic_form.get("timezone", "Europe/London")),
                field(
                    "Patients may cancel online until (hours before)",
                    "cancel_cutoff_hours",
                    type="number",
                    default_value=S.clinic_form.get("cutoff", "24"),
                    min="0",
                    max="720",
                    hint="Later than that they call the clinic. Applies when online booking is open.",
                ),
                rx.hstack(
                    rx.button(rx.cond(editing, "Save clinic", "Add clinic"), type="submit"),
                    rx.cond(editing, rx.button("Stop editing", variant="soft", color_scheme="gray", type="button", on_click=S.new_clinic)),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_clinic,
            key=S.clinic_key,
        ),
    )


def _staff() -> rx.Component:
    return section_card(
        "Staff accounts",
        rx.cond(
            S.staff.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Name", "Email", "Phone", "Since")])),
                rx.table.body(
                    rx.foreach(
                        S.staff,
                        lambda u: rx.table.row(*[rx.table.cell(u[k]) for k in ("name", "email", "phone", "since")]),
                    )
                ),
                variant="surface",
                width="100%",
                id="staff-table",
            ),
            rx.callout("No staff accounts yet.", icon="info", color_scheme="gray", width="100%"),
        ),
        rx.form(
            rx.vstack(
                rx.heading("New staff account", size="3"),
                error_callout(S.staff_error, id="staff-error"),
                field("Full name", "full_name"),
                field("Email", "email", type="email"),
                field("Phone", "phone", type="tel"),
                field("First password", "password", type="password", auto_complete="new-password",
                      hint=f"At least {PASSWORD_MIN_LENGTH} characters; they can change it on their account page."),  # fmt: skip
                rx.button("Create staff account", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.create_staff,
            key=S.staff_key,
        ),
    )


def _online_booking() -> rx.Component:
    return section_card(
        "Online booking",
        rx.el.label(
            rx.switch(checked=S.online_booking, on_change=S.set_online_booking, id="online-booking"),
            rx.text("Patients with a linked MiWell account may book and cancel online", size="2"),
            style={"display": "inline-flex", "alignItems": "center", "gap": "0.6em"},
        ),
        rx.text(
            "They see only free times (agendas' notice, horizon and buffers kept), book for themselves, and cancel with a "
            "reason until each clinic's cut-off. Off by default.",
            size="1",
            color_scheme="gray",
        ),
    )


def _retention() -> rx.Component:
    return section_card(
        "Keeping records",
        rx.form(
            rx.vstack(
                error_callout(S.retention_error, id="retention-error"),
                field("Years to keep personal details", "retention_years", type="number", min=1, max=100,
                      default_value=S.retention_years, placeholder="Keep them",
                      hint="Each night, older appointment notes, the names and contact details of patients last seen "
                           "before then (unless linked to a MiWell account), and older entry notes of linked patients "
                           "are anonymised. Counts and dates stay for reports. Blank keeps everything."),  # fmt: skip
                rx.button("Save", type="submit", variant="soft"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.set_retention,
            width="100%",
        ),
    )


def _settings() -> rx.Component:
    return section_card(
        "Organisation",
        rx.form(
            rx.vstack(
                error_callout(S.rename_error, id="rename-error"),
                field("Name", "name", default_value=S.name),
                rx.button("Save name", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.rename,
            key=S.rename_key,
        ),
        rx.divider(),
        rx.text("An organisation can be deleted once it has no clinics, staff, doctors, patients or clients.", size="2", color_scheme="gray"),
        error_callout(S.delete_error, id="delete-organisation-error"),
        rx.button("Delete organisation", color_scheme="red", variant="soft", on_click=S.delete_organisation, width="fit-content"),
    )


def _crisis_row(row: rx.Var, index: rx.Var) -> rx.Component:
    # Name and number side by side, the note under them: in a half-width card three columns
    # cut every value short.
    return rx.vstack(
        rx.grid(
            rx.input(name="line_name_" + index.to_string(), default_value=row["name"], placeholder="Name, e.g. Samaritans", aria_label="Line name", size="3"),
            rx.input(name="line_phone_" + index.to_string(), default_value=row["phone"], placeholder="Number", aria_label="Number", type="tel", size="3"),
            grid_template_columns="minmax(0, 3fr) minmax(0, 2fr)",
            spacing="2",
            width="100%",
        ),
        rx.input(name="line_detail_" + index.to_string(), default_value=row["detail"], placeholder="When to call, what it costs", aria_label="Note", size="3", width="100%"),
        spacing="2",
        width="100%",
        padding_bottom="0.75em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _crisis_lines() -> rx.Component:
    return section_card(
        "Crisis lines",
        rx.text(
            "What this organisation's patients see under Need help now? and after a worrying entry: the clinic's own line first, "
            "then the national lines. Leave a row empty to remove it.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(S.crisis_defaults, rx.callout("Not set yet: patients see the UK defaults shown below until you save.", icon="info", size="1")),
        rx.form(
            rx.vstack(
                error_callout(S.crisis_error, id="crisis-error"),
                rx.foreach(S.crisis_rows, _crisis_row),
                rx.button("Save crisis lines", type="submit", id="save-crisis-lines"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_crisis_lines,
            key=S.crisis_key,
            id="crisis-form",
        ),
    )


@signed_in_page("/admin/organisations/[org_ref]", "Organisation", role="admin", on_load=[OrganisationPageState.load, SafetyContactsState.load])
def admin_organisation() -> rx.Component:
    return rx.vstack(
        rx.link("← All organisations", href="/admin/organisations", size="2"),
        rx.cond(
            S.found,
            rx.vstack(
                rx.heading(S.name, size="7"),
                rx.grid(
                    _clinics(),
                    rx.vstack(
                        _staff(), _online_booking(), _crisis_lines(), safety_contacts_card(), _retention(), _settings(), spacing="4", width="100%"
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    align="start",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                S.loaded,
                rx.callout("This organisation does not exist (it may have just been deleted).", icon="info", width="100%"),
                rx.spinner(size="3"),
            ),
        ),
        spacing="3",
        width="100%",
    )
