"""programmes, priorities and airing rules

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "priority",
            sa.Enum("ordinary", "priority", "emergency", name="priority", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("active", "cancelled", name="programmestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("one_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("skip_dates", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("chime", "bulletin", "audio", "relay", "gap", name="itemkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("audio_sha256", sa.String(length=64), nullable=True),
        sa.Column("relay_url", sa.String(length=1000), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audio_sha256"],
            ["audio_assets.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["bulletin_id"],
            ["bulletins.id"],
        ),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "programme_zones",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["zones.id"],
        ),
        sa.PrimaryKeyConstraint("programme_id", "zone_id"),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("item_position", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("chime", "bulletin", "audio", "relay", "gap", name="itemkind", native_enum=False, length=20),
                nullable=False,
                server_default="bulletin",
            )
        )
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "priority",
                sa.Enum("ordinary", "priority", "emergency", name="priority", native_enum=False, length=20),
                nullable=False,
                server_default="ordinary",
            )
        )
        batch_op.alter_column("bulletin_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("audio_sha256", existing_type=sa.VARCHAR(length=64), nullable=True)
        batch_op.alter_column(
            "note", existing_type=sa.VARCHAR(length=500), type_=sa.String(length=1000), existing_nullable=False
        )
        batch_op.create_index(batch_op.f("ix_broadcasts_programme_id"), ["programme_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_broadcasts_programme_id_zone_id_occurrence_at_item_position",
            ["programme_id", "zone_id", "occurrence_at", "item_position"],
        )
        batch_op.create_foreign_key("fk_broadcasts_programme_id_programmes", "programmes", ["programme_id"], ["id"])

    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "priority",
                sa.Enum("ordinary", "priority", "emergency", name="priority", native_enum=False, length=20),
                nullable=False,
                server_default="ordinary",
            )
        )

    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_start", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("quiet_end", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("weekdays", sa.String(length=7), nullable=False, server_default="1234567"))
        batch_op.add_column(sa.Column("max_session_minutes", sa.Integer(), nullable=True))

    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_start", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("quiet_end", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("weekdays", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("max_session_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_column("max_session_minutes")
        batch_op.drop_column("weekdays")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")

    with op.batch_alter_table("communes", schema=None) as batch_op:
        batch_op.drop_column("max_session_minutes")
        batch_op.drop_column("weekdays")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")

    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_column("priority")

    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_constraint("fk_broadcasts_programme_id_programmes", type_="foreignkey")
        batch_op.drop_constraint("uq_broadcasts_programme_id_zone_id_occurrence_at_item_position", type_="unique")
        batch_op.drop_index(batch_op.f("ix_broadcasts_programme_id"))
        batch_op.alter_column(
            "note", existing_type=sa.String(length=1000), type_=sa.VARCHAR(length=500), existing_nullable=False
        )
        batch_op.alter_column("audio_sha256", existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.alter_column("bulletin_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("priority")
        batch_op.drop_column("title")
        batch_op.drop_column("kind")
        batch_op.drop_column("item_position")
        batch_op.drop_column("occurrence_at")
        batch_op.drop_column("programme_id")

    op.drop_table("programme_zones")
    op.drop_table("programme_items")
    op.drop_table("programmes")
