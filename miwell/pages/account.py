"""Own account: details, password, deletion. Open to every role."""

import reflex as rx

from miwell.accounts.states import AccountState, TwoFactorState
from miwell.outreach.states import EmailSettingsState
from miwell.scheduling.states import LinkRequestsState
from miwell.ui.layout import error_callout, field, signed_in_page
from miwell.ui.links import link_requests_card
from miwell.ui.outreach import email_settings_card

TIMEZONES = [
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
    "Europe/Rome", "Europe/Athens", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
    "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "UTC",
]


def _details() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Your details", size="4"),
                error_callout(AccountState.details_error, id="details-error"),
                field("Full name", "full_name", default_value=AccountState.full_name),
                field("Email", "email", type="email", default_value=AccountState.email),
                field("Phone", "phone", type="tel", default_value=AccountState.phone),
                rx.cond(
                    AccountState.user_role == "patient",
                    rx.vstack(
                        field("Emergency contact's name", "emergency_contact_name", default_value=AccountState.emergency_contact_name),
                        field("Emergency contact's phone", "emergency_contact_phone", type="tel", default_value=AccountState.emergency_contact_phone),
                        rx.vstack(
                            rx.el.label("Your time zone", html_for="timezone", style={"fontWeight": 500, "fontSize": "0.9em"}),
                            rx.el.select(
                                *[rx.el.option(tz, value=tz) for tz in TIMEZONES],
                                name="timezone",
                                id="timezone",
                                default_value=AccountState.timezone,
                                style={"padding": "0.5em", "borderRadius": "8px", "width": "100%"},
                            ),
                            rx.text("Your day, and so your daily entry, follows this time zone.", size="1", color_scheme="gray"),
                            spacing="1",
                            width="100%",
                        ),
                        rx.text("Your psychiatrist: ", rx.text.strong(AccountState.psychiatrist_name), size="2"),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.button("Save details", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.save_details,
        ),
        width="100%",
    )


def _intake() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("New patients", size="4"),
                rx.text(
                    "New patients are assigned to the approved psychiatrist with the fewest patients among those "
                    "taking new ones. You have ", rx.text.strong(AccountState.patient_count.to_string()), " now.",
                    size="2",
                    color_scheme="gray",
                ),
                error_callout(AccountState.intake_error, id="intake-error"),
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="accepting", default_checked=AccountState.accepting, size="3", id="accepting"),
                        rx.text("I am taking new patients", size="3"),
                        spacing="2",
                        align="center",
                    ),
                    html_for="accepting",
                ),
                field(
                    "At most this many patients",
                    "cap",
                    type="number",
                    default_value=AccountState.cap,
                    hint="Leave empty for no limit. Patients you already have stay with you.",
                    min=1,
                ),
                rx.button("Save", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.save_intake,
            reset_on_submit=False,
            key=AccountState.cap + AccountState.accepting.to_string(),
        ),
        width="100%",
        id="intake-card",
    )


def _password() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Change password", size="4"),
                rx.text("Changing it signs you out everywhere else.", size="2", color_scheme="gray"),
                error_callout(AccountState.password_error, id="password-error"),
                field("Current password", "current", type="password", auto_complete="current-password"),
                field("New password", "new", type="password", auto_complete="new-password"),
                field("Repeat the new password", "confirm", type="password", auto_complete="new-password"),
                rx.button("Change password", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=AccountState.change_password,
        ),
        width="100%",
    )


def _sessions() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Where you are signed in", size="4"),
            rx.text(
                rx.cond(
                    AccountState.other_sessions == 0,
                    "Only here.",
                    rx.cond(
                        AccountState.other_sessions == 1,
                        "Here and in 1 other browser.",
                        "Here and in " + AccountState.other_sessions.to_string() + " other browsers.",
                    ),
                ),
                size="2",
                id="other-sessions",
            ),
            rx.button(
                "Sign out everywhere else",
                variant="soft",
                on_click=AccountState.end_other_sessions,
                disabled=AccountState.other_sessions == 0,
                id="end-other-sessions",
            ),
            rx.text("For a lost phone or a shared computer: those browsers must sign in again.", size="1", color_scheme="gray"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="sessions-card",
    )


_MONO = {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, monospace", "letterSpacing": "0.05em"}


def _password_form(button: str, on_submit, id: str, **button_props) -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(field("Password", "password", type="password", id=f"{id}-password", auto_complete="current-password", required=True), flex="1", min_width="12em"),
            rx.button(button, type="submit", variant="soft", size="3", **button_props),
            gap="0.75em",
            align="end",
            wrap="wrap",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        id=id,
        width="100%",
    )


