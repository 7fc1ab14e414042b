"""integrations: api keys, webhooks, external ids

Revision ID: 1a7e9a0e0016
Revises: b7a3f1c2d9e4
Create Date: 2026-12-01 22:21:11.661302

"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op
from pixmania_incidents.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "1a7e9a0e0016"
down_revision: Union[str, None] = "b7a3f1c2d9e4"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: Tables whose rows may arrive from the order system (intake), keyed by its own ids.
INTAKE_TABLES = ("shop", "account", "listing", "customerorder", "orderline", "shipment")


def upgrade() -> None:
    op.create_table(
        "apikey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shop.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apikey_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_apikey_user_id"), ["user_id"], unique=False)

    op.create_table(
        "webhookendpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failing_since", UTCDateTime(), nullable=True),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
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
    with op.batch_alter_table("webhookendpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhookendpoint_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "webhookdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("event_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("payload", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("failed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhookendpoint.id"],
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("webhookdelivery", schema=None) as batch_op:
        batch_op.create_index("ix_webhookdelivery_case", ["endpoint_id", "incident_id", "id"], unique=False)
        batch_op.create_index("ix_webhookdelivery_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "webhookattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("excerpt", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhookdelivery.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhookattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhookattempt_delivery_id"), ["delivery_id"], unique=False)

    for table in INTAKE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
            batch_op.add_column(sa.Column("external_updated_at", UTCDateTime(), nullable=True))
            batch_op.create_index(f"ix_{table}_external_id", ["external_id"], unique=True)


def downgrade() -> None:
    for table in INTAKE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_external_id")
            batch_op.drop_column("external_updated_at")
            batch_op.drop_column("external_id")

    with op.batch_alter_table("webhookattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhookattempt_delivery_id"))

    op.drop_table("webhookattempt")
    with op.batch_alter_table("webhookdelivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhookdelivery_due")
        batch_op.drop_index("ix_webhookdelivery_case")

    op.drop_table("webhookdelivery")
    with op.batch_alter_table("webhookendpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhookendpoint_shop_id"))

    op.drop_table("webhookendpoint")
    with op.batch_alter_table("apikey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apikey_user_id"))
        batch_op.drop_index(batch_op.f("ix_apikey_shop_id"))

    op.drop_table("apikey")
