"""The seeded app servers a test module or session runs against, as pytest fixtures.

`server_fixtures(name, scope)` gives a fixture `name`: the SQLite server with one worker,
or, for a test marked `@pytest.mark.scaled`, also a server on PostgreSQL + Redis with
several workers (a database and a Redis database created for the run and dropped
afterwards). The scaled variant runs when CI=true or when a PostgreSQL and a Redis are
named (PIXMANIA_TEST_PG / REFLEX_DB_URL and PIXMANIA_TEST_REDIS / REFLEX_REDIS_URL);
otherwise it is skipped with the reason.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.server import AppServer, make_server, scaled_server, scaled_wanted


def open_cases(server: AppServer, customer_email: str) -> list[tuple[int, str, str]]:
    """A customer's seeded cases that still take messages, oldest first: (id, reference,
    the email of one of their shop's sellers), read from the server's database, whichever it is."""
    engine = sa.create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    sa.text(
                        # One row per case: a shop may have several sellers (the first by address answers).
                        "SELECT i.id, i.reference, (SELECT MIN(s.email) FROM account s WHERE s.shop_id = i.shop_id "
                        "AND s.role = 'seller') FROM incident i JOIN account c ON c.id = i.customer_id "
                        "WHERE c.email = :c AND i.state IN ('open', 'in_progress', 'awaiting_customer') ORDER BY i.id"
                    ),
                    {"c": customer_email},
                )
            ]
    finally:
        engine.dispose()


def parametrize_scaled(metafunc, name: str, scope: str) -> None:
    """Run tests marked `scaled` on both backends (call from `pytest_generate_tests`)."""
    if name in metafunc.fixturenames and metafunc.definition.get_closest_marker("scaled"):
        metafunc.parametrize(name, ("sqlite", "scaled"), indirect=True, scope=scope)


def server_fixtures(name: str, scope: str) -> tuple:
    """The fixtures `<name>_sqlite`, `<name>_scaled` and `name`, to assign in a conftest."""

    @pytest.fixture(scope=scope, name=f"{name}_sqlite")
    def sqlite(tmp_path_factory):
        server = make_server(tmp_path_factory.mktemp(name)).start()
        yield server
        server.stop()

    @pytest.fixture(scope=scope, name=f"{name}_scaled")
    def scaled(tmp_path_factory):
        if not scaled_wanted():
            pytest.skip("scaled run needs CI=true or PIXMANIA_TEST_PG/REFLEX_DB_URL and a Redis URL")
        with scaled_server(tmp_path_factory.mktemp(f"{name}-scaled")) as server:
            yield server

    @pytest.fixture(scope=scope, name=name)
    def either(request):
        return request.getfixturevalue(f"{name}_{getattr(request, 'param', 'sqlite')}")

    return sqlite, scaled, either
