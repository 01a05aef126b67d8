"""The page template: one navigation bar per role around every signed-in page."""

from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from miwell.accounts.states.auth import AuthState
from miwell.wellbeing.core.moods import MOODS
from miwell.ui.alerts import alert_banner
from miwell.notifications.states import AlertState
from miwell.ui.support import need_help_button
from miwell.wellbeing.states.support import CrisisState

NAV_LINKS: dict[str, list[tuple[str, str]]] = {
    "patient": [("Today", "/patient"), ("History", "/patient/history")],
    "psychiatrist": [("My patients", "/psychiatrist"), ("To review", "/psychiatrist/review"), ("Task library", "/psychiatrist/tasks")],
    "staff": [
        ("Clinic desk", "/staff"),
        ("Calendar", "/staff/calendar"),
        ("Doctors", "/staff/doctors"),
        ("Patients", "/staff/patients"),
        ("Clients", "/staff/clients"),
        ("Waiting list", "/staff/waitlist"),
        ("Reports", "/staff/reports"),
    ],
    "admin": [
        ("Accounts", "/admin"),
        ("Psychiatrists", "/admin/psychiatrists"),
        ("Organisations", "/admin/organisations"),
        ("Task library", "/admin/tasks"),
        ("Outbox", "/admin/outbox"),
        ("Audit log", "/admin/audit"),
    ],
}


# The patient's bottom bar on a phone: (label, path, icon).
PATIENT_TABS = [("Today", "/patient", "sun"), ("History", "/patient/history", "chart-line"), ("Account", "/account", "user-round")]


def brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.image(src="/favicon.svg", width="30px", height="30px", alt=""),
            rx.heading("MiWell", size="6", weight="bold"),
            align="center",
            spacing="2",
        ),
        href=AuthState.home_page,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        aria_label="MiWell home",
    )


def _nav_links() -> rx.Component:
    # A psychiatrist awaiting approval has one page, their status page: no links to the rest.
    return rx.cond(
        AuthState.practising,
        rx.match(
            AuthState.user_role,
            *[
                (
                    role,
                    rx.hstack(
                        *[rx.link(label, href=href, weight="medium", white_space="nowrap") for label, href in links],
                        spacing="4",
                        wrap="nowrap",
                    ),
                )
                for role, links in NAV_LINKS.items()
            ],
            rx.fragment(),
        ),
    )


def _menu_items() -> rx.Component:
    return rx.cond(
        AuthState.practising,
        rx.match(
            AuthState.user_role,
            *[
                (role, rx.fragment(*[rx.menu.item(label, on_select=rx.redirect(href)) for label, href in links]))
                for role, links in NAV_LINKS.items()
            ],
            rx.fragment(),
        ),
    )


def _menu() -> rx.Component:
    """Below the wide breakpoint the navigation folds into one menu button."""
    return rx.menu.root(
        rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="soft", size="3", aria_label="Menu", id="nav-menu")),
        rx.menu.content(
            rx.box(
                rx.text(AuthState.user_name, weight="bold", size="2"),
                rx.text(AuthState.role_label, size="1", color_scheme="gray"),
                padding="0.4em 0.75em",
            ),
            _menu_items(),
            rx.menu.separator(),
            rx.cond(AuthState.practising, rx.menu.item("Your account", on_select=rx.redirect("/account"))),
            rx.menu.item("Log out", on_select=AuthState.log_out, color="red"),
            size="2",
        ),
    )


