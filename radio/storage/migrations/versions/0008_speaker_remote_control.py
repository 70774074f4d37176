"""speaker remote control: desired volume and mute, and the mute an agent reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("desired_volume", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("desired_muted", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("muted", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.drop_column("muted")
        batch_op.drop_column("desired_muted")
        batch_op.drop_column("desired_volume")
