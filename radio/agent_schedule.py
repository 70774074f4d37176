"""What a village's speaker agents are told to play: every kind of item, each with what the box needs to play
it on its own (a file by sha256, a stream URL, or a length of silence).

Chimes have no file of their own on the station (the playout renders them in memory), so the chime is
stored once as an audio asset and named by its sha256 like any bulletin: the box prefetches and checks it.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, sessionmaker

import tts
from radio.config import Settings
from radio.rendering import store_asset
from radio.storage.models import AudioAsset, Broadcast, BroadcastStatus, ItemKind, Priority, ProgrammeItem

_chime_lock = threading.Lock()
_chimes: dict[tuple[int, float], tuple[str, float]] = {}


SCHEDULE_PAST = timedelta(minutes=10)  # an agent that reconnects mid-item still learns of it and can join it


def chime_asset(sessions: sessionmaker[Session], settings: Settings) -> tuple[str, float]:
    """(sha256, seconds) of the station's chime as a stored file, made once and remembered."""
    key = (settings.stream_sample_rate, settings.loudness_target_lufs)
    with _chime_lock:
        if key not in _chimes:
            render_key = f"chime:{key[0]}:{key[1]}"
            with sessions.begin() as session:
                asset = session.scalar(select(AudioAsset).where(AudioAsset.render_key == render_key))
                if asset is None:
                    chime = tts.finish(tts.chime(key[0]), settings.loudness_target_lufs)
                    asset = store_asset(session, settings, tts.encode_mp3(chime, settings.stream_bitrate), render_key)
                _chimes[key] = (asset.sha256, asset.duration_s)
        return _chimes[key]


def village_schedule(
    session: Session, zone_id: int, now: datetime, ahead: timedelta, chime: tuple[str, float]
) -> list[dict[str, Any]]:
    """The village's airings from a little in the past to `ahead`, as sent to its agents.

    Live airings are not in it (they reach the agents as frames while they happen).
    """
    item = and_(ProgrammeItem.programme_id == Broadcast.programme_id, ProgrammeItem.position == Broadcast.item_position)
    rows = session.execute(
        select(Broadcast.id, Broadcast.planned_at, Broadcast.kind, Broadcast.audio_sha256, Broadcast.title,
               Broadcast.priority, AudioAsset.duration_s, ProgrammeItem.relay_url, ProgrammeItem.duration_s)
        .outerjoin(AudioAsset, AudioAsset.sha256 == Broadcast.audio_sha256)
        .outerjoin(ProgrammeItem, item)
        .where(
            Broadcast.zone_id == zone_id,
            Broadcast.status.in_([BroadcastStatus.planned, BroadcastStatus.on_air]),
            Broadcast.planned_at >= now - SCHEDULE_PAST,
            Broadcast.planned_at < now + ahead,
        )
        .order_by(Broadcast.planned_at, Broadcast.id)
    ).all()  # fmt: skip
    schedule = []
    for broadcast_id, planned_at, kind, sha256, title, priority, file_s, relay_url, item_s in rows:
        entry: dict[str, Any] = {"broadcast_id": broadcast_id, "planned_at": planned_at.timestamp(), "kind": kind.value,
                                 "title": title, "emergency": priority == Priority.emergency}  # fmt: skip
        # a file plays for its item's planned length, on which the next item's instant was planned: the chime
        # was planned with its length as rendered, and its stored MP3 decodes a few ms longer (encoder padding)
        if kind == ItemKind.chime:
            entry |= {"sha256": chime[0], "duration_s": item_s or chime[1]}
        elif kind == ItemKind.gap and item_s:
            entry |= {"duration_s": item_s}
        elif kind == ItemKind.relay and relay_url and item_s:
            entry |= {"url": relay_url, "duration_s": item_s}
        elif sha256 and file_s:
            entry |= {"sha256": sha256, "duration_s": item_s or file_s}
        else:
            continue  # a live airing, or a row whose programme item is gone
        schedule.append(entry)
    return schedule
