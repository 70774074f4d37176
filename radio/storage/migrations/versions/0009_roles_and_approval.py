"""roles and approval: village heads' villages, forced password change, the approval and review of bulletins

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_STATUSES = ("draft", "scheduled", "aired")
_NEW_STATUSES = ("draft", "pending", "approved", "scheduled", "aired")


def upgrade() -> None:
    op.create_table(
        "user_zones",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_zones_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_user_zones_zone_id_zones"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "zone_id", name=op.f("pk_user_zones")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.Enum(*_STATUSES, name="bulletinstatus", native_enum=False, length=20),
            type_=sa.Enum(*_NEW_STATUSES, name="bulletinstatus", native_enum=False, length=20),
        )
        batch_op.add_column(sa.Column("air_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("approved_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("return_note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("emergency_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.Text(), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_bulletins_needs_review"), ["needs_review"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_bulletins_approved_by_id_users"), "users", ["approved_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bulletins_reviewed_by_id_users"), "users", ["reviewed_by_id"], ["id"]
        )
    # Bulletins already on the schedule were approved by the one admin who could make them.
    op.execute("UPDATE bulletins SET approved_sha256 = audio_sha256, approved_by_id = created_by_id, "
               "approved_at = created_at")


def downgrade() -> None:
    op.execute("UPDATE bulletins SET status = 'draft' WHERE status IN ('pending', 'approved')")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bulletins_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_bulletins_approved_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_bulletins_needs_review"))
        for column in ("review_note", "reviewed_at", "reviewed_by_id", "needs_review", "emergency_reason",
                       "return_note", "approved_at", "approved_by_id", "approved_sha256", "air_at"):  # fmt: skip
            batch_op.drop_column(column)
        batch_op.alter_column(
            "status",
            existing_type=sa.Enum(*_NEW_STATUSES, name="bulletinstatus", native_enum=False, length=20),
            type_=sa.Enum(*_STATUSES, name="bulletinstatus", native_enum=False, length=20),
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled")
        batch_op.drop_column("must_change_password")
    op.drop_table("user_zones")
