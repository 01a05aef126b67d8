"""Simple tables built from lists of dicts held by a state."""

from __future__ import annotations

import reflex as rx


def data_table(rows: rx.Var, columns: list[tuple[str, str]], empty: str, id: str = "") -> rx.Component:
    """``columns`` are (heading, key) pairs; each row is a dict of strings."""
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h, _ in columns])),
            rx.table.body(
                rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(row[key]) for _, key in columns]))
            ),
            variant="surface",
            width="100%",
            id=id or None,
        ),
        rx.callout(empty, icon="info", color_scheme="gray", width="100%"),
    )
