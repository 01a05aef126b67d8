"""Admin: psychiatrists awaiting approval, every psychiatrist's standing, and invitations."""

import reflex as rx

from miwell.accounts.states import InvitationRow, PsychiatristCard, VettingState
from miwell.ui.clinic import select_field
from miwell.ui.layout import error_callout, field, signed_in_page

STANDING_COLOURS = {"pending": "amber", "approved": "green", "rejected": "gray", "suspended": "red"}


def _standing_badge(card: PsychiatristCard) -> rx.Component:
    return rx.match(
        card.standing,
        *[(s, rx.badge(card.standing_label, color_scheme=c, variant="soft")) for s, c in STANDING_COLOURS.items()],
        rx.badge(card.standing_label),
    )


def _detail(label: str, value: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="8.5em"),
        rx.text(value, size="2", weight="medium", style={"overflowWrap": "anywhere"}),
        spacing="2",
        align="baseline",
        width="100%",
    )


def _action(label: str, card: PsychiatristCard, action: str, colour: str, variant: str = "soft") -> rx.Component:
    return rx.button(
        label,
        size="2",
        variant=variant,
        color_scheme=colour,
        on_click=VettingState.open_decision(card.id, action),
        aria_label=f"{label} " + card.name,
    )


def _pending_card(card: PsychiatristCard) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading(card.name, size="4"), _standing_badge(card), justify="between", align="center", width="100%", wrap="wrap"),
            _detail("GMC number", card.number),
            _detail("Email", card.email),
            _detail("Phone", card.phone),
            _detail("Signed up", card.registered),
            rx.hstack(
                _action("Approve", card, "approve", "green", "solid"),
                _action("Reject", card, "reject", "gray"),
                spacing="2",
                justify="end",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        class_name="pending-psychiatrist",
        width="100%",
    )


def _row(card: PsychiatristCard) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(card.name, weight="medium"),
                rx.text(card.email, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(card.number),
        rx.table.cell(
            rx.vstack(
                _standing_badge(card),
                rx.text(card.reason, size="1", color_scheme="gray"),
                rx.cond(card.changed != "", rx.text(card.changed, size="1", color_scheme="gray")),
                spacing="1",
            )
        ),
        rx.table.cell(rx.vstack(rx.text(card.patients.to_string()), rx.text(card.intake, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(
            rx.match(
                card.standing,
                ("approved", _action("Suspend", card, "suspend", "red")),
                ("suspended", _action("Reinstate", card, "reinstate", "green")),
                ("rejected", _action("Approve", card, "approve", "green")),
                rx.fragment(),
            )
        ),
    )


def _decision_dialog() -> rx.Component:
    suspending = VettingState.decide_action == "suspend"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(VettingState.decide_label, " ", VettingState.decide_name),
            rx.form(
                rx.vstack(
                    error_callout(VettingState.decide_error, id="decide-error"),
                    rx.cond(
                        suspending & (VettingState.decide_patients > 0),
                        rx.vstack(
                            rx.callout(
                                VettingState.decide_name + " has " + VettingState.decide_patients.to_string()
                                + " patient(s). They and their open alerts go to the psychiatrist you choose, "
                                "or to whoever has the fewest patients. Their sessions end at once.",
                                icon="arrow-right-left",
                                color_scheme="amber",
                                width="100%",
                            ),
                            select_field(
                                "Hand their patients to",
                                "hand_over_to",
                                VettingState.handover_options,
                                placeholder="Whoever has the fewest patients and is taking new ones",
                            ),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                    rx.vstack(
                        rx.el.label("Why", html_for="reason", style={"fontWeight": 500, "fontSize": "0.9em"}),
                        rx.text_area(id="reason", name="reason", placeholder=VettingState.decide_prompt, rows="3", width="100%", max_length=500),
                        rx.text("Kept with the decision, with your name and the time.", size="1", color_scheme="gray"),
                        spacing="1",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button(VettingState.decide_label, type="submit", color_scheme=rx.cond(suspending, "red", "teal")),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=VettingState.decide,
                reset_on_submit=False,
                key=VettingState.decide_id.to_string() + VettingState.decide_action,
            ),
            max_width="520px",
        ),
        open=VettingState.decide_id > 0,
        on_open_change=VettingState.close_decision,
    )


def _invitation_row(inv: InvitationRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(inv.email), rx.text(inv.name, size="1", color_scheme="gray"), spacing="0")),
        rx.table.cell(inv.status),
        rx.table.cell(rx.button("Withdraw", size="1", variant="soft", color_scheme="gray", on_click=VettingState.withdraw(inv.id))),
    )


def _invitations() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Invite a psychiatrist", size="4"),
            rx.text(
                "The link lets them set up an approved account once, within 7 days. Inviting the same "
                "address again replaces the link.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    error_callout(VettingState.invite_error, id="invite-error"),
                    field("Their email", "email", type="email"),
                    field("Their name (optional)", "full_name"),
                    rx.button("Create invitation link", type="submit"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=VettingState.invite,
                reset_on_submit=False,
                id="invite-form",
            ),
            rx.cond(
                VettingState.new_link != "",
                rx.callout(
                    rx.vstack(
                        rx.text("Send this link to ", rx.text.strong(VettingState.new_link_email), ". It is shown only now:"),
                        rx.code(VettingState.new_link, id="invitation-link", style={"overflowWrap": "anywhere", "whiteSpace": "normal"}),
                        rx.hstack(
                            rx.button("Copy link", size="1", on_click=rx.set_clipboard(VettingState.new_link)),
                            rx.button("Done", size="1", variant="soft", color_scheme="gray", on_click=VettingState.dismiss_link),
                            spacing="2",
                        ),
                        spacing="2",
                    ),
                    icon="link",
                    color_scheme="teal",
                    width="100%",
                ),
            ),
            rx.cond(
                VettingState.invitations.length() > 0,
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Invited", "Link", "")])),
                    rx.table.body(rx.foreach(VettingState.invitations, _invitation_row)),
                    size="1",
                    width="100%",
                    id="invitations-table",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@signed_in_page("/admin/psychiatrists", "Psychiatrists", role="admin", on_load=VettingState.load)
def admin_psychiatrists() -> rx.Component:
    return rx.vstack(
        rx.heading("Psychiatrists", size="7"),
        rx.text(
            "Only approved psychiatrists are given patients. Someone who signs up as a psychiatrist waits here "
            "until an admin has checked their registration.",
            color_scheme="gray",
        ),
        rx.heading("Awaiting approval", size="5", margin_top="0.5em"),
        rx.cond(
            VettingState.pending.length() > 0,
            rx.grid(
                rx.foreach(VettingState.pending, _pending_card),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
                id="pending-psychiatrists",
            ),
            rx.callout("Nobody is waiting for approval.", icon="check", color_scheme="gray", width="100%", id="no-pending"),
        ),
        rx.grid(
            rx.vstack(
                rx.heading("All psychiatrists", size="5"),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(*[rx.table.column_header_cell(h) for h in ("Psychiatrist", "GMC", "Standing", "Patients", "")])
                        ),
                        rx.table.body(rx.foreach(VettingState.others, _row)),
                        variant="surface",
                        width="100%",
                        id="psychiatrists-table",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            _invitations(),
            columns=rx.breakpoints(initial="1", lg="3fr 2fr"),
            spacing="4",
            width="100%",
            align="start",
        ),
        _decision_dialog(),
        spacing="4",
        width="100%",
    )
