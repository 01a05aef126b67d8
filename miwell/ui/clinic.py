"""Components shared by the clinic pages: pickers, colour swatches, search boxes, appointment lists."""

from __future__ import annotations

from typing import Any

import reflex as rx

from miwell.scheduling.core.colours import PALETTE
from miwell.scheduling.states import ACTION_LABELS, AppointmentsState
from miwell.ui.layout import error_callout

_SELECT_STYLE = {
    "padding": "0.55em 0.6em",
    "borderRadius": "8px",
    "width": "100%",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "fontSize": "1em",
}
_LABEL_STYLE = {"fontWeight": 500, "fontSize": "0.9em"}

STATUS_COLOURS = {
    "scheduled": "blue",
    "confirmed": "teal",
    "checked_in": "amber",
    "completed": "green",
    "cancelled": "gray",
    "no_show": "red",
}


def labelled(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=_LABEL_STYLE),
        control,
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def select_field(
    label: str, name: str, options: rx.Var, default_value: Any = "", placeholder: str = "", hint: str = ""
) -> rx.Component:
    """A native select, so its value is part of the form's data; ``options`` are dicts with id and label."""
    first = [rx.el.option(placeholder, value="")] if placeholder else []
    return labelled(
        label,
        name,
        rx.el.select(
            *first,
            rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["id"])),
            name=name,
            id=name,
            default_value=default_value,
            style=_SELECT_STYLE,
        ),
        hint,
    )


def static_select_field(label: str, name: str, choices: list[str], default_value: Any = "") -> rx.Component:
    return labelled(
        label,
        name,
        rx.el.select(
            *[rx.el.option(c, value=c) for c in choices], name=name, id=name, default_value=default_value, style=_SELECT_STYLE
        ),
    )


def swatch(colour: Any, size: str = "1em") -> rx.Component:
    """A doctor's colour dot; a span, so it may sit inside a paragraph (dialog descriptions are <p>)."""
    return rx.el.span(
        style={
            "display": "inline-block",
            "width": size,
            "height": size,
            "borderRadius": "50%",
            "backgroundColor": colour,
            "flexShrink": "0",
        },
        aria_hidden="true",
    )


def colour_picker(name: str, selected: rx.Var) -> rx.Component:
    """Palette colours as radio buttons: the choice is part of the form, and typed values survive errors."""
    return rx.el.fieldset(
        rx.el.legend("Colour in the calendar", style=_LABEL_STYLE),
        rx.hstack(
            *[
                rx.el.label(
                    rx.el.input(
                        type="radio",
                        name=name,
                        value=colour,
                        default_checked=selected == colour,
                        aria_label=f"Colour {colour}",
                        style={"accentColor": colour, "margin": "0"},
                    ),
                    swatch(colour, "1.3em"),
                    style={"display": "inline-flex", "alignItems": "center", "gap": "0.25em", "cursor": "pointer"},
                )
                for colour in PALETTE
            ],
            wrap="wrap",
            spacing="3",
        ),
        style={"border": "none", "padding": "0", "margin": "0", "width": "100%"},
    )


def search_box(value: rx.Var, on_change: Any, placeholder: str, id: str) -> rx.Component:
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder=placeholder,
        value=value,
        on_change=on_change.debounce(300),
        aria_label=placeholder,
        id=id,
        width="100%",
        max_width="360px",
        size="2",
    )


def section_card(title: str, *children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4"), *children, spacing="3", width="100%"), width="100%", **props)


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[(key, rx.badge(label, color_scheme=colour, variant="soft")) for key, colour in STATUS_COLOURS.items()],
        rx.badge(label),
    )


def _action_button(row: rx.Var, target: str) -> rx.Component:
    on_click = (
        AppointmentsState.open_cancel(row["id"])
        if target == "cancelled"
        else AppointmentsState.set_status(row["id"], target)
    )
    return rx.cond(
        row[f"can_{target}"] != "",
        rx.button(
            ACTION_LABELS[target],
            size="1",
            variant="soft",
            color_scheme="red" if target in ("cancelled", "no_show") else "gray",
            on_click=on_click,
        ),
    )


def _appointment_row(row: rx.Var, show_date: bool) -> rx.Component:
    when = (
        rx.vstack(rx.text(row["day"], weight="medium"), rx.text(row["hours"], size="2"), spacing="0")
        if show_date
        else rx.text(row["hours"], weight="medium", white_space="nowrap")
    )
    cells = [rx.table.cell(when)]
    if not show_date:
        cells.append(
            rx.table.cell(
                rx.hstack(swatch(row["colour"]), rx.link(row["doctor"], href=row["doctor_href"]), align="center", spacing="2")
            )
        )
    cells += [
        rx.table.cell(rx.vstack(rx.text(row["patient"]), rx.text(row["client"], size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(row["clinic"]) if not show_date else None,
        rx.table.cell(
            rx.vstack(
                status_badge(row["status"], row["status_label"]),
                rx.flex(*[_action_button(row, t) for t in ACTION_LABELS], spacing="1", wrap="wrap"),
                spacing="2",
            )
        ),
    ]
    return rx.table.row(*[c for c in cells if c is not None])


def appointments_table(empty: str, show_date: bool = False) -> rx.Component:
    """The list held by ``AppointmentsState``: the desk shows times, doctors and clinics; a doctor's
    page shows days. The client (who booked) is the grey line under the patient."""
    headings = ["When"] if show_date else ["Time", "Doctor"]
    headings += ["Patient and client"] + ([] if show_date else ["Clinic"]) + ["Status"]
    return rx.vstack(
        error_callout(AppointmentsState.error, id="appointments-error"),
        rx.cond(
            AppointmentsState.rows.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headings])),
                rx.table.body(rx.foreach(AppointmentsState.rows, lambda r: _appointment_row(r, show_date))),
                variant="surface",
                width="100%",
                id="appointments-table",
            ),
            rx.callout(empty, icon="info", color_scheme="gray", width="100%"),
        ),
        cancel_dialog(),
        spacing="3",
        width="100%",
    )


def cancel_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this appointment?"),
            rx.alert_dialog.description(AppointmentsState.cancel_label),
            rx.form(
                rx.vstack(
                    error_callout(AppointmentsState.cancel_error, id="cancel-error"),
                    rx.vstack(
                        rx.el.label("Reason", html_for="reason", style=_LABEL_STYLE),
                        rx.text_area(name="reason", id="reason", placeholder="For example: the patient is unwell", width="100%"),
                        spacing="1",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Cancel appointment", color_scheme="red", type="submit"),
                        spacing="3",
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                    margin_top="1em",
                ),
                on_submit=AppointmentsState.confirm_cancel,
            ),
        ),
        open=AppointmentsState.cancel_open,
        on_open_change=AppointmentsState.set_cancel_open,
    )


def confirm_dialog(
    open: rx.Var, on_open_change: Any, title: str, description: Any, error: rx.Var, confirm_label: str, on_confirm: Any
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.vstack(
                error_callout(error),
                rx.hstack(
                    rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm),
                    spacing="3",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="1em",
            ),
        ),
        open=open,
        on_open_change=on_open_change,
    )
