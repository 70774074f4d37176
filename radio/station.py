"""The station at run time: database, one stream encoder and playout clock per village, evidence.

Built once by the web app (or a test) from Settings; `air` is what the scheduler calls shortly
before an airing's planned instant.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import tts
from radio.approval import cleared_to_air
from radio.config import Settings
from radio.demo import FirstRunLogin, seed_demo
from radio.evidence import EvidenceRecorder
from radio.local_output import LocalOutput, open_local_output
from radio.playout import PlayoutItem, Sink, Source, ZonePlayout
from radio.sources import ArraySource, RelaySource
from radio.storage.database import make_engine, make_session_factory, migrate
from radio.storage.models import (
    AudioAsset,
    Broadcast,
    BroadcastStatus,
    Commune,
    ItemKind,
    Priority,
    ProgrammeItem,
    Zone,
)
from radio.volume import VolumeLimits, parse_volume_limits
from radio.zone_stream import ZoneStream

log = logging.getLogger(__name__)


def to_pcm(audio: tts.Audio) -> np.ndarray:
    return (np.clip(audio.samples, -1.0, 1.0) * 32767).astype(np.int16)


class Station:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.evidence = EvidenceRecorder(self.sessions)
        self.streams: dict[str, ZoneStream] = {}
        self.playouts: dict[str, ZonePlayout] = {}
        self._local_output: LocalOutput | None = None
        self._queued: set[int] = set()  # broadcasts handed to a playout in this process: never twice
        self._queued_lock = threading.Lock()
        self._volume_limits: dict[str, VolumeLimits] = {}

    def prepare_database(self) -> FirstRunLogin | None:
        """Migrate, and on an empty database create the demo commune; returns the first-run login."""
        migrate(self.engine)
        with self.sessions.begin() as session:
            return seed_demo(session, self.settings)

    def start(self) -> None:
        """Open every village's stream encoder and playout clock (and the sound card if configured)."""
        with self.sessions() as session:
            zones = session.execute(select(Zone.slug, Zone.name).order_by(Zone.position)).all()
        rate = self.settings.stream_sample_rate
        if self.settings.local_output_zone:
            self._local_output = open_local_output(rate, self.settings.local_output_device)
        self.reload_volume_limits()
        for slug, name in zones:
            self._open_village(slug, name)
        log.info("station on air in %d villages", len(zones))

    def open_village(self, slug: str, name: str) -> None:
        """Put a village added while the station is on air on the air too (its stream and playout clock)."""
        self.reload_volume_limits()
        self._open_village(slug, name)

    def _open_village(self, slug: str, name: str) -> None:
        rate = self.settings.stream_sample_rate
        stream = ZoneStream(slug, name, rate, self.settings.stream_bitrate)
        sinks: list[Sink] = [stream]
        if self._local_output and slug == self.settings.local_output_zone:
            sinks.append(self._local_output)
        self.streams[slug] = stream
        self.playouts[slug] = ZonePlayout(
            slug, rate, sinks, self.settings.resume_interrupted,
            gain_at=lambda timestamp, slug=slug: self._volume_limits[slug].gain_at(timestamp),
        )  # fmt: skip
        self.playouts[slug].start()

    def reload_volume_limits(self) -> None:
        """Read each village's volume ceilings (its own, else the commune's); called again after an edit."""
        with self.sessions() as session:
            rows = session.execute(
                select(Zone.slug, Zone.volume_limits, Commune.volume_limits).join(Zone.commune)
            ).all()
        self._volume_limits = {
            slug: VolumeLimits(parse_volume_limits(own if own is not None else commune), self.settings.tz)
            for slug, own, commune in rows
        }

    def stop(self) -> None:
        for playout in self.playouts.values():
            playout.stop()
        self.evidence.flush()
        self.evidence.close()
        for stream in self.streams.values():
            stream.close()
        if self._local_output:
            self._local_output.close()
        self.engine.dispose()

    @cached_property
    def _chime(self) -> np.ndarray:
        return to_pcm(tts.finish(tts.chime(self.settings.stream_sample_rate), self.settings.loudness_target_lufs))

    def _source(self, session: Session, broadcast: Broadcast) -> Source:
        """Samples for the airing, prepared before its instant so it starts on time."""
        rate = self.settings.stream_sample_rate
        item = None
        if broadcast.programme_id is not None:
            item = session.scalars(
                select(ProgrammeItem).where(
                    ProgrammeItem.programme_id == broadcast.programme_id,
                    ProgrammeItem.position == broadcast.item_position,
                )
            ).one()
        if broadcast.kind == ItemKind.relay and item is not None and item.relay_url:
            return RelaySource(item.relay_url, item.duration_s, rate)
        if broadcast.kind == ItemKind.gap and item is not None:
            return ArraySource(np.zeros(int(item.duration_s * rate), dtype=np.int16))
        if broadcast.kind == ItemKind.chime:
            return ArraySource(self._chime.copy())
        asset = session.scalars(select(AudioAsset).where(AudioAsset.sha256 == broadcast.audio_sha256)).one()
        data = (self.settings.audio_dir / asset.path).read_bytes()
        return ArraySource(to_pcm(tts.decode(data, "mp3", sample_rate=rate)))

    def air(self, broadcast_id: int, note: str = "") -> None:
        """Hand one airing to its village's playout, to start at its planned instant (emergencies: now)."""
        with self._queued_lock:
            if broadcast_id in self._queued:
                return
            self._queued.add(broadcast_id)
        with self.sessions() as session:
            broadcast = session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.status != BroadcastStatus.planned:
                log.info("broadcast %s is not planned any more; not airing it", broadcast_id)
                return
            if broadcast.bulletin is not None and not cleared_to_air(broadcast.bulletin, broadcast):
                log.warning("broadcast %s: bulletin %s is not approved for this audio", broadcast_id,
                            broadcast.bulletin_id)  # fmt: skip
                self.evidence.failed(broadcast_id, BroadcastStatus.failed, "refused: the bulletin is not approved")
                return
            slug, title, emergency = broadcast.zone.slug, broadcast.title, broadcast.priority == Priority.emergency
            not_before = broadcast.planned_at.timestamp()
            try:
                source = self._source(session, broadcast)
            except (OSError, ValueError) as error:
                self.evidence.failed(broadcast_id, BroadcastStatus.failed, f"audio unreadable: {error}")
                return
        playout = self.playouts.get(slug)
        if playout is None:
            self.evidence.failed(broadcast_id, BroadcastStatus.failed, f"village {slug} has no playout")
            return
        item = PlayoutItem(
            title=title, source=source, not_before=not_before,
            on_start=lambda at: self.evidence.started(broadcast_id, at, note),
            on_end=lambda at: self.evidence.ended(broadcast_id, at),
            on_interrupt=lambda at, by: self.evidence.interrupted(broadcast_id, at, by),
            exempt_from_ceiling=emergency,
        )  # fmt: skip
        if emergency:
            playout.preempt(item)
        else:
            playout.enqueue(item)
