"""Download cards (mood report, all my data) and the questionnaire scores with their bands."""

from __future__ import annotations

import reflex as rx

from miwell.wellbeing.states.questionnaires import ScoreRow
from miwell.wellbeing.states.reports import MoodReportState as R


def _date_field(label: str, id: str, value: rx.Var, on_change) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=id, font_size="var(--font-size-2)"),
        rx.input(type="date", id=id, value=value, on_change=on_change, size="3", aria_label=label + " (date)"),
        spacing="1",
    )


def report_card(for_patient: bool) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon("file-down", color=rx.color("teal", 10)), rx.heading("Mood report", size="4"), spacing="2", align="center"),
            rx.text(
                "A PDF to take to any doctor: the mood chart with its 7-day average, mindfulness minutes, questionnaire scores and the entries. Empty dates mean the last 30 days."
                if for_patient
                else "The patient's mood report for a period, as PDF or CSV. Empty dates mean the last 30 days.",
                size="2",
                color_scheme="gray",
            ),
            rx.flex(
                _date_field("From", "report-first", R.first, R.set_first),
                _date_field("To", "report-last", R.last, R.set_last),
                gap="0.75em",
                wrap="wrap",
            ),
            rx.vstack(
                rx.text("The notes" + (" (left out unless you include them)" if for_patient else ""), size="2", id="report-notes-label"),
                # A two-way choice with phone-sized targets, where a checkbox would be a 20 px square.
                rx.segmented_control.root(
                    rx.segmented_control.item("Leave out", value="out"),
                    rx.segmented_control.item("Include", value="in"),
                    value=rx.cond(R.include_notes, "in", "out"),
                    on_change=R.choose_notes,
                    id="report-notes",
                    aria_labelledby="report-notes-label",
                ),
                spacing="1",
            ),
            rx.cond(R.error != "", rx.callout(R.error, icon="triangle-alert", color_scheme="red", size="1", id="report-error")),
            rx.flex(
                rx.button(rx.icon("file-text", size=16), "Download PDF", on_click=R.download_pdf, size="3", id="download-pdf"),
                rx.button(rx.icon("table", size=16), "Download CSV", on_click=R.download_csv, size="3", variant="soft", id="download-csv"),
                gap="0.6em",
                wrap="wrap",
            ),
            rx.cond(
                for_patient,
                rx.vstack(
                    rx.separator(size="4"),
                    rx.text("All your data: every entry with its earlier versions, replies, questionnaire answers and appointments, as CSV and JSON files in one ZIP.", size="2", color_scheme="gray"),
                    rx.button(rx.icon("archive", size=16), "Download all my data", on_click=R.download_all, size="3", variant="outline", id="download-all"),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="report-card",
    )


# Read-only charts: Plotly's toolbar is a row of 24 px buttons nobody needs on a phone.
_STILL = {"displayModeBar": False, "responsive": True}


def _score(row: ScoreRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.day),
        rx.table.cell(row.title),
        rx.table.cell(row.total.to_string(), text_align="right"),
        rx.table.cell(row.band),
    )


def scores_section(rows: rx.Var, phq9: rx.Var, gad7: rx.Var, show_phq9: rx.Var, show_gad7: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.cond(show_phq9, rx.card(rx.plotly(data=phq9, width="100%", config=_STILL), width="100%", id="phq9-chart")),
            rx.cond(show_gad7, rx.card(rx.plotly(data=gad7, width="100%", config=_STILL), width="100%", id="gad7-chart")),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Date"),
                        rx.table.column_header_cell("Questionnaire"),
                        rx.table.column_header_cell("Total", text_align="right"),
                        rx.table.column_header_cell("Band"),
                    )
                ),
                rx.table.body(rx.foreach(rows, _score)),
                size="1",
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
            id="scores-table",
        ),
        spacing="3",
        width="100%",
    )
