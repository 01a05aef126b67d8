"""The patient's upcoming clinic appointments, as a card for their home page.

Self-contained: the page adds ``upcoming_appointments_card()`` where it should appear and
``PatientAppointmentsState.load`` to its on_load. Patients whom no clinic has linked to a patient
record see nothing at all.
"""

from __future__ import annotations

import reflex as rx

from miwell.scheduling.states import PatientAppointment, PatientAppointmentsState
from miwell.ui.clinic import status_badge

S = PatientAppointmentsState

__all__ = ["PatientAppointmentsState", "upcoming_appointments_card"]


def _appointment(a: PatientAppointment) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(a.day, weight="bold"),
            rx.text(a.hours, size="2"),
            spacing="0",
            min_width="9.5em",
        ),
        rx.vstack(
            rx.text(a.doctor, weight="medium"),
            rx.text(a.clinic, size="2", color_scheme="gray", title=a.address),
            spacing="0",
            flex="1",
        ),
        status_badge(a.status, a.status_label),
        rx.hstack(
            rx.button(
                rx.icon("calendar-plus", size=15),
                "Add to calendar",
                size="1",
                variant="soft",
                on_click=S.download(a.id),
                aria_label="Add to calendar: the appointment of " + a.day,
            ),
            rx.cond(
                a.cancel_until != "",
                rx.button(
                    "Cancel…",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_cancel(a.id),
                    title="You can cancel online " + a.cancel_until,
                    aria_label="Cancel the appointment of " + a.day,
                    class_name="cancel-appointment",
                ),
            ),
            spacing="2",
        ),
        align="center",
        spacing="4",
        width="100%",
        wrap="wrap",
        padding_y="0.6em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="patient-appointment",
        data_appointment_id=a.id,
    )


def _offer(o: rx.Var) -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(rx.text.strong("A time has come free for you: "), o["when"], " with ", o["doctor"], ", ", o["clinic"], "."),
            rx.text("It is held for you until ", o["until"], ".", size="2"),
            rx.hstack(
                rx.button("Take it", size="2", on_click=S.answer_offer(o["id"], True), class_name="take-offer"),
                rx.button("Let it go", size="2", variant="soft", color_scheme="gray", on_click=S.answer_offer(o["id"], False)),
                spacing="2",
            ),
            spacing="2",
        ),
        icon="calendar-clock",
        color_scheme="amber",
        width="100%",
        class_name="waitlist-offer",
    )


def _cancel_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Cancel this appointment?"),
            rx.dialog.description(S.cancelling_label, margin_bottom="0.8em"),
            rx.form(
                rx.vstack(
                    rx.el.label("Why? A few words for the clinic", html_for="cancel-reason", style={"fontWeight": 500}),
                    rx.text_area(name="reason", id="cancel-reason", placeholder="For example: I am unwell", width="100%"),
                    rx.cond(S.cancel_error != "", rx.callout(S.cancel_error, icon="triangle_alert", color_scheme="red", width="100%", id="cancel-error")),
                    rx.hstack(
                        rx.button("Keep it", type="button", variant="soft", color_scheme="gray", on_click=S.keep),
                        rx.button("Cancel appointment", type="submit", color_scheme="red"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.confirm_cancel,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=S.cancelling_id != 0,
        on_open_change=S.set_cancel_open,
    )


def upcoming_appointments_card() -> rx.Component:
    return rx.cond(
        S.has_clinic,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("calendar-days", color=rx.color("teal", 10)),
                    rx.heading("Your appointments", size="4"),
                    spacing="2",
                    align="center",
                ),
                rx.foreach(S.offers, _offer),
                rx.cond(
                    S.appointments.length() > 0,
                    rx.vstack(rx.foreach(S.appointments, _appointment), spacing="0", width="100%"),
                    rx.text(
                        rx.cond(S.can_book, "No upcoming appointments.", "No upcoming appointments. Your clinic will book them with you."),
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                rx.cond(
                    S.can_book,
                    rx.link(
                        rx.button(rx.icon("calendar-plus", size=16), "Book an appointment", size="3", width="100%"),
                        href="/patient/book",
                        width="100%",
                        id="book-appointment",
                    ),
                ),
                _cancel_dialog(),
                spacing="3",
                width="100%",
            ),
            id="upcoming-appointments",
            width="100%",
        ),
    )
