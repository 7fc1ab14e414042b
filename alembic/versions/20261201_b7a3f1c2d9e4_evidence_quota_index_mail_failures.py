"""evidence quota index, mail failures

Revision ID: b7a3f1c2d9e4
Revises: 5ec0a11e0001
Create Date: 2026-11-27 09:00:00.000000

"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op
from pixmania_incidents.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "b7a3f1c2d9e4"
down_revision: Union[str, None] = "5ec0a11e0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_uploader_created", ["uploader_id", "created_at"], unique=False)
    with op.batch_alter_table("mailoutbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("failed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailoutbox", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.drop_column("failure")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_uploader_created")
