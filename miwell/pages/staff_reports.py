"""Appointments report: a period's bookings grouped by day, with counts and CSV / .ics downloads."""

import reflex as rx

from miwell.scheduling.states import CountRow, ReportDay, ReportRow, ReportState
from miwell.scheduling.states.reports import AttendanceRow
from miwell.ui.clinic import labelled, status_badge, swatch
from miwell.ui.layout import error_callout, signed_in_page

R = ReportState

_SELECT_STYLE = {
    "padding": "0.45em 0.6em",
    "borderRadius": "8px",
    "width": "100%",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "fontSize": "0.95em",
}


def _select(name: str, label: str, value: rx.Var, first: str, options: rx.Var) -> rx.Component:
    return labelled(
        label,
        f"report-{name}",
        rx.el.select(
            rx.el.option(first, value=""),
            rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["id"])),
            id=f"report-{name}",
            value=value,
            on_change=lambda v: R.set_filter(name, v),
            style=_SELECT_STYLE,
        ),
    )


def _date(name: str, label: str, value: rx.Var) -> rx.Component:
    return labelled(
        label,
        f"report-{name}",
        rx.input(type="date", id=f"report-{name}", value=value, on_change=lambda v: R.set_filter(name, v), width="100%"),
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                _select("clinic_id", "Clinic", R.clinic_id, "All clinics", R.clinics),
                _select("doctor_id", "Doctor", R.doctor_id, "All doctors", R.doctors),
                _select("status", "Status", R.status, "Every status", R.statuses),
                labelled(
                    "Patient",
                    "report-patient",
                    rx.input(
                        id="report-patient",
                        placeholder="Part of the name",
                        default_value=R.patient,
                        on_change=R.set_patient.debounce(350),
                        width="100%",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.segmented_control.root(
                    rx.segmented_control.item("Day", value="day"),
                    rx.segmented_control.item("Week", value="week"),
                    rx.segmented_control.item("Month", value="month"),
                    rx.segmented_control.item("Range", value="range"),
                    value=R.period,
                    on_change=lambda v: R.set_filter("period", v),
                    id="report-period",
                ),
                rx.cond(
                    R.period == "range",
                    rx.hstack(
                        _date("range_start", "From", R.range_start),
                        _date("range_end", "To", R.range_end),
                        spacing="3",
                        align="end",
                    ),
                    rx.hstack(
                        rx.icon_button(rx.icon("chevron-left"), variant="soft", on_click=R.step(-1), aria_label="Previous period"),
                        _date("anchor", "Any day in the period", R.anchor),
                        rx.icon_button(rx.icon("chevron-right"), variant="soft", on_click=R.step(1), aria_label="Next period"),
                        spacing="2",
                        align="end",
                    ),
                ),
                spacing="5",
                align="end",
                wrap="wrap",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _count_chip(row: CountRow, with_colour: bool) -> rx.Component:
    return rx.hstack(
        swatch(row.colour) if with_colour else rx.fragment(),
        rx.text(row.label, size="2"),
        rx.text(row.count, size="2", weight="bold"),
        align="center",
        spacing="2",
        padding="0.3em 0.7em",
        border_radius="999px",
        background_color=rx.color("gray", 3),
        data_key=row.key,
        class_name="report-count",
    )


def _counts() -> rx.Component:
    return rx.grid(
        rx.card(
            rx.vstack(
                rx.text("By status", size="2", color_scheme="gray", weight="medium"),
                rx.flex(rx.foreach(R.by_status, lambda r: _count_chip(r, False)), wrap="wrap", gap="0.4em"),
                spacing="2",
            ),
            id="report-by-status",
        ),
        rx.card(
            rx.vstack(
                rx.text("By doctor", size="2", color_scheme="gray", weight="medium"),
                rx.cond(
                    R.by_doctor.length() > 0,
                    rx.flex(rx.foreach(R.by_doctor, lambda r: _count_chip(r, True)), wrap="wrap", gap="0.4em"),
                    rx.text("—", color_scheme="gray"),
                ),
                spacing="2",
            ),
            id="report-by-doctor",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def _attendance_row(row: AttendanceRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.label),
        rx.table.cell(row.appointments, text_align="right"),
        rx.table.cell(rx.text(row.no_shows, " ", rx.text.span("(", row.no_show_rate, ")", color_scheme="gray")), text_align="right"),
        rx.table.cell(
            rx.text(row.late_cancellations, " ", rx.text.span("(", row.late_rate, ")", color_scheme="gray")), text_align="right"
        ),
        data_key=row.key,
        class_name="attendance-row",
    )


def _attendance() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("No-shows and late cancellations", size="3", weight="bold"),
                rx.segmented_control.root(
                    rx.segmented_control.item("By patient", value="patient"),
                    rx.segmented_control.item("By doctor", value="doctor"),
                    rx.segmented_control.item("By month", value="month"),
                    value=R.grouping,
                    on_change=lambda v: R.set_filter("grouping", v),
                    size="1",
                    id="attendance-grouping",
                ),
                justify="between",
                align="center",
                width="100%",
                wrap="wrap",
                spacing="2",
            ),
            rx.text(
                "No-show rate: of the appointments not cancelled. Late: cancelled less than 24 hours before the start, "
                "as a share of all appointments.",
                size="1",
                color_scheme="gray",
            ),
            rx.cond(
                R.attendance.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(
                                    rx.match(R.grouping, ("doctor", "Doctor"), ("month", "Month"), "Patient")
                                ),
                                rx.table.column_header_cell("Booked", text_align="right"),
                                rx.table.column_header_cell("No-shows", text_align="right"),
                                rx.table.column_header_cell("Late", text_align="right", title="Late cancellations"),
                            )
                        ),
                        rx.table.body(rx.foreach(R.attendance, _attendance_row)),
                        variant="surface",
                        size="1",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text("No no-show and no late cancellation in this period.", size="2", color_scheme="gray"),
            ),
            rx.cond(R.attendance_note != "", rx.text(R.attendance_note, size="1", color_scheme="gray")),
            spacing="2",
            width="100%",
        ),
        id="report-attendance",
        width="100%",
    )


