import reflex as rx

from pixmania_incidents import settings

config = rx.Config(
    app_name="pixmania_incidents",
    db_url=settings.DB_URL,
    # Memory manager on one worker (measured < 15 ms p99); Redis as soon as a URL is set,
    # which is what lets several workers share live state.
    state_manager_mode="redis" if settings.REDIS_URL else "memory",
    redis_url=settings.REDIS_URL,
    cors_allowed_origins=settings.allowed_origins(),
    frontend_port=settings.PORT,
    backend_port=settings.PORT,
    api_url=settings.PUBLIC_URL,
    deploy_url=settings.PUBLIC_URL,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
)
