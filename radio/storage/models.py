"""Database tables. Times are stored in UTC (timezone-aware); the commune's zone is for display only.

Written against SQLAlchemy's portable types so the same models run on SQLite (embedded default)
and PostgreSQL (large deployments).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from radio.topics import DEFAULT_TOPIC, Topic


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
    # named constraints, so later migrations can drop or alter them on PostgreSQL as on SQLite
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class BulletinStatus(enum.StrEnum):
    """nháp → chờ duyệt → đã duyệt → đã lên lịch → đã phát."""

    draft = "draft"
    pending = "pending"
    approved = "approved"
    scheduled = "scheduled"
    aired = "aired"


class BroadcastStatus(enum.StrEnum):
    planned = "planned"
    on_air = "on_air"
    aired = "aired"
    interrupted = "interrupted"
    missed = "missed"
    failed = "failed"
    cancelled = "cancelled"


class Priority(enum.StrEnum):
    """Circular 39/2020/TT-BTTTT: thông thường, ưu tiên, khẩn cấp."""

    ordinary = "ordinary"
    priority = "priority"
    emergency = "emergency"


class ItemKind(enum.StrEnum):
    chime = "chime"
    bulletin = "bulletin"
    audio = "audio"
    relay = "relay"
    gap = "gap"
    live = "live"  # a live announcement's row in the log; never an item of a programme


class ProgrammeStatus(enum.StrEnum):
    active = "active"
    cancelled = "cancelled"


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20)


class Commune(Base):
    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Airing rules; a village may override each one (its column is then not null).
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")  # ISO weekday digits allowed to air
    max_session_minutes: Mapped[int | None] = mapped_column(Integer)
    lexicon: Mapped[str] = mapped_column(Text, default="")  # pronunciation entries, TSV (tts.parse_lexicon)
    volume_limits: Mapped[str] = mapped_column(Text, default="")  # e.g. "22:00-05:00=50" (radio.volume)
    zones: Mapped[list[Zone]] = relationship(back_populates="commune", order_by="Zone.position")


class Zone(Base):
    """One village (thôn, xóm, bản): the unit of targeting, with its own live stream."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    weekdays: Mapped[str | None] = mapped_column(String(7))
    max_session_minutes: Mapped[int | None] = mapped_column(Integer)
    volume_limits: Mapped[str | None] = mapped_column(Text)
    commune: Mapped[Commune] = relationship(back_populates="zones")
    speakers: Mapped[list[Speaker]] = relationship(back_populates="zone")


