"""The patient's history: chart, year in pixels, streak, and their entries with replies."""

import reflex as rx

from miwell.ui.layout import error_callout, signed_in_page
from miwell.ui.wellbeing import (
    entry_body,
    feeling_chips,
    minutes_slider,
    mood_chart,
    mood_picker,
    note_box,
    pixel_grid,
    replies_list,
    versions_list,
)
from miwell.ui.reports import report_card, scores_section
from miwell.wellbeing.core.moods import FEELINGS
from miwell.wellbeing.states.reports import MoodReportState
from miwell.wellbeing.states import EntryRow, HistoryState


def _entry(e: EntryRow) -> rx.Component:
    return rx.card(
        rx.grid(
            rx.vstack(
                entry_body(e, show_risk=False),
                versions_list(e.versions),
                rx.hstack(
                    rx.button(rx.icon("pencil", size=14), "Edit", size="1", variant="soft", on_click=HistoryState.open_edit(e.id)),
                    rx.button(
                        rx.icon("trash-2", size=14), "Delete", size="1", variant="soft", color_scheme="red", on_click=HistoryState.ask_delete(e.id)
                    ),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(replies_list(e.replies), spacing="2", width="100%"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        class_name="history-entry",
    )


def _feeling_filter() -> rx.Component:
    """Show only the days with one feeling: "when was I anxious?"."""

    def chip(key: str, label: str) -> rx.Component:
        on = HistoryState.feeling_filter == key
        return rx.button(
            label,
            size="1",
            radius="full",
            variant=rx.cond(on, "solid", "outline"),
            color_scheme=rx.cond(on, "teal", "gray"),
            aria_pressed=rx.cond(on, "true", "false"),
            on_click=HistoryState.set_feeling_filter(key),
        )

    return rx.vstack(
        rx.text("Show only days when you felt:", size="2", color_scheme="gray"),
        rx.flex(*[chip(f.key, f.label) for f in FEELINGS], wrap="wrap", gap="0.4em", id="feeling-filter"),
        spacing="1",
        width="100%",
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit your entry for ", HistoryState.edit_day),
            rx.dialog.description("The earlier version is kept, and your psychiatrist can see both.", size="2", margin_bottom="1em"),
            rx.vstack(
                mood_picker(HistoryState.score, HistoryState.choose_mood, size="small"),
                feeling_chips(HistoryState.feelings, HistoryState.toggle_feeling, id="edit-feelings"),
                note_box(HistoryState.note, HistoryState.set_note, HistoryState.note_length, HistoryState.note_too_long, id="edit-note"),
                minutes_slider(HistoryState.minutes, HistoryState.set_minutes, HistoryState.form_key, id="edit-minutes", label="Mindfulness minutes"),
                error_callout(HistoryState.error, id="edit-error"),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save changes", on_click=HistoryState.save_edit),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="640px",
        ),
        open=HistoryState.edit_id > 0,
        on_open_change=HistoryState.close_edit,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete the entry for ", HistoryState.delete_day, "?"),
            rx.alert_dialog.description("The entry, its earlier versions and any replies are deleted. This cannot be undone."),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Delete", color_scheme="red", on_click=HistoryState.confirm_delete)),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=HistoryState.delete_id > 0,
        on_open_change=HistoryState.cancel_delete,
    )


@signed_in_page("/patient/history", "Your history", role="patient", on_load=[HistoryState.load, MoodReportState.reset_for_patient])
def patient_history() -> rx.Component:
    return rx.vstack(
        rx.heading("Your history", size="7"),
        rx.cond(
            HistoryState.loaded,
            rx.vstack(
                mood_chart(HistoryState.figure, HistoryState.days, HistoryState.set_range),
                pixel_grid(HistoryState.pixels, HistoryState.streak, HistoryState.pick_day, HistoryState.picked_day),
                rx.cond(
                    HistoryState.scores.length() > 0,
                    rx.vstack(
                        rx.heading("Your questionnaires", size="5", margin_top="0.5em"),
                        scores_section(HistoryState.scores, HistoryState.phq9_figure, HistoryState.gad7_figure, HistoryState.has_phq9, HistoryState.has_gad7),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.heading("Your entries", size="5", margin_top="0.5em"),
                _feeling_filter(),
                rx.cond(
                    HistoryState.entries.length() > 0,
                    rx.vstack(rx.foreach(HistoryState.entries, _entry), spacing="3", width="100%", id="entries"),
                    rx.cond(
                        HistoryState.feeling_filter != "",
                        rx.callout("No entry has that feeling yet.", icon="info", width="100%"),
                        rx.callout("No entries yet. Your first check-in on the Today page starts your history.", icon="info", width="100%"),
                    ),
                ),
                rx.cond(
                    HistoryState.entries.length() < HistoryState.entry_total,
                    rx.button("Show older entries", variant="soft", on_click=HistoryState.show_more),
                ),
                report_card(for_patient=True),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="3em"),
        ),
        _edit_dialog(),
        _delete_dialog(),
        spacing="4",
        width="100%",
    )
