"""A patient books their own appointment: a doctor, a week of free times, one tap to confirm."""

import reflex as rx

from miwell.scheduling.states.self_booking import BookDay, PatientBookingState
from miwell.ui.layout import error_callout, signed_in_page

B = PatientBookingState


def _slot(slot: rx.Var) -> rx.Component:
    return rx.button(
        slot["label"],
        variant=rx.cond(B.chosen == slot["start"], "solid", "outline"),
        size="3",
        on_click=B.choose(slot["start"]),
        title=slot["clinic"],
        class_name="patient-slot",
        min_width="5.5em",
    )


def _day(day: BookDay) -> rx.Component:
    return rx.vstack(
        rx.text(day.label, weight="bold", size="3"),
        rx.flex(rx.foreach(day.slots, _slot), wrap="wrap", gap="0.5em"),
        spacing="2",
        width="100%",
        class_name="patient-book-day",
    )


def _times() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left"), variant="soft", on_click=B.shift_week(-1), aria_label="Earlier week", disabled=B.at_first_week
            ),
            rx.text(B.week_label, weight="medium", id="book-week"),
            rx.icon_button(rx.icon("chevron-right"), variant="soft", on_click=B.shift_week(1), aria_label="Later week"),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(
            B.days.length() > 0,
            rx.vstack(rx.foreach(B.days, _day), spacing="4", width="100%", id="book-times"),
            rx.callout(
                "No free time with this doctor this week. Try the next week, or another doctor.",
                icon="calendar_x",
                color_scheme="gray",
                width="100%",
                id="book-nothing",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _join() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.text("Nothing suits? Join the waiting list", weight="bold"),
                rx.text("We hold the first time that comes free for you, and tell you in the app and by email.", size="2", color_scheme="gray"),
                rx.grid(
                    rx.vstack(
                        rx.el.label("From", html_for="join-first", style={"fontSize": "0.9em"}),
                        rx.input(type="date", name="first_day", id="join-first", default_value=B.today, width="100%"),
                        spacing="1",
                    ),
                    rx.vstack(
                        rx.el.label("Until", html_for="join-last", style={"fontSize": "0.9em"}),
                        rx.input(type="date", name="last_day", id="join-last", width="100%"),
                        spacing="1",
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(
                    *[
                        rx.el.label(
                            rx.el.input(type="checkbox", name=f"time_{name}", default_checked=True),
                            rx.text(name.capitalize() + "s", size="2"),
                            style={"display": "inline-flex", "alignItems": "center", "gap": "0.3em"},
                        )
                        for name in ("morning", "afternoon", "evening")
                    ],
                    spacing="4",
                    wrap="wrap",
                ),
                error_callout(B.join_error, id="join-error"),
                rx.button("Join the waiting list", type="submit", variant="soft", width="100%", id="join-waitlist"),
                spacing="3",
                width="100%",
            ),
            on_submit=B.join_waitlist,
            reset_on_submit=False,
            key=B.join_key,
        ),
        width="100%",
    )


def _confirm() -> rx.Component:
    return rx.cond(
        B.chosen != "",
        rx.card(
            rx.vstack(
                rx.text("Book ", rx.text.strong(B.chosen_label), "?", size="3", id="book-chosen"),
                rx.button("Confirm booking", size="3", width="100%", on_click=B.confirm, id="confirm-booking"),
                spacing="3",
                width="100%",
            ),
            position="sticky",
            bottom="5em",
            width="100%",
            background_color=rx.color("teal", 2),
        ),
    )


@signed_in_page("/patient/book", "Book an appointment", role="patient", on_load=B.load)
def patient_book() -> rx.Component:
    return rx.vstack(
        rx.link("← Today", href="/patient", size="2"),
        rx.heading("Book an appointment", size="7"),
        rx.cond(
            B.doctors.length() > 0,
            rx.vstack(
                rx.el.label("Doctor", html_for="book-doctor", style={"fontWeight": 500}),
                rx.el.select(
                    rx.foreach(B.doctors, lambda d: rx.el.option(d["label"], value=d["id"])),
                    id="book-doctor",
                    value=B.doctor,
                    on_change=B.pick_doctor,
                    style={"padding": "0.6em", "borderRadius": "8px", "width": "100%", "border": "1px solid var(--gray-7)", "fontSize": "1em"},
                ),
                error_callout(B.error, id="book-error"),
                _times(),
                _confirm(),
                _join(),
                spacing="3",
                width="100%",
                max_width="640px",
            ),
            rx.cond(
                B.loaded,
                rx.callout(
                    "Your clinic does not take bookings online. Please call them to book.",
                    icon="info",
                    width="100%",
                ),
                rx.spinner(size="3"),
            ),
        ),
        spacing="3",
        width="100%",
    )
