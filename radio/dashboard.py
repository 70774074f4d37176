"""What the dashboard shows: each village's speakers and stream, what is on air, what comes next."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, Zone


@dataclass(frozen=True)
class VillageStatus:
    name: str
    slug: str
    speakers: list[str]  # simulated speakers (the demo's): they are only the village's stream
    streaming: bool
    listeners: int
    on_air: str | None
    last_aired_title: str | None
    agent_ids: frozenset[int] = frozenset()  # speaker agents not revoked
    stream_speakers: list[str] = field(default_factory=list)  # third-party IP speakers on the stream, by token

    def agents_online(self, online_ids: Collection[int]) -> int:
        """How many of the village's speaker agents hold a link now (`online_ids`: the station's open links)."""
        return len(self.agent_ids.intersection(online_ids))

    @property
    def simulated_only(self) -> bool:
        return bool(self.speakers) and not self.agent_ids and not self.stream_speakers


def village_statuses(session: Session, station: Station) -> list[VillageStatus]:
    zones = session.scalars(select(Zone).options(selectinload(Zone.speakers)).order_by(Zone.position)).all()
    last_aired = dict(
        session.execute(
            select(Broadcast.zone_id, func.max(Broadcast.id))
            .where(Broadcast.status == BroadcastStatus.aired)
            .group_by(Broadcast.zone_id)
        ).all()
    )
    titles = {
        broadcast_id: title
        for broadcast_id, title in session.execute(
            select(Broadcast.id, Broadcast.title).where(Broadcast.id.in_(last_aired.values()))
        )
    }
    statuses = []
    for zone in zones:
        stream = station.streams.get(zone.slug)
        playout = station.playouts.get(zone.slug)
        statuses.append(
            VillageStatus(
                name=zone.name,
                slug=zone.slug,
                speakers=[speaker.name for speaker in zone.speakers if speaker.kind == "simulated"],
                streaming=stream is not None,
                listeners=stream.listener_count if stream else 0,
                on_air=playout.on_air if playout else None,
                last_aired_title=titles.get(last_aired.get(zone.id, -1)),
                agent_ids=frozenset(s.id for s in zone.speakers if s.kind == "agent" and s.revoked_at is None),
                stream_speakers=[s.name for s in zone.speakers if s.kind == "stream" and s.revoked_at is None],
            )
        )
    return statuses


def upcoming_broadcasts(session: Session, limit: int = 10) -> list[Broadcast]:
    statement = (
        select(Broadcast)
        .options(joinedload(Broadcast.zone))
        .where(Broadcast.status == BroadcastStatus.planned)
        .order_by(Broadcast.planned_at)
        .limit(limit)
    )
    return list(session.scalars(statement))


def problem_broadcasts(session: Session, since: datetime, limit: int = 20) -> list[Broadcast]:
    """Airings that did not go as planned (missed, interrupted by a stop, failed): the officer must see them."""
    statement = (
        select(Broadcast)
        .options(joinedload(Broadcast.zone))
        .where(
            Broadcast.status.in_([BroadcastStatus.missed, BroadcastStatus.interrupted, BroadcastStatus.failed]),
            Broadcast.planned_at >= since,
        )
        .order_by(Broadcast.planned_at.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
