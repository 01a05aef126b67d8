"""The shared library of mindfulness tasks: add, edit, retire. Pinning is on a patient's page."""

import reflex as rx

from miwell.ui.layout import error_callout, signed_in_page
from miwell.wellbeing.models import TASK_DESCRIPTION_MAX, TASK_MINUTES_MAX, TASK_TITLE_MAX
from miwell.wellbeing.states import LibraryRow, TaskLibraryState

BANDS = [("low", "Low mood"), ("mid", "Middling"), ("high", "Good mood")]
BAND_COLOURS = {"low": "orange", "mid": "yellow", "high": "green"}


def _labelled(label: str, control: rx.Component, id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=id, style={"fontWeight": 500, "fontSize": "0.9em"}),
        control,
        spacing="1",
        width="100%",
    )


def _task_fields(title: rx.Var | str = "", description: rx.Var | str = "", minutes: rx.Var | str = "", band: rx.Var | str = "mid", prefix: str = "") -> list[rx.Component]:
    return [
        _labelled(
            "Title",
            rx.input(id=f"{prefix}title", name="title", default_value=title, max_length=TASK_TITLE_MAX, size="3", width="100%"),
            f"{prefix}title",
        ),
        _labelled(
            "What to do",
            rx.text_area(id=f"{prefix}description", name="description", default_value=description, max_length=TASK_DESCRIPTION_MAX, rows="3", width="100%"),
            f"{prefix}description",
        ),
        rx.grid(
            _labelled(
                "Minutes",
                rx.input(id=f"{prefix}minutes", name="minutes", type="number", default_value=minutes, min=1, max=TASK_MINUTES_MAX, size="3", width="100%"),
                f"{prefix}minutes",
            ),
            _labelled(
                "Suits",
                rx.el.select(
                    *[rx.el.option(label, value=value) for value, label in BANDS],
                    id=f"{prefix}band",
                    name="band",
                    default_value=band,
                    style={"padding": "0.55em", "borderRadius": "8px", "width": "100%", "border": f"1px solid {rx.color('gray', 7)}"},
                ),
                f"{prefix}band",
            ),
            columns="2",
            spacing="3",
            width="100%",
        ),
        rx.text("Low mood: Low, Sad, Awful · Middling: Okay, Uneasy · Good mood: Great, Good.", size="1", color_scheme="gray"),
    ]


def _new_task() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a task", size="4"),
                rx.text("Tasks are shared by every psychiatrist of MiWell.", size="1", color_scheme="gray"),
                error_callout(TaskLibraryState.error, id="task-error"),
                *_task_fields(prefix="new-"),
                rx.button("Add task", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=TaskLibraryState.create,
            reset_on_submit=False,
            key=TaskLibraryState.form_key.to_string(),
        ),
        width="100%",
    )


def _band_badge(band: rx.Var) -> rx.Component:
    return rx.match(
        band,
        *[(b, rx.badge(label, color_scheme=BAND_COLOURS[b], variant="soft")) for b, label in BANDS],
        rx.badge(band),
    )


def _history(t: LibraryRow) -> rx.Component:
    return rx.cond(
        t.versions.length() > 0,
        rx.el.details(
            rx.el.summary(
                rx.text("Changed · ", t.versions.length().to_string(), " earlier version(s)", size="1", color_scheme="gray", as_="span"),
                style={"cursor": "pointer"},
            ),
            rx.vstack(
                rx.foreach(
                    t.versions,
                    lambda v: rx.box(
                        rx.text(v.title, weight="medium", size="2", style=rx.cond(v.retired, {"opacity": "0.6"}, {})),
                        rx.text(v.description, size="1", color_scheme="gray"),
                        rx.text(
                            v.minutes.to_string() + " min · " + v.band + rx.cond(v.retired, " · retired", "")
                            + " · replaced by " + v.by + ", " + v.when,
                            size="1",
                            color_scheme="gray",
                        ),
                        padding="0.4em 0.6em",
                        border_radius="8px",
                        background=rx.color("gray", 3),
                        width="100%",
                    ),
                ),
                spacing="2",
                width="100%",
                margin_top="0.4em",
            ),
            class_name="task-versions",
        ),
    )


def _row(t: LibraryRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(t.title, weight="medium"),
                rx.text(t.description, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.text("By ", t.author, size="1", color_scheme="gray"),
                    rx.cond(t.mine, rx.badge("Yours", size="1", color_scheme="teal", variant="soft")),
                    spacing="2",
                    align="center",
                ),
                _history(t),
                spacing="1",
            )
        ),
        rx.table.cell(t.minutes.to_string() + " min", white_space="nowrap"),
        rx.table.cell(_band_badge(t.band)),
        rx.table.cell(
            rx.cond(
                t.editable,
                rx.hstack(
                    rx.button("Edit", size="1", variant="soft", on_click=TaskLibraryState.open_edit(t.id), aria_label="Edit " + t.title),
                    rx.cond(
                        t.retired,
                        rx.button("Bring back", size="1", variant="soft", color_scheme="green", on_click=TaskLibraryState.set_retired(t.id, False)),
                        rx.button("Retire", size="1", variant="soft", color_scheme="gray", on_click=TaskLibraryState.set_retired(t.id, True)),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text("Kept by its author or an admin", size="1", color_scheme="gray"),
            )
        ),
        style=rx.cond(t.retired, {"opacity": "0.55"}, {}),
        class_name="library-task",
    )


def _edit_dialog() -> rx.Component:
    t = TaskLibraryState.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit task"),
            rx.dialog.description("Changes apply to every patient it is suggested to from now on.", size="2", margin_bottom="1em"),
            rx.form(
                rx.vstack(
                    error_callout(TaskLibraryState.edit_error, id="edit-task-error"),
                    *_task_fields(t.title, t.description, t.minutes.to_string(), t.band, prefix="edit-"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Save task", type="submit"),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=TaskLibraryState.save_edit,
                reset_on_submit=False,
                key=TaskLibraryState.edit_id.to_string(),
            ),
            max_width="560px",
        ),
        open=TaskLibraryState.edit_id > 0,
        on_open_change=TaskLibraryState.close_edit,
    )


def _library(intro: str) -> rx.Component:
    return rx.vstack(
        rx.heading("Task library", size="7"),
        rx.text(intro, color_scheme="gray"),
        rx.grid(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Task", "Length", "Mood", "")])),
                rx.table.body(rx.foreach(TaskLibraryState.tasks, _row)),
                variant="surface",
                width="100%",
                id="tasks-table",
            ),
            _new_task(),
            columns=rx.breakpoints(initial="1", md="2fr 1fr"),
            spacing="4",
            width="100%",
            align="start",
        ),
        _edit_dialog(),
        spacing="4",
        width="100%",
    )


@signed_in_page("/psychiatrist/tasks", "Task library", role="psychiatrist", on_load=TaskLibraryState.load)
def psychiatrist_tasks() -> rx.Component:
    return _library(
        "Each patient is offered one task a day, matched to their mood and recent practice. "
        "You can change the tasks you wrote; the others are kept by their authors and the admins. "
        "To put a task first for one patient, pin it on their page."
    )


@signed_in_page("/admin/tasks", "Task library", role="admin", on_load=TaskLibraryState.load)
def admin_tasks() -> rx.Component:
    return _library(
        "The tasks patients are offered. Admins look after the tasks MiWell ships and can change any task; "
        "every change keeps the earlier version."
    )
