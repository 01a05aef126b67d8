"""The patient's home page: today's check-in in a few seconds, then a task and a kind word."""

import reflex as rx

from miwell.accounts.states import PatientHomeState
from miwell.ui.layout import error_callout, signed_in_page
from miwell.ui.wellbeing import feeling_chips, minutes_slider, mood_picker, note_box
from miwell.wellbeing.states import SAVE_BUTTON, TodayState
from miwell.ui.appointments import PatientAppointmentsState, upcoming_appointments_card
from miwell.scheduling.states import LinkRequestsState
from miwell.ui.links import link_requests_card
from miwell.ui.questionnaires import questionnaire_card
from miwell.ui.support import crisis_panel
from miwell.wellbeing.core.risk import SCREENER_QUESTIONS
from miwell.wellbeing.states.questionnaires import QuestionnaireState

SUPPORT_LINE = (
    "Thank you for telling us how today is. Your psychiatrist will see this entry. If you need "
    "someone to talk to now, tap Need help now? at the top of the page."
)


def _status_line() -> rx.Component:
    """Exactly one of: saved (until the next change), not saved yet, or what went wrong."""
    return rx.box(
        rx.match(
            TodayState.status,
            (
                "saved",
                rx.callout(
                    rx.cond(TodayState.saved_at != "", "Saved at " + TodayState.saved_at + ". ", "Saved. ")
                    + "You can change it until midnight.",
                    icon="circle-check",
                    color_scheme="green",
                    size="1",
                    id="saved-note",
                ),
            ),
            (
                "editing",
                rx.text(
                    rx.cond(TodayState.saved, "Changed, not saved yet: tap Save to update today's entry.", "Not saved yet: tap Save."),
                    size="2",
                    color_scheme="gray",
                    id="unsaved-note",
                ),
            ),
            ("error", error_callout(TodayState.error, id="entry-error")),
            rx.text("Choose a face, then tap Save. The rest is optional.", size="2", color_scheme="gray", id="new-note"),
        ),
        rx.text("", id="save-entry-unsent", role="alert", display="none", color=rx.color("red", 11), weight="medium", size="2"),
        aria_live="polite",
        width="100%",
    )


def _check_in() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("How are you feeling today?", size="5"),
                rx.text(TodayState.day_label, color_scheme="gray", size="2"),
                justify="between",
                align="baseline",
                width="100%",
                wrap="wrap",
            ),
            mood_picker(TodayState.score, TodayState.choose_mood),
            feeling_chips(TodayState.feelings, TodayState.toggle_feeling),
            note_box(TodayState.note, TodayState.set_note, TodayState.note_length, TodayState.note_too_long),
            minutes_slider(TodayState.minutes, TodayState.set_minutes, TodayState.form_key),
            _status_line(),
            rx.button(
                rx.cond(TodayState.saved, "Save changes", "Save"),
                on_click=[rx.call_script(f"window.miwellSave && window.miwellSave.sent('{SAVE_BUTTON}')"), TodayState.save],
                size="3",
                id=SAVE_BUTTON,
                width=rx.breakpoints(initial="100%", sm="auto"),
                disabled=TodayState.status == "saved",
                align_self="end",
            ),
            spacing="4",
            width="100%",
        ),
        size=rx.breakpoints(initial="2", sm="3"),
        width="100%",
    )


def _task_card() -> rx.Component:
    task = TodayState.task
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("leaf", color=rx.color("teal", 10)),
                rx.text("Today's mindfulness task", size="2", color_scheme="gray", weight="medium"),
                rx.cond(task.pinned, rx.badge("Chosen by your psychiatrist", color_scheme="teal", variant="soft")),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.heading(task.title, size="5"),
            rx.text(task.description, size="3"),
            rx.badge(task.minutes.to_string() + " minutes", variant="outline", size="2"),
            spacing="2",
            align="start",
        ),
        id="task-card",
        width="100%",
        style={"borderTop": f"4px solid {rx.color('teal', 9)}"},
    )


def _message_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("sun", color=rx.color("amber", 10)),
                rx.text("A word for today", size="2", color_scheme="gray", weight="medium"),
                spacing="2",
                align="center",
            ),
            rx.text(TodayState.message, size="4", style={"fontStyle": "italic"}),
            spacing="2",
            align="start",
        ),
        id="message-card",
        width="100%",
        style={"borderTop": f"4px solid {rx.color('amber', 9)}"},
    )