def _two_factor() -> rx.Component:
    T = TwoFactorState
    enrol = rx.vstack(
        rx.text("Scan this code with an authenticator app on your phone, or type the key into it by hand.", size="2"),
        rx.center(rx.image(src=T.qr, alt="QR code to add MiWell to your authenticator app", width="180px", height="180px"), width="100%"),
        rx.text("Key: ", rx.text(T.secret_text, as_="span", id="account-totp-secret", style=_MONO), size="2", style={"wordBreak": "break-word"}),
        rx.form(
            rx.flex(
                rx.box(field("Code from the app", "code", id="tf-code", auto_complete="one-time-code", required=True, style=_MONO), flex="1", min_width="10em"),
                rx.button("Turn on", type="submit", size="3"),
                gap="0.75em", align="end", wrap="wrap", width="100%",
            ),  # fmt: skip
            on_submit=T.confirm,
            reset_on_submit=True,
            width="100%",
        ),
        rx.button("Not now", variant="ghost", size="2", on_click=T.close),
        spacing="3",
        width="100%",
    )
    codes = rx.vstack(
        rx.callout("Each code signs you in once if you lose your phone. Keep them somewhere safe: they are not shown again.", icon="key_round", color_scheme="amber", width="100%"),
        rx.grid(rx.foreach(T.codes, lambda c: rx.text(c, size="3", style=_MONO)), columns="2", spacing="2", width="100%", id="account-recovery-codes"),
        rx.button("I have kept them", variant="soft", size="3", on_click=T.close),
        spacing="3",
        width="100%",
    )
    card = rx.vstack(
        rx.cond(
            T.on,
            rx.text(
                "On: signing in asks for a code from your phone. ",
                T.codes_left.to_string(), " recovery codes left.",
                size="2", id="two-factor-status",
            ),  # fmt: skip
            rx.text(
                rx.cond(T.required, "Required for your role, and set up at your next sign-in.", "Off. Turn it on so that a stolen password alone cannot open your account."),
                size="2", id="two-factor-status",
            ),  # fmt: skip
        ),
        rx.cond(
            T.on,
            rx.vstack(
                _password_form("New recovery codes", T.new_codes, "tf-new-codes"),
                rx.cond(
                    T.required,
                    rx.text("Lost your phone? An admin can reset it; you then set it up again at sign-in.", size="1", color_scheme="gray"),
                    _password_form("Turn off", T.turn_off, "tf-off", color_scheme="red"),
                ),
                spacing="3",
                width="100%",
            ),
            rx.button("Turn on two-step sign-in", size="3", on_click=T.start, id="two-factor-start"),
        ),
        spacing="3",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Two-step sign-in", size="4"),
            error_callout(T.error, id="two-factor-error"),
            rx.match(T.mode, ("enrol", enrol), ("codes", codes), card),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="two-factor-card",
    )


def _record_access() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Who saw my record", size="4"),
            rx.text("Every time your psychiatrist or a clinic opens or changes your records, with when and from where.", size="2"),
            rx.link(rx.button("See the list", variant="soft", size="3"), href="/patient/record-access", id="record-access-link"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _delete() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Delete account", size="4"),
            rx.text(
                "This removes your account and your personal data. It cannot be undone.",
                size="2",
                color_scheme="gray",
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Delete my account", color_scheme="red", variant="soft")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Delete your account?"),
                    rx.alert_dialog.description("Enter your password to confirm. Everything stored about you is deleted."),
                    rx.form(
                        rx.vstack(
                            error_callout(AccountState.delete_error, id="delete-error"),
                            field("Password", "password", type="password", auto_complete="current-password"),
                            rx.hstack(
                                rx.alert_dialog.cancel(rx.button("Keep my account", variant="soft", color_scheme="gray", type="button")),
                                rx.button("Delete for good", color_scheme="red", type="submit"),
                                spacing="3",
                                justify="end",
                                width="100%",
                            ),
                            spacing="3",
                            width="100%",
                            margin_top="1em",
                        ),
                        on_submit=AccountState.delete_account,
                    ),
                ),
                open=AccountState.delete_open,
                on_open_change=AccountState.set_delete_open,
            ),
            spacing="3",
            align="start",
        ),
        width="100%",
    )


@signed_in_page("/account", "Your account", on_load=[AccountState.load, TwoFactorState.load, LinkRequestsState.load, EmailSettingsState.load])
def account() -> rx.Component:
    return rx.vstack(
        rx.heading("Your account", size="7"),
        link_requests_card(),
        rx.cond(
            AccountState.loaded,
            rx.grid(
                rx.vstack(_details(), rx.cond(AccountState.user_role == "psychiatrist", _intake()), spacing="4", width="100%"),
                rx.vstack(
                    rx.cond(EmailSettingsState.loaded, email_settings_card()),
                    _password(),
                    rx.cond(TwoFactorState.loaded, _two_factor()),
                    _sessions(),
                    rx.cond(AccountState.user_role == "patient", _record_access()),
                    _delete(),
                    spacing="4",
                    width="100%",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.spinner(size="3"),
        ),
        spacing="4",
        width="100%",
    )
