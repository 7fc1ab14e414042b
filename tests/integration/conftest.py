"""A real app process (production build, seeded SQLite) shared by the integration tests."""

import pytest

from tests.server import make_server


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    server = make_server(tmp_path_factory.mktemp("integration")).start()
    yield server
    server.stop()
