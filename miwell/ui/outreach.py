"""Email settings (account page), safety contacts (organisation page) and the outbox (admins)."""

from __future__ import annotations

import reflex as rx

from miwell.outreach.states import STATUS_LABELS, EmailSettingsState as E, OutboxLine, OutboxState as O, SafetyContactsState as C
from miwell.ui.layout import error_callout

# Every half hour a reminder may go, from 08:00 to 21:00 (never in the quiet hours).
REMINDER_TIMES = [f"{h:02d}:{m:02d}" for h in range(8, 22) for m in (0, 30)]


def _switch_row(name: str, label: str, hint: str, checked: rx.Var) -> rx.Component:
    # A native checkbox in a tall label: the whole row is the target on a phone.
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, id=f"pref-{name}", default_checked=checked, style={"width": "22px", "height": "22px", "flexShrink": "0", "accentColor": "var(--teal-9)"}),
        rx.vstack(rx.text(label, size="3", weight="medium"), rx.text(hint, size="1", color_scheme="gray"), spacing="0"),
        html_for=f"pref-{name}",
        style={"display": "flex", "gap": "0.75em", "alignItems": "center", "minHeight": "44px", "cursor": "pointer"},
    )


def email_settings_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Emails", size="4"),
                error_callout(E.error, id="email-settings-error"),
                rx.cond(
                    E.user_role == "patient",
                    rx.vstack(
                        _switch_row("daily_reminder", "A daily reminder", "Only on days you have not logged yet, never after 21:30.", E.daily_reminder),
                        rx.vstack(
                            rx.el.label("Remind me at", html_for="reminder-time", style={"fontWeight": 500, "fontSize": "0.9em"}),
                            rx.el.select(
                                *[rx.el.option(t, value=t) for t in REMINDER_TIMES],
                                name="reminder_time",
                                id="reminder-time",
                                default_value=E.reminder_time,
                                style={"padding": "0.6em", "borderRadius": "8px", "width": "100%", "maxWidth": "12em", "minHeight": "44px", "border": "1px solid var(--gray-7)", "background": "var(--color-surface)"},
                            ),
                            rx.text("In your own time zone.", size="1", color_scheme="gray"),
                            spacing="1",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    _switch_row("digest", "A morning digest", "At 08:00: how many of your patients have not logged for 3 days or more.", E.digest),
                ),
                _switch_row(
                    "emails",
                    "Emails from MiWell",
                    rx.cond(
                        E.user_role == "patient",
                        "Off means none at all: no reminders and no appointment reminders.",
                        "Off stops the digest. Emails about urgent alerts nobody has seen still come: they are part of keeping patients safe.",
                    ),
                    E.emails,
                ),
                rx.button("Save email settings", type="submit", id="save-email-settings"),
                spacing="3",
                width="100%",
            ),
            on_submit=E.save,
            reset_on_submit=False,
            key=E.form_key.to_string(),
        ),
        width="100%",
        id="email-settings",
    )


def safety_contacts_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Safety contacts", size="4"),
                rx.text(
                    "Who hears of an urgent alert about one of this organisation's patients that nobody has acknowledged "
                    "in 30 minutes (after their psychiatrist has been emailed). One email address a line. With none, every admin hears.",
                    size="2",
                    color_scheme="gray",
                ),
                error_callout(C.error, id="safety-contacts-error"),
                rx.text_area(
                    name="safety_contacts",
                    default_value=C.contacts,
                    placeholder="duty.manager@example.org",
                    rows="4",
                    size="3",
                    width="100%",
                    aria_label="Safety contacts, one email address a line",
                    id="safety-contacts",
                ),
                rx.button("Save safety contacts", type="submit", id="save-safety-contacts"),
                spacing="3",
                width="100%",
            ),
            on_submit=C.save,
            reset_on_submit=False,
            key=C.form_key.to_string(),
        ),
        width="100%",
        id="safety-contacts-card",
    )


_STATUS_COLOURS = {"queued": "blue", "sending": "blue", "sent": "green", "failed": "red", "cancelled": "gray", "held": "amber"}


def _status_badge(line: OutboxLine) -> rx.Component:
    return rx.match(
        line.status,
        *[(status, rx.badge(line.status_label, color_scheme=colour, size="2")) for status, colour in _STATUS_COLOURS.items()],
        rx.badge(line.status_label, size="2"),
    )


def _line(line: OutboxLine) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                _status_badge(line),
                rx.text(line.kind, size="2", weight="medium"),
                rx.text("to ", line.recipient, size="2", color_scheme="gray", style={"overflowWrap": "anywhere"}),
                rx.spacer(),
                rx.text(line.when, size="1", color_scheme="gray"),
                wrap="wrap",
                align="center",
                width="100%",
                spacing="2",
            ),
            rx.text(line.subject, size="3", weight="bold"),
            rx.cond(line.error != "", rx.text(line.error, size="2", color_scheme=rx.cond(line.status == "failed", "red", "gray"), class_name="outbox-error")),
            rx.el.details(
                rx.el.summary(rx.text("The message", size="2", as_="span"), style={"cursor": "pointer"}),
                rx.text(line.body, size="2", style={"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}, margin_top="0.4em"),
            ),
            rx.cond(line.sent != "", rx.text("Sent ", line.sent, " · tries: ", line.attempts.to_string(), size="1", color_scheme="gray")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="outbox-line",
    )


def outbox_view() -> rx.Component:
    filters = [("", "All")] + list(STATUS_LABELS.items())
    return rx.vstack(
        rx.text(
            "Every email MiWell sends or would send. Without an SMTP server (MIWELL_SMTP_URL) messages are kept here "
            "instead of sent. Messages carry no notes, moods or scores: only that there is something to see.",
            size="2",
            color_scheme="gray",
        ),
        rx.flex(
            *[
                rx.button(
                    label,
                    *([rx.badge(O.counts[value].to_string(), variant="surface", size="1")] if value else []),
                    on_click=O.show(value),
                    variant=rx.cond(O.status == value, "solid", "soft"),
                    size="2",
                    aria_pressed=rx.cond(O.status == value, "true", "false"),
                )
                for value, label in filters
            ],
            wrap="wrap",
            gap="0.5em",
        ),
        error_callout(O.error, id="outbox-error"),
        rx.cond(
            O.lines.length() > 0,
            rx.vstack(rx.foreach(O.lines, _line), spacing="2", width="100%", id="outbox-lines"),
            rx.callout("Nothing here.", icon="inbox", color_scheme="gray", id="outbox-empty"),
        ),
        spacing="3",
        width="100%",
    )
