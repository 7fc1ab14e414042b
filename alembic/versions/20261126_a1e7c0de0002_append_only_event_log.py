"""incident event log is append-only

Revision ID: a1e7c0de0002
Revises: 9590f92547c1
Create Date: 2026-11-26

The audit trail must not be editable even by a bug or a hand-written SQL
statement: triggers refuse UPDATE and DELETE on incidentevent.
"""

from typing import Sequence, Union

from alembic import op

revision: str = "a1e7c0de0002"
down_revision: Union[str, None] = "9590f92547c1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MESSAGE = "incidentevent is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER incidentevent_no_{verb.lower()} BEFORE {verb} ON incidentevent "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION incidentevent_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER incidentevent_append_only BEFORE UPDATE OR DELETE ON incidentevent "
            "FOR EACH ROW EXECUTE FUNCTION incidentevent_append_only()"
        )
        op.execute(
            "CREATE TRIGGER incidentevent_no_truncate BEFORE TRUNCATE ON incidentevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION incidentevent_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER incidentevent_no_update")
        op.execute("DROP TRIGGER incidentevent_no_delete")
    else:
        op.execute("DROP TRIGGER incidentevent_no_truncate ON incidentevent")
        op.execute("DROP TRIGGER incidentevent_append_only ON incidentevent")
        op.execute("DROP FUNCTION incidentevent_append_only()")
