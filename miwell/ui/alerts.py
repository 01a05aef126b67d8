"""The alert banner at the top of every signed-in page (empty for everyone but psychiatrists)."""

from __future__ import annotations

import reflex as rx

from miwell.notifications.states import AlertCard, AlertState, DeskRow, SlotChoice, UrgentBookingState as U


def _contact(icon: str, text: rx.Var, href: rx.Var, label: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=15), rx.text(text, size="2"), spacing="1", align="center"),
        href=href,
        aria_label=label,
        color_scheme="gray",
        high_contrast=True,
    )


def _alert(a: AlertCard) -> rx.Component:
    urgent = a.level == "urgent"
    tel = "tel:" + a.phone.replace(" ", "")
    contact_tel = "tel:" + a.contact_phone.replace(" ", "")
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.cond(
                        urgent,
                        rx.badge(rx.icon("siren", size=14), "URGENT", color_scheme="red", variant="solid", size="2"),
                        rx.badge(rx.icon("eye", size=14), "Watch", color_scheme="amber", variant="solid", size="2"),
                    ),
                    rx.link(rx.text(a.patient, weight="bold", size="4"), href="/psychiatrist/patients/" + a.patient_id.to_string(), color_scheme="gray", high_contrast=True),
                    rx.hstack(
                        rx.text(a.emoji, aria_hidden="true", font_size="1.3em"),
                        rx.text(a.mood, weight="medium"),
                        spacing="1",
                        align="center",
                    ),
                    rx.text(a.day, " · raised ", a.when, size="1", color_scheme="gray"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.button(
                    rx.icon("check", size=16),
                    "Acknowledge",
                    on_click=AlertState.acknowledge(a.id),
                    color_scheme=rx.cond(urgent, "red", "amber"),
                    variant="solid",
                    size="2",
                    aria_label="Acknowledge the alert about " + a.patient,
                ),
                justify="between",
                align="start",
                width="100%",
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                a.note != "",
                rx.text("“", a.note, "”", size="3", weight="medium", class_name="alert-note", style={"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}),
                rx.text("No note.", size="2", color_scheme="gray", class_name="alert-note"),
            ),
            rx.text(a.reasons.join(" · "), size="1", color_scheme="gray"),
            rx.hstack(
                rx.cond(
                    a.booked != "",
                    rx.badge(rx.icon("calendar-check", size=14), a.booked, color_scheme="green", size="2", class_name="alert-booked"),
                    book_urgent_button(a.patient_id, a.id, a.patient),
                ),
                rx.cond(
                    a.steps != "",
                    rx.hstack(
                        rx.icon("mail-warning", size=14, color=rx.color("red", 11), flex_shrink="0"),
                        rx.text(a.steps, size="1", color_scheme="red"),
                        spacing="1",
                        align="center",
                        class_name="alert-steps",
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.hstack(
                _contact("phone", a.phone, tel, "Call the patient"),
                _contact("mail", a.email, "mailto:" + a.email, "Email the patient"),
                rx.hstack(
                    rx.icon("contact", size=15),
                    rx.text("Emergency contact: ", a.contact_name, " ", size="2"),
                    rx.link(a.contact_phone, href=contact_tel, size="2", aria_label="Call the emergency contact"),
                    spacing="1",
                    align="center",
                ),
                spacing="4",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        padding="0.9em 1.1em",
        border_radius="12px",
        border_left=rx.cond(urgent, f"6px solid {rx.color('red', 10)}", f"6px solid {rx.color('amber', 9)}"),
        background=rx.cond(urgent, rx.color("red", 3), rx.color("amber", 2)),
        box_shadow=rx.cond(urgent, f"0 0 0 1px {rx.color('red', 7)}, 0 4px 14px {rx.color('red', 5)}", f"0 0 0 1px {rx.color('amber', 6)}"),
        width="100%",
        class_name=rx.cond(urgent, "risk-alert risk-alert-urgent", "risk-alert risk-alert-watch"),
        data_alert_id=a.id.to_string(),
    )


def book_urgent_button(patient_id: rx.Var | int, alert_id: rx.Var | int, patient: rx.Var | str) -> rx.Component:
    return rx.button(
        rx.icon("calendar-plus", size=16),
        "Book an urgent appointment",
        on_click=U.open_for(patient_id, alert_id),
        variant="surface",
        size="2",
        class_name="book-urgent",
        aria_label="Book an urgent appointment for " + patient,
    )


def _slot(slot: SlotChoice) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(slot.when, weight="bold", size="3", class_name="slot-when"),
            rx.text(slot.doctor, " · ", slot.clinic, size="2", color_scheme="gray"),
            spacing="0",
        ),
        rx.button("Book", on_click=U.book(slot.key), size="3", class_name="book-slot"),
        justify="between",
        align="center",
        width="100%",
        padding_y="0.4em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _desk(desk: DeskRow) -> rx.Component:
    return rx.button(
        rx.icon("send", size=14),
        "Ask the desk at " + desk.organisation,
        on_click=U.ask_desk(desk.organisation_id),
        variant="soft",
        size="2",
        class_name="ask-desk",
        # A long organisation name wraps inside a phone-wide dialog instead of running off it.
        white_space="normal",
        height="auto",
        min_height="2.5em",
        padding_y="0.4em",
        max_width="100%",
        text_align="left",
    )


def urgent_booking_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title("Urgent appointment for ", U.patient),
                rx.cond(
                    U.booked != "",
                    rx.callout(rx.text("Booked: ", U.booked, ". It is on the clinic's calendar and the patient's appointments."), icon="circle-check", color_scheme="green", id="urgent-booked"),
                    rx.cond(
                        U.slots.length() > 0,
                        rx.vstack(
                            rx.text("The earliest free slots in the next 7 days with your doctor record:", size="2", color_scheme="gray"),
                            rx.foreach(U.slots, _slot),
                            spacing="1",
                            width="100%",
                            id="urgent-slots",
                        ),
                        rx.callout(U.problem, icon="info", color_scheme="amber", id="urgent-problem"),
                    ),
                ),
                rx.cond(U.error != "", rx.callout(U.error, icon="triangle-alert", color_scheme="red", id="urgent-error")),
                rx.cond(
                    (U.booked == "") & (U.desks.length() > 0),
                    rx.cond(
                        U.asked != "",
                        rx.callout(U.asked, icon="circle-check", color_scheme="green", id="urgent-asked"),
                        rx.vstack(
                            rx.text("Or ask a clinic's desk to fit them in:", size="2", color_scheme="gray"),
                            rx.flex(rx.foreach(U.desks, _desk), wrap="wrap", gap="0.5em"),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                ),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray", size="3")),
                spacing="3",
                width="100%",
            ),
            max_width="34em",
            id="urgent-dialog",
        ),
        open=U.open,
        on_open_change=U.set_open,
    )


def alert_banner() -> rx.Component:
    """Always in the page, so screen readers announce alerts that appear in it."""
    return rx.box(
        rx.cond(
            AlertState.alerts.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.icon("triangle-alert", color=rx.color("red", 10)),
                    rx.heading(
                        rx.cond(
                            AlertState.alerts.length() == 1,
                            "A patient needs your attention",
                            AlertState.alerts.length().to_string() + " alerts need your attention",
                        ),
                        size="4",
                    ),
                    spacing="2",
                    align="center",
                ),
                rx.foreach(AlertState.visible_alerts, _alert),
                rx.cond(
                    (AlertState.hidden_count > 0) | AlertState.show_all,
                    rx.button(
                        rx.cond(AlertState.show_all, "Show fewer", "Show " + AlertState.hidden_count.to_string() + " more"),
                        variant="ghost",
                        on_click=AlertState.toggle_show_all,
                    ),
                ),
                spacing="3",
                width="100%",
                margin_bottom="1.5em",
            ),
        ),
        urgent_booking_dialog(),
        # Read by assets/miwell.js: a new urgent alert while the tab is in the background raises a
        # desktop notification (no patient details in it).
        rx.el.span(id="newest-urgent", data_id=AlertState.newest_urgent.to_string(), hidden=True),
        id="risk-alerts",
        aria_live="assertive",
        width="100%",
    )


def desktop_alerts_control() -> rx.Component:
    """Asks for the browser's permission to show desktop notifications; MiWell works without it."""
    return rx.hstack(
        rx.button(
            rx.icon("bell-ring", size=15),
            "Desktop alerts for urgent entries",
            on_click=rx.call_script("window.miwellNotify && window.miwellNotify.ask()"),
            variant="soft",
            size="2",
            id="desktop-alerts",
        ),
        rx.text("", size="2", color_scheme="gray", id="desktop-alerts-status", aria_live="polite"),
        spacing="3",
        align="center",
        wrap="wrap",
    )
