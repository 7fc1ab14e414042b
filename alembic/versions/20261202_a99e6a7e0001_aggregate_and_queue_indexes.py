"""indexes for the figures aggregated in SQL and the supervision queues at marketplace size

Revision ID: a99e6a7e0001
Revises: d35c7001
Create Date: 2026-12-02 01:00:00

"""

from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a99e6a7e0001"
down_revision: Union[str, None] = "d35c7001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (table, index, columns): see the models' `__table_args__` for what reads each.
INDEXES = (
    ("incident", "ix_incident_shop_opened", ["shop_id", "opened_at"]),
    ("deadline", "ix_deadline_incident_kind", ["incident_id", "kind"]),
    ("incident", "ix_incident_due", ["next_due_at", "opened_at"]),
    ("incident", "ix_incident_deadline_due", ["deadline_state", "next_due_at", "opened_at"]),
    ("incident", "ix_incident_type_due", ["type", "next_due_at", "opened_at"]),
    ("incident", "ix_incident_help", ["help_requested_at"]),
)


def upgrade() -> None:
    # A state's cases in supervision's order (closed ones have no deadline: then by opening).
    op.drop_index("ix_incident_supervision", table_name="incident")
    op.create_index("ix_incident_supervision", "incident", ["state", "next_due_at", "opened_at"], unique=False)
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_incident_supervision", table_name="incident")
    op.create_index("ix_incident_supervision", "incident", ["state", "next_due_at"], unique=False)
