"""desk tools: the parcel's tracking events, what the customer wants, who works a case, reply templates

Revision ID: d35c7001
Revises: 1a7e9a0e0016
Create Date: 2026-12-02 01:10:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op
from pixmania_incidents.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "d35c7001"
down_revision: Union[str, None] = "1a7e9a0e0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "shipmentevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "event", "at", name="uq_shipmentevent_once"),
    )
    with op.batch_alter_table("shipmentevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipmentevent_shipment_id"), ["shipment_id"], unique=False)

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wanted", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_incident_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_foreign_key("fk_incident_assignee_id_account", "account", ["assignee_id"], ["id"])
        batch_op.create_foreign_key("fk_incident_agent_id_account", "account", ["agent_id"], ["id"])

    op.create_table(
        "replytemplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shop.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("replytemplate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replytemplate_shop_id"), ["shop_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("replytemplate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replytemplate_shop_id"))

    op.drop_table("replytemplate")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_constraint("fk_incident_agent_id_account", type_="foreignkey")
        batch_op.drop_constraint("fk_incident_assignee_id_account", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_incident_assignee_id"))
        batch_op.drop_column("agent_id")
        batch_op.drop_column("assignee_id")
        batch_op.drop_column("wanted")

    with op.batch_alter_table("shipmentevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipmentevent_shipment_id"))

    op.drop_table("shipmentevent")
