"""The audit log: filters, the events as short lines that read well on a phone, and a CSV download."""

from __future__ import annotations

import reflex as rx

from miwell.audit.states import AuditLogState as A
from miwell.ui.layout import error_callout, field


def _event(e: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(e["who"]),
            rx.text(" (", e["role"], ") ", as_="span"),
            e["action"],
            " ",
            e["what"],
            rx.cond(e["patient"] != "", rx.text(" · ", rx.text.strong(e["patient"]), as_="span")),
            size="2",
        ),
        rx.text(e["when"], rx.cond(e["origin"] != "", rx.text(" · from ", e["origin"], as_="span")), size="1", color_scheme="gray"),
        padding="0.6em 0",
        border_bottom="1px solid var(--gray-4)",
        width="100%",
        class_name="audit-event",
    )


def audit_log_view(for_admin: bool) -> rx.Component:
    filters = [
        *([field("Patient", "patient", placeholder="Name, email or #id", default_value=A.patient)] if for_admin else []),
        field("Who", "person", placeholder="Name, email or #id", default_value=A.person),
        field("From", "first", type="date", default_value=A.first),
        field("To", "last", type="date", default_value=A.last),
    ]
    return rx.vstack(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.grid(*filters, columns=rx.breakpoints(initial="1", sm="2", md=str(len(filters))), spacing="3", width="100%"),
                    rx.flex(
                        rx.button(rx.icon("search", size=16), "Show", type="submit", size="3"),
                        rx.button(rx.icon("download", size=16), "Download CSV", type="button", variant="soft", size="3",
                                  on_click=A.download_csv, id="audit-download"),  # fmt: skip
                        gap="0.75em",
                        wrap="wrap",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=A.apply,
                key=A.form_key,
                id="audit-filters",
                width="100%",
            ),
            width="100%",
        ),
        error_callout(A.error, id="audit-error"),
        rx.text(A.zone_note, size="1", color_scheme="gray"),
        rx.cond(
            A.lines.length() > 0,
            rx.vstack(rx.foreach(A.lines, _event), spacing="0", width="100%", id="audit-events"),
            rx.cond(A.loaded, rx.callout("Nothing in this period.", icon="info", color_scheme="gray", id="audit-empty", width="100%")),
        ),
        rx.cond(A.more, rx.text("Only the newest 200 are shown: narrow the period, or download them all.", size="2", color_scheme="gray")),
        spacing="3",
        width="100%",
    )
