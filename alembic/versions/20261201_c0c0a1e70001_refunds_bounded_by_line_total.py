"""refunds bounded by the line total, in the database

Revision ID: c0c0a1e70001
Revises: e784059a8612
Create Date: 2026-12-01 21:30:00

Each order line keeps what its incidents refunded together, and a CHECK refuses more than
the line's total, so two refunds racing on two incidents of one line cannot both pass.
"""

from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op

revision: str = "c0c0a1e70001"
down_revision: Union[str, None] = "e784059a8612"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("orderline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refunded_cents", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE orderline SET refunded_cents = COALESCE((SELECT SUM(refund.amount_cents) FROM refund "
        "JOIN incident ON incident.id = refund.incident_id WHERE incident.order_line_id = orderline.id), 0)"
    )
    with op.batch_alter_table("orderline", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "ck_orderline_refunds_within_total", "refunded_cents >= 0 AND refunded_cents <= total_cents"
        )


def downgrade() -> None:
    with op.batch_alter_table("orderline", schema=None) as batch_op:
        batch_op.drop_constraint("ck_orderline_refunds_within_total", type_="check")
        batch_op.drop_column("refunded_cents")
