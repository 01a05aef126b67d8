"""Simple tables built from lists of dicts held by a state."""

from __future__ import annotations

import reflex as rx


# Values that read wrong when broken over lines (a phone number over four lines, a date).
NOWRAP_KEYS = frozenset({"phone", "created", "born", "when", "hours"})


def data_table(rows: rx.Var, columns: list[tuple[str, str]], empty: str, id: str = "") -> rx.Component:
    """``columns`` are (heading, key) pairs; each row is a dict of strings.

    The table scrolls inside its own box when it is wider than its column, never the page.
    """
    return rx.cond(
        rows.length() > 0,  # type: ignore[attr-defined]
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h, _ in columns])),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda row: rx.table.row(
                            *[rx.table.cell(row[key], white_space="nowrap" if key in NOWRAP_KEYS else None) for _, key in columns]
                        ),
                    )
                ),
                variant="surface",
                width="100%",
                id=id or None,
            ),
            class_name="table-scroll",
        ),
        rx.callout(empty, icon="info", color_scheme="gray", width="100%"),
    )
