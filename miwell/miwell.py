"""The Reflex app. Pages register themselves on import."""

import reflex as rx

import miwell.models  # noqa: F401  - every table, so `reflex db` sees the whole schema
import miwell.pages  # noqa: F401
from miwell import live
from miwell.accounts import web

app = rx.App(
    head_components=[
        rx.el.meta(name="robots", content="noindex"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        # Installable on a phone's home screen, opening like an app.
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.meta(name="theme-color", content="#0d9488"),
        rx.el.link(rel="apple-touch-icon", href="/icons/icon-180.png"),
        rx.el.meta(name="apple-mobile-web-app-capable", content="yes"),
        rx.script(src="/miwell.js"),
    ],
    stylesheets=["/miwell.css"],
    # /session/start and /session/end set and clear the HttpOnly session cookie (see accounts.web).
    api_transformer=web.routes(),
    # Messages appear just below the header: never over the navigation, a Save button or the
    # phone's bottom bar, which are what a person taps next.
    toaster=rx.toast.provider(
        position="top-center",
        offset="76px",
        close_button=True,
        custom_attrs={"mobileOffset": {"top": "64px", "left": "12px", "right": "12px"}},
    ),
)

# One per backend worker: delivers the services' change notices to the pages this worker holds,
# and runs the alerts' slow safety poll (see miwell.live).
app.register_lifespan_task(live.run)
