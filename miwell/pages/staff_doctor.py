"""One doctor: the booking flow, upcoming appointments, agendas and details."""

import reflex as rx

from miwell.scheduling.core.formatting import WEEKDAY_SHORT
from miwell.scheduling.states import DoctorExportState
from miwell.scheduling.states import DoctorPageState
from miwell.ui.clinic import (
    appointments_table,
    colour_picker,
    labelled,
    section_card,
    select_field,
    swatch,
)
from miwell.ui.layout import error_callout, field, signed_in_page

S = DoctorPageState


def _slot_button(slot: rx.Var) -> rx.Component:
    return rx.button(
        slot["label"],
        variant=rx.cond(S.chosen_slot == slot["start"], "solid", "outline"),
        size="2",
        on_click=S.choose_slot(slot["start"]),
        type="button",
        title=slot["clinic"],
    )


def _booking() -> rx.Component:
    return section_card(
        "Book an appointment",
        rx.hstack(
            labelled(
                "Day",
                "booking-day",
                rx.input(type="date", id="booking-day", value=S.day, on_change=S.pick_day, size="3", width="12em"),
            ),
            align="end",
            spacing="3",
        ),
        rx.cond(
            S.has_limits,
            rx.el.label(
                rx.switch(checked=S.outside_limits, on_change=S.set_outside_limits, id="outside-limits"),
                rx.text("Also show times inside the notice or beyond the horizon", size="2"),
                style={"display": "inline-flex", "alignItems": "center", "gap": "0.5em"},
            ),
        ),
        rx.text("Free slots on ", rx.text.strong(S.day_label), size="2", color_scheme="gray"),
        rx.cond(
            S.slots.length() > 0,
            rx.flex(rx.foreach(S.slots, _slot_button), wrap="wrap", spacing="2", id="free-slots"),
            rx.callout(
                rx.cond(
                    S.has_limits & ~S.outside_limits,
                    "No free slot on this day: no agenda covers it, the slots are taken, the time has passed, "
                    "or it is inside the agenda's notice or beyond its horizon.",
                    "No free slot on this day: no agenda covers it, the slots are taken or the time has passed.",
                ),
                icon="calendar_x",
                color_scheme="gray",
                width="100%",
            ),
        ),
        rx.form(
            rx.vstack(
                error_callout(S.booking_error, id="booking-error"),
                rx.cond(
                    S.chosen_slot != "",
                    rx.callout(S.chosen_label, icon="calendar_check", color_scheme="teal", width="100%"),
                    rx.text("Pick a free slot above, then the patient.", size="2", color_scheme="gray"),
                ),
                rx.grid(
                    select_field("Patient", "patient_id", S.patients, placeholder="Choose the patient"),
                    select_field("Client (who books)", "client_id", S.clients, default_value="self"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.button("Book", type="submit", disabled=S.chosen_slot == ""),
                spacing="3",
                width="100%",
            ),
            on_submit=S.book,
        ),
    )


def _calendar_file() -> rx.Component:
    return section_card(
        "Calendar file (.ics)",
        rx.text(
            "The doctor's appointments of a period, for Outlook, Google Calendar or Apple Calendar. "
            "Importing a newer file updates the same events.",
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.hstack(
                field("From", "ics_from", type="date", default_value=DoctorExportState.ics_from),
                field("To", "ics_to", type="date", default_value=DoctorExportState.ics_to),
                rx.button(rx.icon("download", size=16), "Download .ics", type="submit", size="3", id="download-doctor-ics"),
                align="end",
                spacing="3",
                width="100%",
                wrap="wrap",  # on a phone the button goes under the dates instead of pushing them off
            ),
            on_submit=DoctorExportState.download,
            key=DoctorExportState.ics_key,
        ),
    )


def _agenda_item(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row["clinic"], weight="medium", size="2"),
            rx.text(row["description"], size="2"),
            rx.cond(row["limits"] != "", rx.text(row["limits"], size="1", color_scheme="gray", class_name="agenda-limits")),
            spacing="0",
        ),
        rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=S.edit_agenda(row["id"])),
            rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=S.delete_agenda(row["id"])),
            spacing="1",
            flex_shrink="0",
        ),
        justify="between",
        align="start",
        width="100%",
        padding="0.6em",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="8px",
        background_color=rx.color("gray", 1),
        class_name="agenda-item",
    )


