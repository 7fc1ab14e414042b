"""throttles and pending registrations

Revision ID: 5ec0a11e0001
Revises: c9b67faf0622
Create Date: 2026-12-01 21:00:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op
from pixmania_incidents.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "5ec0a11e0001"
down_revision: Union[str, None] = "c9b67faf0622"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_throttle_last_at"), ["last_at"], unique=False)

    op.create_table(
        "pendingregistration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("pendingregistration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pendingregistration_email"), ["email"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pendingregistration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pendingregistration_email"))
    op.drop_table("pendingregistration")
    with op.batch_alter_table("throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_throttle_last_at"))
    op.drop_table("throttle")
