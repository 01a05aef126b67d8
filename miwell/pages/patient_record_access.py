"""A patient's own audit log: who has seen or changed their records."""

import reflex as rx

from miwell.audit.states import AuditLogState
from miwell.ui.audit import audit_log_view
from miwell.ui.layout import signed_in_page


@signed_in_page("/patient/record-access", "Who saw my record", role="patient", on_load=AuditLogState.load)
def patient_record_access() -> rx.Component:
    return rx.vstack(
        rx.heading("Who saw my record", size="7"),
        rx.text(
            "Each time your psychiatrist or a clinic opens or changes your entries, contact details, questionnaires "
            "or appointments, it is written here. Your own visits are not.",
            size="2",
            color_scheme="gray",
        ),
        audit_log_view(for_admin=False),
        spacing="4",
        width="100%",
    )
