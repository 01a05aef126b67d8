"""Admin: the organisations using MiWell's clinic side."""

import reflex as rx

from miwell.scheduling.states import OrganisationsState
from miwell.ui.clinic import section_card
from miwell.ui.layout import error_callout, field, signed_in_page

S = OrganisationsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row["name"], href=row["href"], weight="medium")),
        rx.table.cell(row["clinics"]),
        rx.table.cell(row["staff"]),
        rx.table.cell(row["doctors"]),
        rx.table.cell(rx.link(rx.button("Clinics and staff", size="1", variant="soft"), href=row["href"])),
    )


@signed_in_page("/admin/organisations", "Organisations", role="admin", on_load=OrganisationsState.load)
def admin_organisations() -> rx.Component:
    return rx.vstack(
        rx.heading("Organisations", size="7"),
        rx.grid(
            rx.cond(
                S.rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(h) for h in ("Organisation", "Clinics", "Staff", "Doctors", "")])
                    ),
                    rx.table.body(rx.foreach(S.rows, _row)),
                    variant="surface",
                    width="100%",
                    id="organisations-table",
                ),
                rx.callout("No organisations yet. Add the first one.", icon="info", color_scheme="gray", width="100%"),
            ),
            section_card(
                "New organisation",
                rx.form(
                    rx.vstack(
                        error_callout(S.error, id="organisation-error"),
                        field("Name", "name", placeholder="Harbour Mind Charity"),
                        rx.button("Add organisation", type="submit"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=S.create,
                    key=S.form_key,
                ),
            ),
            columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(300px, 2fr)"),
            spacing="4",
            align="start",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