def _support() -> rx.Component:
    """Tied to the saved entry: in full while it is what is on screen (urgent: the numbers to
    call; watch: a gentle word), folded into a link while the patient edits, so the page keeps
    one clear state. "Need help now?" stays in the header either way."""
    return rx.cond(
        TodayState.saved_needs_support,
        rx.cond(
            TodayState.status == "saved",
            rx.cond(
                TodayState.risk == "urgent",
                crisis_panel(id="support-callout"),
                rx.callout(SUPPORT_LINE, icon="heart-handshake", color_scheme="iris", width="100%", id="support-callout"),
            ),
            rx.el.details(
                rx.el.summary(rx.text("Support for today's saved entry", size="2", weight="medium", as_="span"), style={"cursor": "pointer"}),
                rx.box(
                    rx.cond(TodayState.risk == "urgent", crisis_panel(id="support-folded"), rx.text(SUPPORT_LINE, size="2")),
                    margin_top="0.4em",
                ),
                id="support-link",
            ),
        ),
    )


def _yes_no(question: str, chosen: rx.Var) -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                label,
                on_click=TodayState.answer_screener(question, value),
                size="3",
                variant=rx.cond(chosen == value, "solid", "surface"),
                color_scheme="iris",
                aria_pressed=rx.cond(chosen == value, "true", "false"),
                id=f"screener-{question}-{value}",
                flex="1",
            )
            for value, label in (("yes", "Yes"), ("no", "No"))
        ],
        width="100%",
        max_width="20em",
        spacing="2",
    )


def _screener() -> rx.Component:
    """Asked gently, right after saving; optional, and never in the way of the save."""
    return rx.cond(
        TodayState.saved & TodayState.asks_screener,
        rx.card(
            rx.vstack(
                rx.heading("Two questions, if you feel able", size="4"),
                rx.text(
                    "Your entry is saved. These help your psychiatrist understand how you are. You can skip them.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(SCREENER_QUESTIONS[0], size="3", weight="medium"),
                _yes_no("wish", TodayState.screener_wish),
                rx.text(SCREENER_QUESTIONS[1], size="3", weight="medium"),
                _yes_no("thoughts", TodayState.screener_thoughts),
                rx.button(
                    rx.cond((TodayState.screener_wish != "") | (TodayState.screener_thoughts != ""), "Done", "Not now"),
                    on_click=TodayState.skip_screener,
                    variant="ghost",
                    size="3",
                    id="screener-close",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="screener",
        ),
    )


def _after_saving() -> rx.Component:
    return rx.cond(
        TodayState.saved,
        rx.vstack(
            _support(),
            _screener(),
            questionnaire_card(),
            rx.grid(
                rx.cond(TodayState.task.id > 0, _task_card()),
                rx.cond(TodayState.message != "", _message_card()),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
    )


def _care_team() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text("Your psychiatrist", size="2", color_scheme="gray"),
                rx.heading(PatientHomeState.psychiatrist_name, size="4", id="assigned-psychiatrist"),
                spacing="1",
            ),
            rx.vstack(
                rx.link(PatientHomeState.psychiatrist_email, href="mailto:" + PatientHomeState.psychiatrist_email, size="2"),
                rx.text(PatientHomeState.psychiatrist_phone, size="2"),
                spacing="1",
                align="end",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        width="100%",
    )


@signed_in_page("/patient", "Today", role="patient", on_load=[PatientHomeState.load, TodayState.load, QuestionnaireState.load, PatientAppointmentsState.load, LinkRequestsState.load])
def patient_home() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Hello, ", PatientHomeState.user_name, size="7"),
            rx.cond(
                TodayState.streak > 0,
                rx.badge(
                    "🔥 ",
                    rx.cond(TodayState.streak == 1, "1 day in a row", TodayState.streak.to_string() + " days in a row"),
                    color_scheme="orange",
                    size="3",
                    id="streak",
                ),
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(TodayState.loaded, _check_in(), rx.center(rx.spinner(size="3"), width="100%", padding="3em")),
        _after_saving(),
        link_requests_card(),
        upcoming_appointments_card(),
        _care_team(),
        spacing="5",
        width="100%",
    )
