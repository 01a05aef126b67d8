"""Reflex configuration. Everything that differs between machines comes from the environment."""

import os

import reflex as rx

from miwell.settings import get_settings

config = rx.Config(
    app_name="miwell",
    db_url=get_settings().database_url,
    # REFLEX_REDIS_URL, when set, moves users' state to Redis so several workers can serve.
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=int(os.environ.get("MIWELL_FRONTEND_PORT", "3000")),
    backend_port=int(os.environ.get("MIWELL_BACKEND_PORT", "8000")),
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="teal", gray_color="slate", radius="large")
        )
    ],
    # A clinical app has nothing to advertise to search engines.
    disable_plugins=[rx.plugins.SitemapPlugin],
)
