"""A real app process (production build) shared by the integration tests.

`app_server` is a seeded SQLite server with one worker. A test marked
`@pytest.mark.scaled` runs twice: once on it, once on a server on PostgreSQL + Redis
with several workers (a database and a Redis database created for the run and dropped
afterwards). The scaled variant runs when CI=true or when a PostgreSQL and a Redis
are named (PIXMANIA_TEST_PG / REFLEX_DB_URL and PIXMANIA_TEST_REDIS / REFLEX_REDIS_URL);
otherwise it is skipped with the reason.
"""

import pytest

from tests.server import make_server, scaled_server, scaled_wanted

BACKENDS = ("sqlite", "scaled")


def pytest_generate_tests(metafunc):
    if "app_server" in metafunc.fixturenames and metafunc.definition.get_closest_marker("scaled"):
        metafunc.parametrize("app_server", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory):
    server = make_server(tmp_path_factory.mktemp("integration")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def scaled_app_server(tmp_path_factory):
    if not scaled_wanted():
        pytest.skip("scaled run needs CI=true or PIXMANIA_TEST_PG/REFLEX_DB_URL and a Redis URL")
    with scaled_server(tmp_path_factory.mktemp("integration-scaled")) as server:
        yield server


@pytest.fixture(scope="session")
def app_server(request):
    """The SQLite server, or the scaled one for the `scaled` parameter of a marked test."""
    backend = getattr(request, "param", "sqlite")
    return request.getfixturevalue("scaled_app_server" if backend == "scaled" else "sqlite_server")
