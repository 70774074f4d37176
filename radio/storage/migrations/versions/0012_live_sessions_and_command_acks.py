"""live sessions (phát trực tiếp) with their villages' airings and recording, and speakers' command acknowledgements

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=50), nullable=False),
        sa.Column("audio_sha256", sa.String(length=64), nullable=True),
        sa.Column("remote", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["audio_sha256"], ["audio_assets.sha256"], name=op.f("fk_live_sessions_audio_sha256_audio_assets")),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"], name=op.f("fk_live_sessions_started_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    op.create_index(op.f("ix_live_sessions_started_at"), "live_sessions", ["started_at"], unique=False)
    op.create_table(
        "live_session_broadcasts",
        sa.Column("live_session_id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], name=op.f("fk_live_session_broadcasts_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["live_session_id"], ["live_sessions.id"], name=op.f("fk_live_session_broadcasts_live_session_id_live_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("live_session_id", "broadcast_id", name=op.f("pk_live_session_broadcasts")),
    )
    op.create_table(
        "speaker_commands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_speaker_commands_sent_by_id_users")),
        sa.ForeignKeyConstraint(["speaker_id"], ["speakers.id"], name=op.f("fk_speaker_commands_speaker_id_speakers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_commands")),
    )
    op.create_index(op.f("ix_speaker_commands_speaker_id"), "speaker_commands", ["speaker_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_speaker_commands_speaker_id"), table_name="speaker_commands")
    op.drop_table("speaker_commands")
    op.drop_table("live_session_broadcasts")
    op.drop_index(op.f("ix_live_sessions_started_at"), table_name="live_sessions")
    op.drop_table("live_sessions")
