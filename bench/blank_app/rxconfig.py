"""The blank baseline of the benchmarks: same framework, plugins and state manager choice
as the incident desk, none of its pages."""

import os

import reflex as rx

PORT = int(os.environ.get("PORT", "3000"))
REDIS_URL = os.environ.get("REFLEX_REDIS_URL") or None

config = rx.Config(
    app_name="blank_app",
    state_manager_mode="redis" if REDIS_URL else "memory",
    redis_url=REDIS_URL,
    frontend_port=PORT,
    backend_port=PORT,
    api_url=f"http://localhost:{PORT}",
    deploy_url=f"http://localhost:{PORT}",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
)
