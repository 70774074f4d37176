"""tamper-evident as-run log: hash-chained entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_chain_entries_hash")),
    )
    with op.batch_alter_table("chain_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_entries_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chain_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_entries_subject_id"))
    op.drop_table("chain_entries")
