"""The clinic calendar: every booking of the organisation, free slots to book, live for every desk."""

import reflex as rx

from miwell.scheduling.states import MoveDay, CalendarDialogState, CalendarState
from miwell.scheduling.states.calendar_dialogs import SeriesRow
from miwell.scheduling.states import SELF_CLIENT
from miwell.ui.calendar import calendar
from miwell.ui.clinic import labelled, status_badge, swatch
from miwell.ui.layout import error_callout, field, signed_in_page

C = CalendarState
D = CalendarDialogState
NEW = "new"

_SELECT_STYLE = {
    "padding": "0.45em 0.6em",
    "borderRadius": "8px",
    "width": "100%",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "fontSize": "0.95em",
}


# --- filters -------------------------------------------------------------------------------------------


def _doctor_chip(doctor: rx.Var) -> rx.Component:
    chosen = C.doctor_ids.contains(doctor["id"])
    return rx.el.button(
        swatch(doctor["colour"], "0.8em"),
        rx.text(doctor["name"], size="2", weight="medium"),
        rx.text(doctor["initials"], size="1", weight="bold", class_name="doctor-initials", style={"opacity": 0.75}),
        on_click=C.toggle_doctor(doctor["id"]),
        type="button",
        aria_pressed=rx.cond(chosen, "true", "false"),
        class_name="mw-doctor-chip",
        style={
            "display": "inline-flex",
            "alignItems": "center",
            "gap": "0.4em",
            "padding": "0.3em 0.75em",
            "borderRadius": "999px",
            "cursor": "pointer",
            "border": "2px solid " + doctor["colour"],
            "background": rx.cond(chosen, doctor["colour"] + "22", "var(--color-surface)"),
            "boxShadow": rx.cond(chosen, "inset 0 0 0 1px " + doctor["colour"], "none"),
        },
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                labelled(
                    "Clinic",
                    "calendar-clinic",
                    rx.el.select(
                        rx.el.option("All clinics", value=""),
                        rx.foreach(C.clinics, lambda c: rx.el.option(c["label"], value=c["id"])),
                        id="calendar-clinic",
                        value=C.clinic_id,
                        on_change=C.set_clinic,
                        style=_SELECT_STYLE,
                    ),
                ),
                labelled(
                    "Patient",
                    "calendar-patient",
                    rx.input(
                        rx.input.slot(rx.icon("search", size=15)),
                        id="calendar-patient",
                        placeholder="Part of the patient's name",
                        default_value=C.patient,
                        on_change=C.set_patient.debounce(350),
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.switch(checked=C.show_cancelled, on_change=C.set_show_cancelled, id="show-cancelled"),
                    rx.el.label("Show cancelled", html_for="show-cancelled", style={"fontSize": "0.9em"}),
                    align="center",
                    spacing="2",
                    padding_bottom="0.4em",
                ),
                columns=rx.breakpoints(initial="1", sm="minmax(0,1fr) minmax(0,1.4fr) auto"),
                spacing="4",
                align="end",
                width="100%",
            ),
            rx.vstack(
                rx.text("Doctors", size="2", weight="medium"),
                rx.flex(
                    rx.el.button(
                        rx.text("All doctors", size="2", weight="medium"),
                        on_click=C.all_doctors,
                        type="button",
                        aria_pressed=rx.cond(C.doctor_ids.length() == 0, "true", "false"),
                        class_name="mw-doctor-chip",
                        style={
                            "padding": "0.3em 0.75em",
                            "borderRadius": "999px",
                            "cursor": "pointer",
                            "border": "2px solid var(--gray-8)",
                            "background": rx.cond(C.doctor_ids.length() == 0, "var(--gray-4)", "var(--color-surface)"),
                        },
                    ),
                    rx.foreach(C.doctors, _doctor_chip),
                    wrap="wrap",
                    gap="0.5em",
                    id="doctor-filter",
                ),
                spacing="1",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


# --- booking dialog ------------------------------------------------------------------------------------


def _native_select(name: str, value: rx.Var, on_change, *options: rx.Component) -> rx.Component:
    return rx.el.select(*options, name=name, id=name, value=value, on_change=on_change, style=_SELECT_STYLE)


def _series_row(row: SeriesRow) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            checked=row.picked,
            on_change=D.toggle_series_row(row.index),
            disabled=~row.fits & (row.alternative == ""),
            style={"width": "1.1em", "height": "1.1em", "flexShrink": "0"},
        ),
        rx.vstack(
            rx.text(row.label, size="2", weight="medium", text_decoration=rx.cond(row.fits, "none", "line-through")),
            rx.cond(
                row.fits,
                rx.text("Fits", size="1", color_scheme="green"),
                rx.cond(
                    row.alternative != "",
                    rx.text("Taken or not in the agenda · nearest free: ", rx.text.strong(row.alternative), size="1", color_scheme="orange"),
                    rx.text("Taken or not in the agenda · nothing free within 3 days", size="1", color_scheme="red"),
                ),
            ),
            spacing="0",
        ),
        style={"display": "flex", "gap": "0.6em", "alignItems": "center", "padding": "0.35em 0.2em", "cursor": "pointer"},
        class_name=rx.cond(row.fits, "series-row series-fits", "series-row series-conflict"),
    )


