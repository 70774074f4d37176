"""Build an as-run history directly in a station's database: bulletins, audio files, airings with their
outcomes, receipts and hash-chained entries dated when each airing ended, as the evidence writer would.

Airings must be added in the order they ended, so chain entries are in time order like the real ones.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.as_run_chain import append_airing, append_receipt
from radio.config import Settings
from radio.storage.models import (
    AudioAsset,
    Broadcast,
    BroadcastStatus,
    Bulletin,
    BulletinStatus,
    ChainEntry,
    Commune,
    ItemKind,
    Programme,
    ProgrammeItem,
    Receipt,
    Speaker,
    Zone,
)
from radio.topics import Topic


class History:
    def __init__(self, session: Session, settings: Settings) -> None:
        self.session, self.settings = session, settings
        self.commune_id = session.scalars(select(Commune.id)).first()
        self.zones = {zone.slug: zone for zone in session.scalars(select(Zone))}

    def asset(self, created_at: datetime) -> str:
        """A stand-in audio file (retention and reports never decode it), named by its sha256 like real ones."""
        data = os.urandom(2048)
        sha256 = hashlib.sha256(data).hexdigest()
        self.settings.audio_dir.mkdir(parents=True, exist_ok=True)
        (self.settings.audio_dir / f"{sha256}.mp3").write_bytes(data)
        self.session.add(AudioAsset(sha256=sha256, path=f"{sha256}.mp3", duration_s=60.0, sample_rate=22050,
                                    loudness_lufs=-16.0, created_at=created_at))  # fmt: skip
        self.session.flush()
        return sha256

    def bulletin(self, title: str, topic: Topic, created_at: datetime, with_audio: bool = True) -> Bulletin:
        bulletin = Bulletin(
            commune_id=self.commune_id, title=title, text=title, voice="vi", topic=topic, created_at=created_at,
            status=BulletinStatus.aired, audio_sha256=self.asset(created_at) if with_audio else None,
        )  # fmt: skip
        self.session.add(bulletin)
        self.session.flush()
        return bulletin

    def one_off(self, bulletin: Bulletin, at: datetime) -> Programme:
        programme = Programme(commune_id=self.commune_id, title=bulletin.title, one_off_at=at, created_at=at,
                              items=[ProgrammeItem(position=0, kind=ItemKind.bulletin, bulletin_id=bulletin.id,
                                                   audio_sha256=bulletin.audio_sha256, duration_s=60.0)])  # fmt: skip
        self.session.add(programme)
        self.session.flush()
        return programme

    def agent(self, slug: str) -> Speaker:
        speaker = Speaker(zone=self.zones[slug], name=f"Loa {slug}", kind="agent")
        self.session.add(speaker)
        self.session.flush()
        return speaker

    def airing(
        self, slug: str, planned: datetime, status: BroadcastStatus, *, bulletin: Bulletin | None = None,
        kind: ItemKind = ItemKind.bulletin, minutes: float = 2.0, programme: Programme | None = None,
        receipt_from: Speaker | None = None,
    ) -> Broadcast:  # fmt: skip
        """One airing and its outcome; final ones are chained, dated at their end (or planned instant)."""
        planned = planned.astimezone(UTC)
        started = planned if status in (BroadcastStatus.aired, BroadcastStatus.interrupted) else None
        ended = planned + timedelta(minutes=minutes) if status is BroadcastStatus.aired else None
        broadcast = Broadcast(
            zone_id=self.zones[slug].id, planned_at=planned, occurrence_at=planned, kind=kind, status=status,
            title=bulletin.title if bulletin else kind.value, bulletin_id=bulletin.id if bulletin else None,
            audio_sha256=bulletin.audio_sha256 if bulletin else None, started_at=started, ended_at=ended,
            programme_id=programme.id if programme else None,
        )  # fmt: skip
        self.session.add(broadcast)
        self.session.flush()
        receipt = None
        if receipt_from is not None:
            receipt = Receipt(speaker_id=receipt_from.id, broadcast_id=broadcast.id, outcome="ended",
                              audio_sha256=broadcast.audio_sha256 or "", started_at=started, ended_at=ended,
                              received_at=ended or planned)  # fmt: skip
            self.session.add(receipt)
        if status not in (BroadcastStatus.planned, BroadcastStatus.on_air, BroadcastStatus.cancelled):
            entry: ChainEntry = append_airing(self.session, broadcast)
            entry.created_at = ended or planned
            self.session.flush()
        if receipt is not None:  # chained just after, as the evidence writer does when the speaker reports
            receipt_entry = append_receipt(self.session, receipt)
            assert receipt_entry is not None
            receipt_entry.created_at = ended or planned
            self.session.flush()
        return broadcast
