"""Alembic environment for `alembic` itself (autogenerate, tests).

`reflex db migrate` applies the same scripts through its own runner.
"""

from sqlmodel import SQLModel

from alembic import context
from pixmania_incidents import (
    models,  # noqa: F401  (registers the tables)
    settings,
)
from pixmania_incidents.db import make_engine

config = context.config


def render_item(type_, obj, autogen_context):
    """Render our UTC column type and SQLModel's strings with their imports."""
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        autogen_context.imports.add("from pixmania_incidents.models import UTCDateTime")
        return "UTCDateTime()"
    autogen_context.imports.add("import sqlmodel")
    return False


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    url = config.get_main_option("sqlalchemy.url") or settings.DB_URL
    if connection is None:
        with make_engine(url).connect() as connection:
            _run(connection)
            connection.commit()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
