"""The production entry point: `granian --interface asgi --factory pixmania_incidents.serve:app` (deploy/systemd).

Why not `reflex run`: it compiles the app and builds the frontend at every start (bun on the server, a minute
of downtime per restart), and the granian it starts neither respawns a worker that dies (one crash stops every
worker) nor restarts its workers one by one on SIGHUP. Here the frontend is built once per release
(`deploy/build-frontend`, i.e. `reflex export --frontend-only`) and each worker serves it on the app's one
port exactly as `reflex run --env prod --single-port` does, without compiling; granian's own options
(`--respawn-failed-workers`, SIGHUP) do the rest.
"""

from __future__ import annotations

from starlette.types import ASGIApp


def app() -> ASGIApp:
    """Called by granian in each worker, before the app's module is imported (the mode must be set first)."""
    from reflex_base import constants
    from reflex_base.environment import environment

    from pixmania_incidents import startup

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)
    if found := startup.frontend_problems():  # mounting a missing build would fail with a traceback
        startup.refuse(found)
    from pixmania_incidents.pixmania_incidents import app as reflex_app

    return reflex_app()
