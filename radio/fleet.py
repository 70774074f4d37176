"""Speakers seen from the station: tokens, heartbeats, receipts, the fleet.

Two kinds hold a token: "agent" (our speaker agent, over its WebSocket) and "stream" (a third-party IP
speaker or receiver that plays a village's live stream with `?token=`). A token opens only its own kind.

Plain functions on a session, shared by the agents' WebSocket endpoint, the fleet page and the CLI.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from radio.listeners import recent_listeners_by_zone
from radio.storage.models import (
    Broadcast,
    ListenerSession,
    Receipt,
    Speaker,
    Zone,
)

RECEIPT_OUTCOMES = ("started", "ended", "interrupted")
TOKEN_KINDS = ("agent", "stream")
LISTENERS_SHOWN = 10  # per village on the fleet page


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain sha256 is enough (no slow hash) and can be looked up directly."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_speaker(session: Session, zone_slug: str, name: str, kind: str = "agent") -> tuple[Speaker, str]:
    """Create a speaker holding a token in a village; the token is returned once and never stored (ValueError:
    bad input)."""
    if kind not in TOKEN_KINDS:
        raise ValueError(f"unknown speaker kind {kind!r}; use one of {', '.join(TOKEN_KINDS)}")
    zone = session.scalar(select(Zone).where(Zone.slug == zone_slug))
    if zone is None:
        known = ", ".join(session.scalars(select(Zone.slug).order_by(Zone.position)))
        raise ValueError(f"no village {zone_slug!r}; known villages: {known}")
    if not name.strip():
        raise ValueError("the speaker needs a name")
    token = secrets.token_hex(32)  # hex: never starts with "-", which a command line would take for an option
    speaker = Speaker(zone=zone, name=name.strip(), kind=kind, token_hash=token_hash(token))
    session.add(speaker)
    session.flush()
    return speaker, token


def revoke_speaker(session: Session, speaker_id: int, now: datetime) -> Speaker:
    speaker = session.get(Speaker, speaker_id)
    if speaker is None or speaker.token_hash is None:
        raise ValueError(f"no speaker with a token and id {speaker_id}")
    speaker.revoked_at = speaker.revoked_at or now
    return speaker


def rotate_token(session: Session, speaker_id: int) -> tuple[Speaker, str]:
    """A new token for a speaker (returned once); the old one stops opening anything at once.

    For a box whose token may have been copied; a revoked speaker stays revoked (add a new one instead).
    """
    speaker = session.get(Speaker, speaker_id)
    if speaker is None or speaker.token_hash is None:
        raise ValueError(f"no speaker with a token and id {speaker_id}")
    if speaker.revoked_at is not None:
        raise ValueError(f"speaker {speaker_id} is revoked; add a new speaker instead")
    token = secrets.token_hex(32)
    speaker.token_hash = token_hash(token)
    return speaker, token


def speaker_for_token(session: Session, token: str, kind: str = "agent") -> Speaker | None:
    """The speaker of `kind` this token opens, or None if it is unknown, revoked or of another kind."""
    if not token:
        return None
    speaker = session.scalar(select(Speaker).where(Speaker.token_hash == token_hash(token)))
    return speaker if speaker is not None and speaker.revoked_at is None and speaker.kind == kind else None


def record_heartbeat(session: Session, speaker_id: int, beat: dict[str, Any], now: datetime) -> None:
    speaker = session.get_one(Speaker, speaker_id)
    speaker.last_seen_at = now
    speaker.volume = int(beat["volume"]) if beat.get("volume") is not None else speaker.volume
    speaker.muted = bool(beat["muted"]) if beat.get("muted") is not None else speaker.muted
    speaker.clock_offset_ms = float(beat["clock_offset_ms"]) if beat.get("clock_offset_ms") is not None else None
    speaker.cache_bytes = int(beat.get("cache_bytes") or 0)
    speaker.last_error = str(beat.get("last_error") or "")[:500]


def record_receipt(session: Session, speaker_id: int, receipt: dict[str, Any], now: datetime) -> None:
    """Insert or update the one receipt of this speaker for this airing; raises ValueError on a bad receipt.

    A receipt never goes back (an "ended" one is not turned into "started" by a late duplicate).
    """
    outcome = receipt.get("outcome")
    if outcome not in RECEIPT_OUTCOMES:
        raise ValueError(f"unknown receipt outcome {outcome!r}")
    speaker = session.get_one(Speaker, speaker_id)
    broadcast = session.get(Broadcast, int(receipt["broadcast_id"]))
    if broadcast is None or broadcast.zone_id != speaker.zone_id:
        raise ValueError(f"broadcast {receipt['broadcast_id']} is not an airing of this speaker's village")
    started = _instant(receipt.get("started_at"))
    ended = _instant(receipt.get("ended_at"))
    row = session.scalar(select(Receipt).where(Receipt.speaker_id == speaker.id, Receipt.broadcast_id == broadcast.id))
    if row is None:
        row = Receipt(speaker_id=speaker.id, broadcast_id=broadcast.id, outcome="started")
        session.add(row)
    elif row.outcome != "started" and outcome == "started":
        return
    row.audio_sha256 = str(receipt.get("sha256", ""))[:64]
    row.outcome = outcome
    row.started_at = started or row.started_at
    row.ended_at = ended or row.ended_at
    row.received_at = now


def _instant(value: object) -> datetime | None:
    if not value:
        return None
    instant = datetime.fromisoformat(str(value))
    if instant.tzinfo is None:
        raise ValueError(f"receipt instant {value!r} has no UTC offset")
    return instant


@dataclass(frozen=True)
class SpeakerState:
    name: str
    kind: str
    online: bool
    overdue: bool  # offline longer than the station's setting: someone should go and look
    revoked: bool
    last_seen_at: datetime | None
    clock_offset_ms: float | None
    volume: int | None
    last_error: str
    last_item: str | None
    last_item_at: datetime | None
    id: int = 0
    muted: bool | None = None  # as the agent last reported it applied
    desired_volume: int | None = None  # as set from the office
    desired_muted: bool | None = None


@dataclass(frozen=True)
class VillageFleet:
    name: str
    speakers: list[SpeakerState]
    slug: str = ""
    listeners: list[ListenerSession] = field(default_factory=list)  # newest first, LISTENERS_SHOWN at most


def fleet(session: Session, online_ids: set[int], now: datetime, offline_after: timedelta) -> list[VillageFleet]:
    """Every village with its agent speakers, whether each is connected now, what it last played, and the
    latest listeners of its live stream."""
    listeners = recent_listeners_by_zone(session, LISTENERS_SHOWN)
    zones = session.scalars(select(Zone).options(selectinload(Zone.speakers)).order_by(Zone.position)).all()
    latest = (
        select(Receipt.speaker_id, func.max(Receipt.started_at).label("at")).group_by(Receipt.speaker_id).subquery()
    )
    last_items = {
        speaker_id: (title, at)
        for speaker_id, title, at in session.execute(
            select(Receipt.speaker_id, Broadcast.title, Receipt.started_at)
            .join(Broadcast, Broadcast.id == Receipt.broadcast_id)
            .join(latest, (latest.c.speaker_id == Receipt.speaker_id) & (latest.c.at == Receipt.started_at))
        )
    }
    villages = []
    for zone in zones:
        states = []
        for speaker in zone.speakers:
            if speaker.kind != "agent":
                continue
            online = speaker.id in online_ids and speaker.revoked_at is None
            seen = speaker.last_seen_at
            title, at = last_items.get(speaker.id, (None, None))
            states.append(
                SpeakerState(
                    name=speaker.name, kind=speaker.kind, online=online,
                    overdue=not online and speaker.revoked_at is None and (seen is None or now - seen > offline_after),
                    revoked=speaker.revoked_at is not None, last_seen_at=seen,
                    clock_offset_ms=speaker.clock_offset_ms, volume=speaker.volume, last_error=speaker.last_error,
                    last_item=title, last_item_at=at, id=speaker.id, muted=speaker.muted,
                    desired_volume=speaker.desired_volume, desired_muted=speaker.desired_muted,
                )
            )  # fmt: skip
        villages.append(VillageFleet(zone.name, states, zone.slug, listeners.get(zone.id, [])))
    return villages