def navbar() -> rx.Component:
    wide = rx.breakpoints(initial="none", lg="flex")
    narrow = rx.breakpoints(initial="flex", lg="none")
    return rx.box(
        rx.hstack(
            rx.hstack(brand(), rx.box(_nav_links(), display=wide), spacing="6", align="center"),
            rx.hstack(
                # Empty once the session has ended under an open page (a push found no user).
                rx.cond(
                    AuthState.user_role != "",
                    rx.vstack(
                        rx.text(AuthState.user_name, weight="medium", size="2", id="nav-user-name", white_space="nowrap"),
                        rx.badge(AuthState.role_label, variant="soft", size="1"),
                        spacing="0",
                        align="end",
                        display=rx.breakpoints(initial="none", sm="flex"),
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        AuthState.practising & (AuthState.user_role != ""),
                        rx.link(rx.button("Account", variant="soft"), href="/account"),
                    ),
                    rx.button("Log out", variant="outline", on_click=AuthState.log_out),
                    spacing="3",
                    display=wide,
                ),
                rx.cond(AuthState.user_role == "patient", need_help_button()),
                rx.box(_menu(), display=narrow),
                spacing="3",
                align="center",
            ),
            justify="between",
            align="center",
            width="100%",
            max_width="1100px",
            margin="0 auto",
            wrap="nowrap",
        ),
        padding_x=rx.breakpoints(initial="0.9em", sm="1.5em"),
        padding_y="0.6em",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def patient_bottom_bar() -> rx.Component:
    """The patient's pages on a phone: one thumb's reach, big targets, the page you are on marked."""
    path = rx.State.router.page.path

    def tab(label: str, href: str, icon: str) -> rx.Component:
        here = (path == href) | (path == href + "/")
        return rx.link(
            rx.vstack(rx.icon(icon, size=22), rx.text(label, size="1", weight="medium"), spacing="1", align="center"),
            href=href,
            underline="none",
            color_scheme=rx.cond(here, "teal", "gray"),
            high_contrast=True,
            aria_current=rx.cond(here, "page", "false"),
            display="flex",
            align_items="center",
            justify_content="center",
            flex="1",
        )

    return rx.cond(
        (AuthState.user_role == "patient"),
        rx.box(
            rx.hstack(*[tab(*t) for t in PATIENT_TABS], width="100%", spacing="0"),
            class_name="bottom-bar",
            background_color=rx.color("gray", 1),
            border_top=f"1px solid {rx.color('gray', 5)}",
            box_shadow="0 -2px 10px rgba(15, 23, 42, 0.06)",
            display=rx.breakpoints(initial="block", md="none"),
            role="navigation",
            aria_label="Patient pages",
        ),
    )


def connection_marker() -> rx.Component:
    """Says, invisibly, whether the page has its websocket and state yet (tests wait for it)."""
    return rx.el.span(id="hydrated", data_state=rx.cond(rx.State.is_hydrated, "yes", "no"), style={"display": "none"})


def idle_watch() -> rx.Component:
    """What assets/miwell.js needs to end an idle session: the limit, and a button it presses to
    tell the server someone is still using the page (a long reply being typed sends no event)."""
    return rx.fragment(
        rx.el.span(id="idle-limit", data_seconds=AuthState.idle_seconds, style={"display": "none"}),
        rx.el.button(
            on_click=AuthState.keep_alive, id="idle-keepalive", type="button", tab_index=-1, aria_hidden="true",
            style={"display": "none"},
        ),  # fmt: skip
    )


def signed_in_page(route: str, title: str, role: str = "", on_load: Any = None) -> Callable:
    """Register a page for signed-in users, guarded by role when one is given."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        loads: list[Any] = [AuthState.guard(role)]
        if on_load is not None:
            loads.extend(on_load if isinstance(on_load, list) else [on_load])
        if role in ("", "patient"):
            # "Need help now?" shows the patient's own clinics' lines (see wellbeing.states.support).
            loads.append(CrisisState.load)
        if role in ("", "psychiatrist"):
            # Keeps a psychiatrist's open page showing new risk alerts (see notifications.state).
            loads.append(AlertState.watch)

        @rx.page(route=route, title=f"{title} · MiWell", on_load=loads)
        def wrapped() -> rx.Component:
            return rx.box(
                connection_marker(),
                idle_watch(),
                navbar(),
                rx.el.main(
                    rx.box(
                        alert_banner(),
                        content(),
                        max_width="1100px",
                        margin="0 auto",
                        padding=rx.breakpoints(initial="1em", sm="1.5em"),
                        width="100%",
                    ),
                    class_name=rx.cond(AuthState.user_role == "patient", "has-bottom-bar", ""),
                ),
                patient_bottom_bar() if role in ("patient", "") else rx.fragment(),
                min_height="100vh",
                background_color=rx.color("gray", 2),
            )

        return wrapped

    return decorator


def public_page(content: rx.Component) -> rx.Component:
    """Centered card for the signed-out pages (login, register)."""
    return rx.center(
        connection_marker(),
        rx.vstack(
            rx.hstack(
                rx.text(" ".join(m.emoji for m in MOODS), font_size="1.4em", aria_hidden="true"),
                justify="center",
                width="100%",
            ),
            rx.heading("MiWell", size="8", align="center", width="100%"),
            rx.text("A calm place to track how you feel, and to be heard.", color_scheme="gray", align="center", width="100%"),
            rx.card(content, width="100%", size="3"),
            spacing="4",
            width="100%",
            max_width="460px",
        ),
        min_height="100vh",
        padding="1.5em",
        background=f"linear-gradient(160deg, {rx.color('teal', 3)}, {rx.color('gray', 2)})",
    )


def error_callout(message: rx.Var, id: str = "") -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", id=id or None, width="100%"),
    )


def field(label: str, name: str, type: str = "text", hint: str = "", id: str = "", **props: Any) -> rx.Component:
    """A labelled input; its label is tied to it so screen readers and tests find it by name.

    ``id`` when two forms of a page send the same field ``name`` (ids must differ)."""
    return rx.vstack(
        rx.el.label(label, html_for=id or name, style={"fontWeight": 500, "fontSize": "0.9em"}),
        rx.input(name=name, id=id or name, type=type, width="100%", size="3", **props),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")) if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )
