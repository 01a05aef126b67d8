"""The clinic's waiting list: who waits for which doctor or clinic, the time each is offered, and adding one."""

import reflex as rx

from miwell.scheduling.states.waitlist import TIMES, WaitlistState
from miwell.ui.clinic import section_card, select_field
from miwell.ui.layout import error_callout, field, signed_in_page

W = WaitlistState
_STATUS_COLOURS = {"waiting": "gray", "offered": "amber"}


def _entry(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row["patient"], weight="bold"),
                rx.cond(row["urgent"] != "", rx.badge("urgent", color_scheme="red", variant="solid")),
                rx.badge(row["status"], color_scheme=rx.cond(row["status"] == "offered", "amber", "gray"), variant="soft"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(row["whom"], " · ", row["days"], " · ", row["times"], size="2"),
            rx.cond(
                row["offer"] != "",
                rx.callout(
                    rx.text("Offered: ", rx.text.strong(row["offer"])),
                    icon="clock",
                    color_scheme="amber",
                    size="1",
                    width="100%",
                ),
            ),
            rx.flex(
                rx.cond(
                    row["offer_id"] != "",
                    rx.fragment(
                        rx.button("Book it for them", size="1", on_click=W.accept(row["offer_id"])),
                        rx.button("They decline", size="1", variant="soft", on_click=W.decline(row["offer_id"])),
                        rx.button("Release the hold", size="1", variant="soft", color_scheme="gray", on_click=W.release(row["offer_id"])),
                    ),
                ),
                rx.button("Take off the list", size="1", variant="soft", color_scheme="red", on_click=W.withdraw(row["id"])),
                wrap="wrap",
                gap="0.4em",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="waitlist-entry",
        data_entry_id=row["id"],
    )


def _add_form() -> rx.Component:
    return section_card(
        "Add to the waiting list",
        rx.form(
            rx.vstack(
                error_callout(W.form_error, id="waitlist-error"),
                select_field("Patient", "patient_id", W.patients, placeholder="Choose the patient"),
                rx.vstack(
                    rx.el.label("Waiting for", html_for="whom", style={"fontWeight": 500, "fontSize": "0.9em"}),
                    rx.el.select(
                        rx.el.option("Choose a doctor or a clinic", value=""),
                        rx.el.optgroup(rx.foreach(W.doctors, lambda d: rx.el.option(d["label"], value="doctor:" + d["id"])), label="A doctor"),
                        rx.el.optgroup(rx.foreach(W.clinics, lambda c: rx.el.option(c["label"], value="clinic:" + c["id"])), label="Any doctor of a clinic"),
                        name="whom",
                        id="whom",
                        style={"padding": "0.5em", "borderRadius": "8px", "width": "100%", "border": "1px solid var(--gray-7)"},
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.grid(
                    field("From", "first_day", type="date", default_value=W.today),
                    field("Until", "last_day", type="date"),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                rx.el.fieldset(
                    rx.el.legend("Times of day", style={"fontWeight": 500, "fontSize": "0.9em"}),
                    rx.hstack(
                        *[
                            rx.el.label(
                                rx.el.input(type="checkbox", name=f"time_{name}", default_checked=True),
                                rx.text(name.capitalize(), size="2"),
                                style={"display": "inline-flex", "alignItems": "center", "gap": "0.3em"},
                            )
                            for name, _ in TIMES
                        ],
                        spacing="4",
                        wrap="wrap",
                    ),
                    style={"border": "none", "padding": "0", "margin": "0"},
                ),
                rx.el.label(
                    rx.el.input(type="checkbox", name="urgent"),
                    rx.text("Urgent: offered before everyone else", size="2"),
                    style={"display": "inline-flex", "alignItems": "center", "gap": "0.4em"},
                ),
                field("Note (optional)", "note"),
                rx.button("Add to the waiting list", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=W.add,
            key=W.form_key,
            reset_on_submit=False,
            id="waitlist-form",
        ),
    )


@signed_in_page("/staff/waitlist", "Waiting list", role="staff", on_load=W.load)
def staff_waitlist() -> rx.Component:
    return rx.vstack(
        rx.heading("Waiting list", size="7"),
        rx.text(
            "When a time frees up (a cancellation, a move, a new agenda), the first patient it suits is offered it: urgent first, "
            "then whoever has waited longest. The time is held for them for ",
            W.hold_minutes,
            " minutes, then passes on.",
            size="2",
            color_scheme="gray",
        ),
        error_callout(W.error, id="waitlist-load-error"),
        rx.grid(
            rx.cond(
                W.rows.length() > 0,
                rx.vstack(rx.foreach(W.rows, _entry), spacing="2", width="100%", id="waitlist-entries"),
                rx.callout("Nobody is waiting.", icon="info", color_scheme="gray", width="100%"),
            ),
            _add_form(),
            columns=rx.breakpoints(initial="1", md="minmax(0, 3fr) minmax(300px, 2fr)"),
            spacing="4",
            align="start",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