def _row(row: ReportRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.hours, white_space="nowrap", weight="medium")),
        rx.table.cell(rx.hstack(swatch(row.colour), rx.text(row.doctor), align="center", spacing="2")),
        rx.table.cell(rx.vstack(rx.text(row.patient), rx.text(row.client, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(row.clinic),
        rx.table.cell(status_badge(row.status, row.status_label)),
        style={"boxShadow": "inset 4px 0 0 " + row.colour},
        data_appointment_id=row.id,
        class_name="report-row",
    )


_COLUMNS = (("Time", "8em"), ("Doctor", "24%"), ("Patient and client", "26%"), ("Clinic", "24%"), ("Status", "auto"))


def _day(day: ReportDay) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(day.label, size="4"),
            rx.badge(rx.cond(day.total == 1, "1 appointment", day.total.to_string() + " appointments"), variant="soft"),
            align="center",
            spacing="3",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(heading, width=width)
                        for heading, width in _COLUMNS
                    ]
                )
            ),
            rx.table.body(rx.foreach(day.rows, _row)),
            variant="surface",
            width="100%",
            # The same column widths on every day, so the days read as one list.
            style={"tableLayout": "fixed"},
        ),
        spacing="2",
        width="100%",
        class_name="report-day",
    )


@signed_in_page("/staff/reports", "Reports", role="staff", on_load=ReportState.load)
def staff_reports() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading("Appointments report", size="7"),
                rx.text(R.period_label, color_scheme="gray", id="report-period-label"),
                spacing="1",
            ),
            rx.hstack(
                rx.button(rx.icon("download", size=16), "Download CSV", on_click=R.download_csv, id="download-csv"),
                rx.button(
                    rx.icon("calendar-plus", size=16),
                    "Doctor's .ics",
                    variant="soft",
                    on_click=R.download_ics,
                    disabled=R.doctor_id == "",
                    title="Choose a doctor: their appointments of the period, for any calendar program",
                    id="download-ics",
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        _filters(),
        error_callout(R.error, id="report-error"),
        rx.hstack(
            rx.text(
                rx.text.strong(R.total, id="report-total"),
                rx.cond(R.total == 1, " appointment", " appointments"),
                size="4",
            ),
            align="center",
        ),
        _counts(),
        rx.cond(R.total > 0, _attendance()),
        rx.cond(R.shown_note != "", rx.callout(R.shown_note, icon="info", color_scheme="blue", width="100%")),
        rx.cond(
            R.total > 0,
            rx.vstack(rx.foreach(R.days, _day), spacing="5", width="100%", id="report-days"),
            rx.cond(
                R.loaded & (R.error == ""),
                rx.callout("No appointment matches these filters in this period.", icon="info", color_scheme="gray", width="100%"),
            ),
        ),
        spacing="4",
        width="100%",
    )
