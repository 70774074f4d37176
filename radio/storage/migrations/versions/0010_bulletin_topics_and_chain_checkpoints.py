"""bulletin topics for the monthly report, and the checkpoint the as-run chain starts from after retention

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TOPICS = ("government", "health", "agriculture", "disaster", "security", "culture", "other")


def upgrade() -> None:
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "topic",
                sa.Enum(*_TOPICS, name="topic", native_enum=False, length=20),
                nullable=False,
                server_default="other",
            )
        )
    op.create_table(
        "chain_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("entry_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entries_removed", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("chain_checkpoints")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_column("topic")
