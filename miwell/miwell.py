"""The Reflex app. Pages register themselves on import."""

import reflex as rx

import miwell.models  # noqa: F401  - every table, so `reflex db` sees the whole schema
import miwell.pages  # noqa: F401
from miwell.accounts import web

app = rx.App(
    head_components=[
        rx.el.meta(name="robots", content="noindex"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
    # /session/start and /session/end set and clear the HttpOnly session cookie (see accounts.web).
    api_transformer=web.routes(),
)
