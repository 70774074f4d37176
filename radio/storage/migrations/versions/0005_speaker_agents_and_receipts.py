"""speaker agents: token hashes and heartbeat state on speakers, and one receipt per speaker and airing

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("volume", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("clock_offset_ms", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("cache_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=500), nullable=False, server_default=""))
        batch_op.create_unique_constraint(batch_op.f("uq_speakers_token_hash"), ["token_hash"])
    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("audio_sha256", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], name=op.f("fk_receipts_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["speaker_id"], ["speakers.id"], name=op.f("fk_receipts_speaker_id_speakers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
        sa.UniqueConstraint("speaker_id", "broadcast_id", name=op.f("uq_receipts_speaker_id_broadcast_id")),
    )
    op.create_index(op.f("ix_receipts_broadcast_id"), "receipts", ["broadcast_id"], unique=False)
    op.create_index(op.f("ix_receipts_speaker_id"), "receipts", ["speaker_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_receipts_speaker_id"), table_name="receipts")
    op.drop_index(op.f("ix_receipts_broadcast_id"), table_name="receipts")
    op.drop_table("receipts")
    with op.batch_alter_table("speakers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_speakers_token_hash"), type_="unique")
        for column in (
            "last_error",
            "cache_bytes",
            "clock_offset_ms",
            "volume",
            "last_seen_at",
            "revoked_at",
            "token_hash",
        ):
            batch_op.drop_column(column)
