"""listener sessions: who listened to which village's live stream, in which format, for how long

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listener_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("remote", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bytes_sent", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["speaker_id"], ["speakers.id"], name=op.f("fk_listener_sessions_speaker_id_speakers")),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_listener_sessions_zone_id_zones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listener_sessions")),
    )
    op.create_index(op.f("ix_listener_sessions_connected_at"), "listener_sessions", ["connected_at"], unique=False)
    op.create_index(op.f("ix_listener_sessions_speaker_id"), "listener_sessions", ["speaker_id"], unique=False)
    op.create_index(op.f("ix_listener_sessions_zone_id"), "listener_sessions", ["zone_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_listener_sessions_zone_id"), table_name="listener_sessions")
    op.drop_index(op.f("ix_listener_sessions_speaker_id"), table_name="listener_sessions")
    op.drop_index(op.f("ix_listener_sessions_connected_at"), table_name="listener_sessions")
    op.drop_table("listener_sessions")
