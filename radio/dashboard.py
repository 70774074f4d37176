"""What the dashboard shows: each village's speakers and stream, what is on air, what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, Zone


@dataclass(frozen=True)
class VillageStatus:
    name: str
    slug: str
    speakers: list[str]
    streaming: bool
    listeners: int
    on_air: str | None
    last_aired_title: str | None


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
                speakers=[speaker.name for speaker in zone.speakers],
                streaming=stream is not None,
                listeners=stream.listener_count if stream else 0,
                on_air=playout.on_air if playout else None,
                last_aired_title=titles.get(last_aired.get(zone.id, -1)),
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
