"""A real app process (production build) shared by the integration tests: `app_server`
(see tests/backends.py for the scaled variant of tests marked `scaled`)."""

from tests.backends import parametrize_scaled, server_fixtures

app_server_sqlite, app_server_scaled, app_server = server_fixtures("app_server", "session")


def pytest_generate_tests(metafunc):
    parametrize_scaled(metafunc, "app_server", "session")
