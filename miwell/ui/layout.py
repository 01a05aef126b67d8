"""The page template: one navigation bar per role around every signed-in page."""

from __future__ import annotations

from typing import Any, Callable

import reflex as rx

from miwell.accounts.state import AuthState
from miwell.notifications.components import alert_banner
from miwell.notifications.state import AlertState

NAV_LINKS: dict[str, list[tuple[str, str]]] = {
    "patient": [("Today", "/patient"), ("History", "/patient/history")],
    "psychiatrist": [("My patients", "/psychiatrist"), ("To review", "/psychiatrist/review"), ("Task library", "/psychiatrist/tasks")],
    "staff": [
        ("Clinic desk", "/staff"),
        ("Calendar", "/staff/calendar"),
        ("Doctors", "/staff/doctors"),
        ("Patients", "/staff/patients"),
        ("Clients", "/staff/clients"),
        ("Reports", "/staff/reports"),
    ],
    "admin": [
        ("Accounts", "/admin"),
        ("Psychiatrists", "/admin/psychiatrists"),
        ("Organisations", "/admin/organisations"),
        ("Task library", "/admin/tasks"),
    ],
}


def brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.text("😶", font_size="1.6em", aria_hidden="true"),
            rx.heading("MiWell", size="6", weight="bold"),
            align="center",
            spacing="2",
        ),
        href=AuthState.home_page,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


def _nav_links() -> rx.Component:
    # A psychiatrist awaiting approval has one page, their status page: no links to the rest.
    return rx.cond(
        AuthState.practising,
        rx.match(
            AuthState.user_role,
            *[
                (role, rx.hstack(*[rx.link(label, href=href, weight="medium") for label, href in links], spacing="4"))
                for role, links in NAV_LINKS.items()
            ],
            rx.fragment(),
        ),
    )


def navbar() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.hstack(brand(), _nav_links(), spacing="6", align="center"),
            rx.hstack(
                rx.vstack(
                    rx.text(AuthState.user_name, weight="medium", size="2", id="nav-user-name"),
                    rx.badge(AuthState.role_label, variant="soft", size="1"),
                    spacing="0",
                    align="end",
                ),
                rx.cond(AuthState.practising, rx.link(rx.button("Account", variant="soft"), href="/account")),
                rx.button("Log out", variant="outline", on_click=AuthState.log_out),
                spacing="3",
                align="center",
            ),
            justify="between",
            align="center",
            width="100%",
            max_width="1100px",
            margin="0 auto",
        ),
        padding_x="1.5em",
        padding_y="0.8em",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def connection_marker() -> rx.Component:
    """Says, invisibly, whether the page has its websocket and state yet (tests wait for it)."""
    return rx.el.span(id="hydrated", data_state=rx.cond(rx.State.is_hydrated, "yes", "no"), style={"display": "none"})


def signed_in_page(route: str, title: str, role: str = "", on_load: Any = None) -> Callable:
    """Register a page for signed-in users, guarded by role when one is given."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        loads: list[Any] = [AuthState.guard(role)]
        if on_load is not None:
            loads.extend(on_load if isinstance(on_load, list) else [on_load])
        if role in ("", "psychiatrist"):
            # Keeps a psychiatrist's open page showing new risk alerts (see notifications.state).
            loads.append(AlertState.watch)

        @rx.page(route=route, title=f"{title} · MiWell", on_load=loads)
        def wrapped() -> rx.Component:
            return rx.box(
                connection_marker(),
                navbar(),
                rx.box(alert_banner(), content(), max_width="1100px", margin="0 auto", padding="1.5em", width="100%"),
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
                rx.text("😀 🙂 😶 😕 😔 😢 😡", font_size="1.4em", aria_hidden="true"),
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


def field(label: str, name: str, type: str = "text", hint: str = "", **props: Any) -> rx.Component:
    """A labelled input; its label is tied to it so screen readers and tests find it by name."""
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"fontWeight": 500, "fontSize": "0.9em"}),
        rx.input(name=name, id=name, type=type, width="100%", size="3", **props),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")) if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )
