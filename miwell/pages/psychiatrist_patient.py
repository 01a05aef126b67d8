"""One patient, seen by their psychiatrist: contact, charts (live), entries with history, pins."""

import reflex as rx

from miwell.ui.layout import signed_in_page
from miwell.ui.alerts import book_urgent_button
from miwell.ui.reports import report_card, scores_section
from miwell.wellbeing.states.reports import MoodReportState
from miwell.ui.wellbeing import entry_body, mood_chart, pixel_grid, replies_list, reply_form, versions_list
from miwell.wellbeing.states import EntryRow, PatientPageState, TaskCard


def _contact_line(icon: str, label: str, value: rx.Var, href: rx.Var | None = None) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16, color=rx.color("gray", 10)),
        rx.text(label, size="2", color_scheme="gray"),
        rx.link(value, href=href, size="2") if href is not None else rx.text(value, size="2"),
        spacing="2",
        align="center",
    )


def _contact() -> rx.Component:
    s = PatientPageState
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Contact", size="4"),
                rx.cond(s.assist, rx.badge("Needs assistance", color_scheme="amber", variant="solid")),
                justify="between",
                width="100%",
            ),
            _contact_line("phone", "Phone", s.phone, "tel:" + s.phone.replace(" ", "")),
            _contact_line("mail", "Email", s.email, "mailto:" + s.email),
            _contact_line("contact", "Emergency contact", s.contact_name + " · " + s.contact_phone, "tel:" + s.contact_phone.replace(" ", "")),
            _contact_line("globe", "Time zone", s.timezone),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="patient-contact",
    )


def _pinned(t: TaskCard) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(t.title, weight="medium", size="2"),
            rx.text(t.minutes.to_string() + " min", size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.button("Unpin", size="1", variant="soft", color_scheme="gray", on_click=PatientPageState.unpin(t.id)),
        justify="between",
        align="center",
        width="100%",
    )


def _pins() -> rx.Component:
    s = PatientPageState
    return rx.card(
        rx.vstack(
            rx.heading("Pinned tasks", size="4"),
            rx.text("A pinned task is offered to the patient before any other.", size="1", color_scheme="gray"),
            rx.cond(
                s.pinned.length() > 0,
                rx.vstack(rx.foreach(s.pinned, _pinned), spacing="2", width="100%"),
                rx.text("Nothing pinned.", size="2", color_scheme="gray"),
            ),
            rx.grid(
                rx.select.root(
                    rx.select.trigger(placeholder="Choose a task to pin", width="100%", aria_label="Task to pin"),
                    rx.select.content(
                        rx.foreach(
                            s.task_options,
                            lambda t: rx.select.item(t.title + " (" + t.minutes.to_string() + " min)", value=t.id.to_string()),
                        )
                    ),
                    value=s.pin_choice,
                    on_change=s.set_pin_choice,
                ),
                rx.button("Pin", on_click=s.pin, disabled=s.pin_choice == ""),
                columns="minmax(0, 1fr) auto",
                spacing="2",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _entry(e: EntryRow) -> rx.Component:
    return rx.card(
        rx.grid(
            rx.vstack(
                entry_body(e),
                versions_list(e.versions),
                rx.text("Last saved ", e.updated, size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            rx.vstack(
                replies_list(e.replies, hide_mine=True),
                reply_form(e.id, e.my_reply, PatientPageState.save_reply),
                rx.cond(
                    e.reviewed,
                    rx.badge(rx.icon("check", size=12), "Reviewed", color_scheme="green", variant="soft"),
                    rx.button("Mark reviewed", size="1", variant="outline", on_click=PatientPageState.mark_reviewed(e.id)),
                ),
                spacing="2",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        class_name="patient-entry",
    )


def _every(kind: str, title: str, value: rx.Var, next_due: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(title, weight="medium", size="2", min_width="4.5em"),
        rx.select.root(
            rx.select.trigger(aria_label=f"How often {title} is due", id=f"every-{kind}"),
            rx.select.content(
                rx.select.item("Off", value="0"),
                rx.select.item("Every 2 weeks", value="2"),
                rx.select.item("Every 4 weeks", value="4"),
            ),
            value=value,
            on_change=lambda weeks: PatientPageState.set_schedule(kind, weeks),
            size="2",
        ),
        rx.cond(next_due != "", rx.text("next due ", next_due, size="1", color_scheme="gray")),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _questionnaires() -> rx.Component:
    s = PatientPageState
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Questionnaires", size="4"),
                rx.flex(_every("phq9", "PHQ-9", s.phq9_every, s.phq9_next), _every("gad7", "GAD-7", s.gad7_every, s.gad7_next), gap="1em", wrap="wrap"),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            rx.cond(
                s.has_scores,
                scores_section(s.scores, s.phq9_figure, s.gad7_figure, s.has_phq9, s.has_gad7),
                rx.text("No scores yet. Switch one on and the patient sees it on their Today page when it is due.", size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="questionnaires-card",
    )


def _found() -> rx.Component:
    s = PatientPageState
    return rx.vstack(
        rx.hstack(
            rx.link(rx.hstack(rx.icon("arrow-left", size=16), rx.text("My patients"), spacing="1", align="center"), href="/psychiatrist"),
            justify="start",
            width="100%",
        ),
        rx.hstack(
            rx.heading(s.name, size="7", id="patient-name"),
            book_urgent_button(s.current_patient, 0, s.name),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.grid(_contact(), _pins(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        mood_chart(s.figure, s.days, s.set_range),
        _questionnaires(),
        pixel_grid(s.pixels, s.streak, s.pick_day, s.picked_day),
        rx.heading("Entries", size="5", margin_top="0.5em"),
        rx.cond(
            s.entries.length() > 0,
            rx.vstack(rx.foreach(s.entries, _entry), spacing="3", width="100%", id="entries"),
            rx.callout("No entries yet.", icon="info", width="100%"),
        ),
        rx.cond(s.entries.length() < s.entry_total, rx.button("Show older entries", variant="soft", on_click=s.show_more)),
        report_card(for_patient=False),
        spacing="4",
        width="100%",
    )


@signed_in_page("/psychiatrist/patients/[patient_id]", "Patient", role="psychiatrist", on_load=[PatientPageState.load, MoodReportState.reset_for_psychiatrist])
def psychiatrist_patient() -> rx.Component:
    return rx.cond(
        PatientPageState.current_patient > 0,
        _found(),
        rx.cond(
            PatientPageState.missing,
            rx.callout(
                "That patient is not one of yours, or no longer exists.",
                icon="triangle_alert",
                color_scheme="red",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="3em"),
        ),
    )