def _series_section() -> rx.Component:
    return rx.vstack(
        rx.grid(
            labelled(
                "Repeat",
                "repeat",
                _native_select(
                    "repeat",
                    D.repeat,
                    D.set_repeat,
                    rx.el.option("Does not repeat", value=""),
                    rx.el.option("Every week", value="1"),
                    rx.el.option("Every 2 weeks", value="2"),
                    rx.el.option("Every 4 weeks", value="4"),
                ),
            ),
            rx.cond(
                D.repeat != "",
                labelled(
                    "Ends",
                    "repeat_end",
                    _native_select(
                        "repeat_end",
                        D.repeat_end,
                        D.set_repeat_end,
                        rx.el.option("After a number of times", value="count"),
                        rx.el.option("On a date", value="until"),
                    ),
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            D.repeat != "",
            rx.hstack(
                rx.cond(
                    D.repeat_end == "until",
                    labelled(
                        "Last day",
                        "repeat_until",
                        rx.input(type="date", id="repeat_until", name="repeat_until", value=D.repeat_until, on_change=D.set_repeat_until, width="100%"),
                    ),
                    labelled(
                        "Appointments in all",
                        "repeat_count",
                        rx.input(
                            type="number", id="repeat_count", name="repeat_count", value=D.repeat_count, on_change=D.set_repeat_count,
                            min="2", max="52", width="100%",
                        ),  # fmt: skip
                    ),
                ),
                rx.button("Check the dates", type="button", variant="soft", on_click=D.check_series, id="check-series"),
                align="end",
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            D.series_rows.length() > 0,
            rx.vstack(
                rx.text(D.series_summary, size="2", weight="medium", id="series-summary"),
                rx.box(
                    rx.foreach(D.series_rows, _series_row),
                    max_height="16em",
                    overflow_y="auto",
                    width="100%",
                    border=f"1px solid {rx.color('gray', 5)}",
                    border_radius="8px",
                    padding="0.3em 0.6em",
                    id="series-dates",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _booking_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Patient",
                "patient_id",
                _native_select(
                    "patient_id",
                    D.patient_choice,
                    D.set_patient_choice,
                    rx.el.option("Choose the patient", value=""),
                    rx.el.option("+ New patient…", value=NEW),
                    rx.foreach(D.patients, lambda p: rx.el.option(p["label"], value=p["id"])),
                ),
            ),
            rx.cond(
                D.patient_choice == NEW,
                rx.grid(
                    field("New patient's full name", "new_patient_name"),
                    field("Phone (optional)", "new_patient_phone", type="tel"),
                    field("Date of birth (optional)", "new_patient_born", type="date"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                    padding="0.75em",
                    border_radius="8px",
                    background_color=rx.color("gray", 2),
                ),
            ),
            labelled(
                "Client (who books and is responsible)",
                "client_id",
                _native_select(
                    "client_id",
                    D.client_choice,
                    D.set_client_choice,
                    rx.el.option("The patient themself", value=SELF_CLIENT),
                    rx.el.option("+ New client…", value=NEW),
                    rx.foreach(D.clients, lambda c: rx.el.option(c["label"], value=c["id"])),
                ),
            ),
            rx.cond(
                D.client_choice == NEW,
                rx.grid(
                    field("New client's full name", "new_client_name"),
                    field("Phone (optional)", "new_client_phone", type="tel"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                    padding="0.75em",
                    border_radius="8px",
                    background_color=rx.color("gray", 2),
                ),
            ),
            labelled(
                "Note for the desk (optional)",
                "note",
                rx.text_area(name="note", id="note", placeholder="For example: first visit, bring the referral letter", width="100%"),
            ),
            _series_section(),
            error_callout(D.booking_error, id="booking-error"),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                rx.button(
                    rx.cond(D.repeat != "", rx.cond(D.series_rows.length() > 0, "Book the ticked dates", "Check the dates first"), "Book"),
                    type="submit",
                    id="book-button",
                    disabled=(D.repeat != "") & (D.series_rows.length() == 0),
                ),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=D.book,
        key=D.booking_key,
    )


def _booking_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.box(height="6px", background_color=D.booking_colour, border_radius="4px", margin_bottom="0.8em"),
            rx.dialog.title("Book an appointment"),
            # The description is a <p>: only inline content may go in it (no <div>, no <p>).
            rx.dialog.description(
                rx.el.span(swatch(D.booking_colour), rx.el.strong(D.booking_doctor), style={"display": "inline-flex", "gap": "0.5em", "alignItems": "center"}),
                rx.el.br(),
                rx.el.span(D.booking_when, id="booking-when"),
                rx.el.br(),
                rx.el.span(D.booking_clinic, style={"color": "var(--gray-11)", "fontSize": "0.9em"}),
                margin_bottom="1em",
            ),
            _booking_form(),
            id="booking-dialog",
            max_width="560px",
        ),
        open=D.booking_open,
        on_open_change=D.set_booking_open,
    )


# --- details dialog ------------------------------------------------------------------------------------


def _detail(label: str, *value: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", width="5.5em", flex_shrink="0"),
        *value,
        align="start",
        spacing="3",
        width="100%",
    )


def _history_item(item: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(item["change"], " · ", item["by"], size="2", weight="medium"),
        rx.text(item["at"], size="1", color_scheme="gray"),
        rx.cond(item["reason"] != "", rx.text(item["reason"], size="2")),
        spacing="0",
        width="100%",
        padding_y="0.3em",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _move_day(day: MoveDay) -> rx.Component:
    return rx.vstack(
        rx.text(day.label, size="2", weight="medium"),
        rx.flex(
            rx.foreach(
                day.slots,
                lambda slot: rx.button(
                    slot["label"],
                    size="1",
                    variant="outline",
                    on_click=D.move_to(slot["start"]),
                    title=slot["clinic"],
                    aria_label="Move to " + day.label + ", " + slot["label"] + ", " + slot["clinic"],
                ),
            ),
            wrap="wrap",
            gap="0.4em",
        ),
        spacing="1",
        width="100%",
    )


def _move_section() -> rx.Component:
    """Another doctor of the clinic, and a week of their free slots at a glance, in UK dates."""
    return rx.vstack(
        rx.text("Move to another free slot", weight="medium", size="3"),
        rx.cond(
            D.series_following > 0,
            rx.el.label(
                rx.el.input(type="checkbox", checked=D.move_following, on_change=D.set_move_following, id="move-following"),
                rx.text("Move the ", D.series_following, " later dates of this series by as much", size="2"),
                style={"display": "inline-flex", "alignItems": "center", "gap": "0.5em"},
            ),
        ),
        labelled(
            "Doctor",
            "move-doctor",
            rx.el.select(
                rx.foreach(D.move_doctors, lambda d: rx.el.option(d["label"], value=d["id"])),
                id="move-doctor",
                value=D.move_doctor,
                on_change=D.pick_move_doctor,
                style=_SELECT_STYLE,
            ),
        ),
        rx.hstack(
            rx.icon_button(rx.icon("chevron-left"), variant="soft", size="1", on_click=D.shift_move_window(-1), aria_label="The week before"),
            rx.text(D.move_window, size="2", id="move-window"),
            rx.icon_button(rx.icon("chevron-right"), variant="soft", size="1", on_click=D.shift_move_window(1), aria_label="The week after"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            D.move_days.length() > 0,
            rx.vstack(rx.foreach(D.move_days, _move_day), spacing="3", width="100%", id="move-slots"),
            rx.text("No free slot of this doctor in these seven days. Try the next week or another doctor.", size="2", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
        padding_top="0.5em",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )


def _cancel_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Reason for the cancellation",
                "reason",
                rx.text_area(name="reason", id="reason", placeholder="For example: the patient is unwell", width="100%"),
            ),
            rx.cond(
                D.series_following > 0,
                rx.el.label(
                    rx.el.input(type="checkbox", name="following", id="cancel-following"),
                    rx.text("Also cancel the ", D.series_following, " later dates of this series", size="2"),
                    style={"display": "inline-flex", "alignItems": "center", "gap": "0.5em"},
                ),
            ),
            rx.hstack(
                rx.button("Keep it", variant="soft", color_scheme="gray", type="button", on_click=D.keep),
                rx.button("Cancel appointment", color_scheme="red", type="submit"),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=D.confirm_cancel,
        width="100%",
    )


def _details_dialog() -> rx.Component:
    d = D.details
    return rx.dialog.root(
        rx.dialog.content(
            rx.box(height="6px", background_color=d["colour"], border_radius="4px", margin_bottom="0.8em"),
            rx.hstack(
                rx.dialog.title(d["patient"], margin="0"),
                status_badge(d["status"], d["status_label"]),
                align="center",
                spacing="3",
            ),
            rx.dialog.description("Appointment details", size="2", color="var(--gray-11)", margin_bottom="0.8em"),
            rx.vstack(
                _detail("When", rx.text(d["when"], size="2", id="details-when")),
                rx.cond(D.series_text != "", _detail("Series", rx.text("↻ ", D.series_text, size="2", id="details-series"))),
                _detail("Doctor", rx.hstack(swatch(d["colour"]), rx.text(d["doctor"], size="2"), align="center", spacing="2")),
                _detail("Clinic", rx.text(d["clinic"], size="2")),
                _detail("Client", rx.text(d["client"], size="2")),
                rx.cond(d["note"] != "", _detail("Note", rx.text(d["note"], size="2", white_space="pre-wrap"))),
                spacing="2",
                width="100%",
            ),
            error_callout(D.details_error, id="details-error"),
            rx.cond(
                D.cancelling,
                rx.box(_cancel_form(), width="100%", margin_top="1em"),
                rx.flex(
                    rx.foreach(
                        D.actions,
                        lambda a: rx.button(
                            a["label"],
                            size="2",
                            variant="soft",
                            color_scheme=rx.cond(a["target"] == "no_show", "red", "teal"),
                            on_click=D.set_status(a["target"]),
                        ),
                    ),
                    rx.cond(
                        d["can_cancel"] != "",
                        rx.button("Cancel appointment…", size="2", variant="soft", color_scheme="red", on_click=D.ask_cancel),
                    ),
                    wrap="wrap",
                    gap="0.5em",
                    margin_top="1em",
                    id="details-actions",
                ),
            ),
            rx.cond(D.can_move & ~D.cancelling, rx.box(_move_section(), width="100%", margin_top="1em")),
            rx.vstack(
                rx.text("History", weight="medium", size="3"),
                rx.foreach(D.history, _history_item),
                spacing="1",
                width="100%",
                margin_top="1em",
                id="details-history",
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                width="100%",
                margin_top="1em",
            ),
            id="details-dialog",
            max_width="560px",
        ),
        open=D.details_open,
        on_open_change=D.set_details_open,
    )


# --- the page ------------------------------------------------------------------------------------------


@signed_in_page("/staff/calendar", "Calendar", role="staff", on_load=CalendarState.load)
def staff_calendar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Calendar", size="7"),
            rx.hstack(
                rx.text(C.summary, size="2", color_scheme="gray", id="calendar-summary"),
                rx.link(rx.button(rx.icon("file-text", size=15), "Reports", variant="soft", size="2"), href="/staff/reports"),
                align="center",
                spacing="3",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        _filters(),
        rx.cond(C.notice != "", rx.callout(C.notice, icon="info", color_scheme="blue", width="100%", id="calendar-notice")),
        error_callout(C.error, id="calendar-error"),
        rx.box(
            calendar(
                id="clinic-calendar",
                events=C.events,
                initial_view="timeGridWeek",
                follow_url=True,
                clinic_time_zone=C.time_zone,
                slot_min_time=C.slot_min_time,
                slot_max_time=C.slot_max_time,
                on_dates_set=C.load_range,
                on_date_click=D.date_clicked,
                on_event_click=D.event_clicked,
            ),
            data_shown=C.shown,
            id="calendar-box",
            width="100%",
        ),
        rx.text(
            rx.cond(
                C.shown.startswith("dayGridMonth"),
                "The month shows bookings only: open a week or a day to see free slots and book. "
                "Click a booking to see it, change its status or move it. Other desks' changes appear here by themselves.",
                "Dashed boxes are free slots, marked with the doctor's initials (see the doctors above): click one to book it. "
                "Click a booking to see it, change its status or move it. Other desks' changes appear here by themselves.",
            ),
            size="1",
            color_scheme="gray",
            id="calendar-footer",
        ),
        _booking_dialog(),
        _details_dialog(),
        spacing="4",
        width="100%",
    )
