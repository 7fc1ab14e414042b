"""cancelled obligations and withdrawn arbitration requests (SPEC 8.1, 8.5)

Revision ID: c9b67faf0622
Revises: c0c0a1e70001
Create Date: 2026-12-01 21:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa

from alembic import op
from pixmania_incidents.models import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "c9b67faf0622"
down_revision: Union[str, None] = "c0c0a1e70001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("arbitrationrequest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("arbitrationrequest", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
