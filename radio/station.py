"""The station at run time: database, one stream encoder and playout clock per village, evidence.

Built once by the web app (or a test) from Settings; `air` is what the scheduler calls at the
planned instant.
"""

from __future__ import annotations

import logging

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import tts
from radio.config import Settings
from radio.demo import FirstRunLogin, seed_demo
from radio.evidence import EvidenceRecorder
from radio.local_output import LocalOutput, open_local_output
from radio.playout import PlayoutItem, Sink, ZonePlayout
from radio.storage.database import make_engine, make_session_factory, migrate
from radio.storage.models import AudioAsset, Broadcast, BroadcastStatus, Zone
from radio.zone_stream import ZoneStream

log = logging.getLogger(__name__)


class Station:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.evidence = EvidenceRecorder(self.sessions)
        self.streams: dict[str, ZoneStream] = {}
        self.playouts: dict[str, ZonePlayout] = {}
        self._local_output: LocalOutput | None = None

    def prepare_database(self) -> FirstRunLogin | None:
        """Migrate, and on an empty database create the demo commune; returns the first-run login."""
        migrate(self.engine)
        with self.sessions.begin() as session:
            return seed_demo(session, self.settings.admin_password)

    def start(self) -> None:
        """Open every village's stream encoder and playout clock (and the sound card if configured)."""
        with self.sessions() as session:
            zones = session.execute(select(Zone.slug, Zone.name).order_by(Zone.position)).all()
        rate = self.settings.stream_sample_rate
        if self.settings.local_output_zone:
            self._local_output = open_local_output(rate, self.settings.local_output_device)
        for slug, name in zones:
            stream = ZoneStream(slug, name, rate, self.settings.stream_bitrate)
            sinks: list[Sink] = [stream]
            if self._local_output and slug == self.settings.local_output_zone:
                sinks.append(self._local_output)
            self.streams[slug] = stream
            self.playouts[slug] = ZonePlayout(slug, rate, sinks)
            self.playouts[slug].start()
        log.info("station on air in %d villages", len(zones))

    def stop(self) -> None:
        for playout in self.playouts.values():
            playout.stop()
        for stream in self.streams.values():
            stream.close()
        if self._local_output:
            self._local_output.close()
        self.engine.dispose()

    def air(self, broadcast_id: int, note: str = "") -> None:
        """Queue one airing in its village now; its real start and end go to the as-run log."""
        with self.sessions() as session:
            broadcast = session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.status != BroadcastStatus.planned:
                log.info("broadcast %s is not planned any more; not airing it", broadcast_id)
                return
            asset = session.scalars(select(AudioAsset).where(AudioAsset.sha256 == broadcast.audio_sha256)).one()
            slug, title = broadcast.zone.slug, broadcast.bulletin.title
            path = self.settings.audio_dir / asset.path
        playout = self.playouts.get(slug)
        if playout is None:
            self.evidence.failed(broadcast_id, BroadcastStatus.failed, f"village {slug} has no playout")
            return
        try:
            audio = tts.decode(path.read_bytes(), "mp3", sample_rate=self.settings.stream_sample_rate)
        except (OSError, RuntimeError) as error:
            self.evidence.failed(broadcast_id, BroadcastStatus.failed, f"audio unreadable: {error}")
            return
        pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767).astype(np.int16)
        playout.enqueue(
            PlayoutItem(
                title=title,
                pcm=pcm,
                on_start=lambda at: self.evidence.started(broadcast_id, at, note),
                on_end=lambda at: self.evidence.ended(broadcast_id, at),
            )
        )
