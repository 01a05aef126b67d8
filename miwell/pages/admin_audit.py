"""Admin: the audit log, who saw or changed which patient's records."""

import reflex as rx

from miwell.audit.states import AuditLogState
from miwell.ui.audit import audit_log_view
from miwell.ui.layout import signed_in_page


@signed_in_page("/admin/audit", "Audit log", role="admin", on_load=AuditLogState.load)
def admin_audit() -> rx.Component:
    return rx.vstack(
        rx.heading("Audit log", size="7"),
        rx.text(
            "Every view and change of a patient's entries, contact details, alerts, questionnaires and appointments: "
            "who, what, when and from where. Nothing here can be edited or deleted.",
            size="2",
            color_scheme="gray",
        ),
        audit_log_view(for_admin=True),
        spacing="4",
        width="100%",
    )
