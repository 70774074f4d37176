"""reading options of bulletins and the commune pronunciation lexicon

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speed", sa.Float(), nullable=False, server_default="1.0"))
        batch_op.add_column(sa.Column("readings", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("chimes", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.alter_column("voice", existing_type=sa.String(length=50), type_=sa.String(length=200))
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lexicon", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.drop_column("lexicon")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.alter_column("voice", existing_type=sa.String(length=200), type_=sa.String(length=50))
        batch_op.drop_column("chimes")
        batch_op.drop_column("readings")
        batch_op.drop_column("speed")
