"""Database tables. Times are stored in UTC (timezone-aware); the commune's zone is for display only.

Written against SQLAlchemy's portable types so the same models run on SQLite (embedded default)
and PostgreSQL (large deployments).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Enum, Float, ForeignKey, Integer, String, Table, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC.

    SQLite keeps no zone, so without this a round trip would hand back naive datetimes and
    comparisons against aware `now()` would fail.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class BulletinStatus(enum.StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    aired = "aired"


class BroadcastStatus(enum.StrEnum):
    planned = "planned"
    on_air = "on_air"
    aired = "aired"
    missed = "missed"
    failed = "failed"


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    zones: Mapped[list[Zone]] = relationship(back_populates="commune", order_by="Zone.position")


class Zone(Base):
    """One village (thôn, xóm, bản): the unit of targeting, with its own live stream."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    commune: Mapped[Commune] = relationship(back_populates="zones")
    speakers: Mapped[list[Speaker]] = relationship(back_populates="zone")


class Speaker(Base):
    """A receiver box with loudspeakers in a village; `kind` says how it gets its audio."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="simulated")
    zone: Mapped[Zone] = relationship(back_populates="speakers")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="admin")
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    commune: Mapped[Commune] = relationship()


class AudioAsset(Base):
    """A rendered or uploaded audio file, named by the sha256 of its bytes.

    `render_key` identifies the inputs that produced a synthesised asset, so the same text,
    voice and settings are never rendered twice.
    """

    __tablename__ = "audio_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    duration_s: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    loudness_lufs: Mapped[float] = mapped_column(Float)
    render_key: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


bulletin_zones = Table(
    "bulletin_zones",
    Base.metadata,
    Column("bulletin_id", ForeignKey("bulletins.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id"), primary_key=True),
)


class Bulletin(Base):
    __tablename__ = "bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    voice: Mapped[str] = mapped_column(String(50))
    status: Mapped[BulletinStatus] = mapped_column(
        Enum(BulletinStatus, native_enum=False, length=20), default=BulletinStatus.draft
    )
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio_assets.sha256"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    zones: Mapped[list[Zone]] = relationship(secondary=bulletin_zones, order_by="Zone.position")
    audio: Mapped[AudioAsset | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class Broadcast(Base):
    """The as-run log: one row per bulletin, zone and planned instant, filled in as it airs."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[BroadcastStatus] = mapped_column(
        Enum(BroadcastStatus, native_enum=False, length=20), default=BroadcastStatus.planned, index=True
    )
    audio_sha256: Mapped[str] = mapped_column(ForeignKey("audio_assets.sha256"))
    note: Mapped[str] = mapped_column(String(500), default="")
    bulletin: Mapped[Bulletin] = relationship()
    zone: Mapped[Zone] = relationship()