def _weekday_boxes() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend("Days of the week", style={"fontWeight": 500, "fontSize": "0.9em"}),
        rx.hstack(
            *[
                rx.el.label(
                    rx.el.input(type="checkbox", name=f"wd{d}", default_checked=S.agenda_form[f"wd{d}"] != ""),
                    rx.text(name, size="2"),
                    style={"display": "inline-flex", "alignItems": "center", "gap": "0.3em"},
                )
                for d, name in enumerate(WEEKDAY_SHORT)
            ],
            wrap="wrap",
            spacing="3",
        ),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _agenda_form() -> rx.Component:
    f = S.agenda_form
    return rx.form(
        rx.vstack(
            rx.heading(rx.cond(f["id"] != "", "Edit agenda", "Open an agenda"), size="3"),
            error_callout(S.agenda_error, id="agenda-error"),
            select_field("Clinic", "clinic_id", S.clinics, default_value=f["clinic_id"]),
            rx.grid(
                field("First day", "start_date", type="date", default_value=f["start_date"]),
                field("Last day", "end_date", type="date", default_value=f["end_date"]),
                field("From", "start_time", type="time", default_value=f["start_time"]),
                field("To", "end_time", type="time", default_value=f["end_time"]),
                columns="2",
                spacing="3",
                width="100%",
            ),
            field("Slot length (minutes)", "slot_minutes", type="number", default_value=f["slot_minutes"], min="5", step="5"),
            _weekday_boxes(),
            rx.el.fieldset(
                rx.el.legend("Booking limits (leave empty for none)", style={"fontWeight": 500, "fontSize": "0.9em"}),
                rx.grid(
                    field("Between sessions (min)", "buffer_minutes", type="number", default_value=f["buffer_minutes"], min="0", step="5", placeholder="0"),
                    field("Notice (hours)", "notice_hours", type="number", default_value=f["notice_hours"], min="0", placeholder="0"),
                    field("Up to (days ahead)", "horizon_days", type="number", default_value=f["horizon_days"], min="0", placeholder="no limit"),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                    width="100%",
                    align_items="end",  # the inputs line up even when a label wraps
                    margin_top="0.3em",
                ),
                rx.text(
                    "Patients and the calendar are offered only slots that keep these; "
                    "the desk may still book inside the notice or beyond the horizon here.",
                    size="1",
                    color_scheme="gray",
                ),
                style={"border": "none", "padding": "0", "margin": "0", "width": "100%"},
            ),
            rx.hstack(
                rx.button(rx.cond(f["id"] != "", "Save agenda", "Open agenda"), type="submit"),
                rx.cond(f["id"] != "", rx.button("Stop editing", variant="soft", color_scheme="gray", type="button", on_click=S.new_agenda)),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_agenda,
        key=S.agenda_key,
        id="agenda-form",
    )


def _agendas() -> rx.Component:
    return section_card(
        "Agendas",
        rx.text("Free slots are worked out from these; nothing is created per slot.", size="2", color_scheme="gray"),
        rx.cond(
            S.agendas.length() > 0,
            rx.vstack(rx.foreach(S.agendas, _agenda_item), spacing="2", width="100%", id="agendas-list"),
            rx.callout("No agenda yet: open one below so the doctor can be booked.", icon="info", color_scheme="gray", width="100%"),
        ),
        rx.cond(
            S.clinics.length() > 0,
            _agenda_form(),
            rx.callout("The organisation has no clinic yet. An admin adds clinics.", icon="info", width="100%"),
        ),
    )


def _details() -> rx.Component:
    return section_card(
        "Details",
        rx.form(
            rx.vstack(
                error_callout(S.details_error, id="details-error"),
                field("Full name", "full_name", default_value=S.name),
                field("Speciality", "speciality", default_value=S.speciality),
                colour_picker("colour", S.colour),
                field(
                    "Psychiatrist's MiWell account (optional)",
                    "psychiatrist_email",
                    type="email",
                    default_value=S.account_email,
                    hint="Its owner is asked to confirm in MiWell; the record is linked once they accept.",
                ),
                rx.cond(S.account_text != "—", rx.text("Now: ", S.account_text, size="1", color_scheme="gray", id="doctor-link-status")),
                rx.hstack(
                    rx.button("Save details", type="submit"),
                    rx.button("Delete doctor…", color_scheme="red", variant="soft", type="button", on_click=S.set_delete_open(True)),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_details,
            key=S.details_key,
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title("Delete ", S.name, "?"),
                rx.alert_dialog.description(
                    "Their agendas and their past and cancelled appointments are deleted too. "
                    "Upcoming appointments must be cancelled first."
                ),
                rx.vstack(
                    error_callout(S.delete_error, id="delete-doctor-error"),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("Keep", variant="soft", color_scheme="gray")),
                        rx.button("Delete for good", color_scheme="red", on_click=S.delete_doctor),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    margin_top="1em",
                ),
            ),
            open=S.delete_open,
            on_open_change=S.set_delete_open,
        ),
    )


@signed_in_page("/staff/doctors/[doctor_ref]", "Doctor", role="staff", on_load=[DoctorPageState.load, DoctorExportState.load])
def staff_doctor() -> rx.Component:
    return rx.vstack(
        rx.link("← All doctors", href="/staff/doctors", size="2"),
        rx.cond(
            S.found,
            rx.vstack(
                rx.hstack(
                    swatch(S.colour, "1.4em"),
                    rx.heading(S.name, size="7"),
                    rx.cond(S.speciality != "", rx.badge(S.speciality, variant="soft", size="2")),
                    align="center",
                    spacing="3",
                ),
                rx.grid(
                    rx.vstack(
                        _booking(),
                        section_card(
                            "Upcoming appointments",
                            rx.link("Open in the calendar →", href="/staff/calendar", size="2"),
                            appointments_table("Nothing booked from today on.", show_date=True),
                        ),
                        _calendar_file(),
                        spacing="4",
                        width="100%",
                    ),
                    rx.vstack(_agendas(), _details(), spacing="4", width="100%"),
                    columns=rx.breakpoints(initial="1", lg="minmax(0, 3fr) minmax(320px, 2fr)"),
                    spacing="4",
                    align="start",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                S.loaded,
                rx.callout("This doctor does not exist (it may have just been deleted).", icon="info", width="100%"),
                rx.spinner(size="3"),
            ),
        ),
        spacing="3",
        width="100%",
    )