class Speaker(Base):
    """A receiver box with loudspeakers in a village; `kind` says how it gets its audio."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="simulated")
    # Speaker agents ("agent"): only the sha256 of the token is kept, so a stolen database opens no speaker.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the agent last said in a heartbeat (shown on the fleet page).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    volume: Mapped[int | None] = mapped_column(Integer)
    clock_offset_ms: Mapped[float | None] = mapped_column(Float)
    cache_bytes: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    muted: Mapped[bool | None] = mapped_column(Boolean)
    # Set from the office (remote control); sent to the agent on every (re)connect. None: the agent's own setting.
    desired_volume: Mapped[int | None] = mapped_column(Integer)
    desired_muted: Mapped[bool | None] = mapped_column(Boolean)
    zone: Mapped[Zone] = relationship(back_populates="speakers")


user_zones = Table(
    "user_zones",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="admin")  # radio.roles.Role
    # A password someone else chose (first run, new account, reset) must be replaced at the next login.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    commune: Mapped[Commune] = relationship()
    zones: Mapped[list[Zone]] = relationship(secondary=user_zones, order_by="Zone.position")  # a village head's


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
    voice: Mapped[str] = mapped_column(String(200))
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    readings: Mapped[int] = mapped_column(Integer, default=1)
    chimes: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.ordinary)
    status: Mapped[BulletinStatus] = mapped_column(_enum(BulletinStatus), default=BulletinStatus.draft)
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio_assets.sha256"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When to air once approved; None: as soon as it is approved.
    air_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The approval names the exact audio the approver heard; airing any other audio needs a new approval.
    approved_sha256: Mapped[str | None] = mapped_column(String(64))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_note: Mapped[str] = mapped_column(Text, default="")  # why an approver sent it back
    # A khẩn cấp bulletin aired without approval: its reason, and the review that must follow.
    emergency_reason: Mapped[str] = mapped_column(Text, default="")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[Topic] = mapped_column(_enum(Topic), default=DEFAULT_TOPIC)  # counted by the monthly report
    zones: Mapped[list[Zone]] = relationship(secondary=bulletin_zones, order_by="Zone.position")
    audio: Mapped[AudioAsset | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


programme_zones = Table(
    "programme_zones",
    Base.metadata,
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    Column("zone_id", ForeignKey("zones.id"), primary_key=True),
)


class Programme(Base):
    """An ordered list of items aimed at villages, airing once (`one_off_at`) or on a recurrence.

    The recurrence is an RFC 5545 RRULE evaluated in the commune's timezone at `start_time`,
    limited to [valid_from, valid_until] and minus `skip_dates` (comma-separated ISO dates).
    """

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    title: Mapped[str] = mapped_column(String(300))
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.ordinary)
    status: Mapped[ProgrammeStatus] = mapped_column(_enum(ProgrammeStatus), default=ProgrammeStatus.active)
    one_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_time: Mapped[time | None] = mapped_column(Time)
    rrule: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    skip_dates: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    zones: Mapped[list[Zone]] = relationship(secondary=programme_zones, order_by="Zone.position")
    items: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="programme", order_by="ProgrammeItem.position", cascade="all, delete-orphan"
    )


class ProgrammeItem(Base):
    """One step of a programme; `duration_s` is known in advance for every kind, so sessions can be planned."""

    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind))
    title: Mapped[str] = mapped_column(String(300), default="")
    bulletin_id: Mapped[int | None] = mapped_column(ForeignKey("bulletins.id"))
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio_assets.sha256"))
    relay_url: Mapped[str | None] = mapped_column(String(1000))
    duration_s: Mapped[float] = mapped_column(Float)
    programme: Mapped[Programme] = relationship(back_populates="items")
    bulletin: Mapped[Bulletin | None] = relationship()

    def copy(self) -> ProgrammeItem:
        """The same step, unattached (for a cloned or edited programme)."""
        columns = ("position", "kind", "title", "bulletin_id", "audio_sha256", "relay_url", "duration_s")
        return ProgrammeItem(**{name: getattr(self, name) for name in columns})


class Broadcast(Base):
    """The as-run log: one row per programme item, village and planned instant, filled in as it airs."""

    __tablename__ = "broadcasts"
    __table_args__ = (UniqueConstraint("programme_id", "zone_id", "occurrence_at", "item_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    item_position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind), default=ItemKind.bulletin)
    title: Mapped[str] = mapped_column(String(300), default="")
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.ordinary)
    bulletin_id: Mapped[int | None] = mapped_column(ForeignKey("bulletins.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[BroadcastStatus] = mapped_column(_enum(BroadcastStatus), default=BroadcastStatus.planned, index=True)
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio_assets.sha256"))
    note: Mapped[str] = mapped_column(String(1000), default="")
    bulletin: Mapped[Bulletin | None] = relationship()
    zone: Mapped[Zone] = relationship()
    programme: Mapped[Programme | None] = relationship()
    receipts: Mapped[list[Receipt]] = relationship(viewonly=True, order_by="Receipt.speaker_id")


class ChainEntry(Base):
    """One link of the tamper-evident as-run log: `hash` = sha256(previous hash + canonical payload).

    Editing a past airing (its row or its entry) or deleting an entry breaks every later link,
    and `radio log verify` names the first entry where the chain no longer holds.
    """

    __tablename__ = "chain_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Receipt(Base):
    """A speaker's own report that it played an airing: one row per speaker and broadcast, updated as the
    item goes from started to ended (or interrupted), so a receipt delivered twice is still recorded once."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("speaker_id", "broadcast_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id"), index=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    audio_sha256: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # started, ended, interrupted
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    speaker: Mapped[Speaker] = relationship()
    broadcast: Mapped[Broadcast] = relationship()


class AuditEvent(Base):
    """Who did what, when, from where: every action that changes what the loudspeakers say."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")
    remote: Mapped[str] = mapped_column(String(64), default="")


class ChainCheckpoint(Base):
    """Where the as-run chain now starts, once retention has removed its oldest entries.

    `hash` is the hash of the last removed entry (`entry_id`), so the first kept entry must link to it;
    verification starts here and says so. One row per pruning run; the newest one counts.
    """

    __tablename__ = "chain_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    entry_created_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the last removed entry was written
    entries_removed: Mapped[int] = mapped_column(Integer)  # by this run
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListenerSession(Base):
    """One client's time on a village's live stream: the evidence of who listened, in which format, how much.

    `speaker_id` is set when the client gave the token of a speaker registered with kind "stream" (an IP
    speaker or third-party receiver); `disconnected_at` stays empty while it listens (or if the station died).
    """

    __tablename__ = "listener_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id"), index=True)
    remote: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[str] = mapped_column(String(8))  # mp3, ogg
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    zone: Mapped[Zone] = relationship()
    speaker: Mapped[Speaker | None] = relationship()


live_session_broadcasts = Table(
    "live_session_broadcasts",
    Base.metadata,
    Column("live_session_id", ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("broadcast_id", ForeignKey("broadcasts.id"), primary_key=True),
)


class LiveSession(Base):
    """One officer going live from the browser (phát trực tiếp): who, when, to which villages (one Broadcast row
    each), why it ended, and the recording of what was said, stored as an audio asset named by its sha256."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(50), default="")  # stopped, disconnected, silent, station stopped
    audio_sha256: Mapped[str | None] = mapped_column(ForeignKey("audio_assets.sha256"))
    remote: Mapped[str] = mapped_column(String(64), default="")
    started_by: Mapped[User | None] = relationship()
    broadcasts: Mapped[list[Broadcast]] = relationship(secondary=live_session_broadcasts, order_by="Broadcast.id")


class SpeakerCommand(Base):
    """A one-off remote command (test tone, restart) sent to a speaker agent, and the agent's acknowledgement:
    the office sees that the box really played the tone or went down to restart, not only that it was sent."""

    __tablename__ = "speaker_commands"

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id"), index=True)
    command: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # played, refused, restarting; empty: no answer yet
    detail: Mapped[str] = mapped_column(String(500), default="")
    speaker: Mapped[Speaker] = relationship()
