"""The clinic desk: the home page of clinic staff. Today's appointments first, then the sections."""

import reflex as rx

from miwell.accounts.states import StaffHomeState
from miwell.scheduling.states import AppointmentsState
from miwell.scheduling.states.desk import RequestRow, UrgentRequestsState
from miwell.ui.clinic import appointments_table
from miwell.ui.layout import signed_in_page
from miwell.ui.tables import data_table

SECTIONS = [
    ("Calendar", "/staff/calendar", "calendar-days", "Every booking, free slots, live"),
    ("Doctors", "/staff/doctors", "stethoscope", "Agendas, free slots and booking"),
    ("Patients", "/staff/patients", "heart_handshake", "The people the clinic cares for"),
    ("Clients", "/staff/clients", "contact", "Who books and is responsible"),
    ("Waiting list", "/staff/waitlist", "list-ordered", "Freed times offered to who waits"),
    ("Reports", "/staff/reports", "file-text", "Counts, no-shows, CSV and calendar files"),
]


def _section_link(title: str, href: str, icon: str, text: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.icon(icon, size=22),
                rx.vstack(rx.text(title, weight="bold"), rx.text(text, size="2", color_scheme="gray"), spacing="0"),
                align="center",
                spacing="3",
            ),
            width="100%",
        ),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        width="100%",
    )


def _request(r: RequestRow) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.badge(rx.icon("siren", size=13), "URGENT", color_scheme="red", variant="solid"),
                    rx.text(r.patient, weight="bold", size="3"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(r.reason, size="2"),
                rx.text("Asked by ", r.by, " · ", r.when, size="1", color_scheme="gray"),
                spacing="1",
            ),
            rx.hstack(
                rx.link(rx.button("Open calendar", variant="soft", size="2"), href="/staff/calendar"),
                rx.button("Dealt with", on_click=UrgentRequestsState.handled(r.id), size="2", color_scheme="red", variant="outline"),
                spacing="2",
                wrap="wrap",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        padding="0.8em 1em",
        border_radius="10px",
        border_left=f"5px solid {rx.color('red', 9)}",
        background=rx.color("red", 2),
        width="100%",
        class_name="urgent-request",
    )


def _urgent_requests() -> rx.Component:
    return rx.cond(
        UrgentRequestsState.requests.length() > 0,
        rx.vstack(
            rx.heading("Urgent appointments asked for", size="5"),
            rx.text("A psychiatrist needs these patients seen soon. Book them from the calendar, then mark the request dealt with.", size="2", color_scheme="gray"),
            rx.foreach(UrgentRequestsState.requests, _request),
            spacing="2",
            width="100%",
            id="urgent-requests",
        ),
    )


@signed_in_page("/staff", "Clinic desk", role="staff", on_load=[AppointmentsState.load_today, StaffHomeState.load, UrgentRequestsState.load])
def staff_home() -> rx.Component:
    return rx.vstack(
        rx.heading("Clinic desk", size="7"),
        _urgent_requests(),
        rx.grid(*[_section_link(*s) for s in SECTIONS], columns=rx.breakpoints(initial="1", sm="2", md="3"), spacing="3", width="100%"),
        rx.heading(AppointmentsState.heading, size="5", margin_top="0.5em"),
        appointments_table("No appointments today. Book one from the calendar or a doctor's page."),
        rx.heading("Your psychiatrists on MiWell", size="4", margin_top="1em"),
        rx.text(
            "Psychiatrists linked to a doctor record of your organisation, and how many patients each looks after on MiWell.",
            color_scheme="gray",
            size="2",
        ),
        data_table(
            StaffHomeState.psychiatrists,
            [("Psychiatrist", "name"), ("Email", "email"), ("Phone", "phone"), ("Patients", "patients")],
            "No psychiatrist is linked to your doctors yet: add their MiWell account on a doctor's page.",
            id="psychiatrists-table",
        ),
        spacing="4",
        width="100%",
    )
