"""volume ceilings per time window, per commune and per village

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volume_limits", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volume_limits", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_column("volume_limits")
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.drop_column("volume_limits")
