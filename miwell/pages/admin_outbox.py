"""Admin: the outbox, every email sent or kept, with what went wrong."""

import reflex as rx

from miwell.outreach.states import OutboxState
from miwell.ui.layout import signed_in_page
from miwell.ui.outreach import outbox_view


@signed_in_page("/admin/outbox", "Outbox", role="admin", on_load=OutboxState.load)
def admin_outbox() -> rx.Component:
    return rx.vstack(rx.heading("Outbox", size="7"), outbox_view(), spacing="4", width="100%")
