"""Listener evidence: who connected to which village's live stream, when, in which format, and for how long.

Written by its own evidence writer (the same single-thread, retrying pattern as the as-run log) so that a
busy database never delays a stream, and a flood of listeners never delays the as-run log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from radio.evidence import EvidenceRecorder
from radio.storage.models import ListenerSession, Zone

log = logging.getLogger(__name__)


@dataclass
class Visit:
    """One listener while it listens; `bytes_sent` is counted by the stream, `row_id` set by the writer."""

    zone_slug: str
    format: str
    remote: str
    user_agent: str
    speaker_id: int | None = None
    connected_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    bytes_sent: int = 0
    row_id: int | None = None


class ListenerRecorder(EvidenceRecorder):
    """Queues listeners' connects and disconnects for the writer thread; both calls return at once."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory)
        self._zone_ids: dict[str, int] = {}

    def connected(self, visit: Visit) -> None:
        self._queue.put(partial(self._connected, visit))

    def disconnected(self, visit: Visit) -> None:
        """Runs after `connected` in the same queue, so the row it updates exists by then."""
        self._queue.put(partial(self._disconnected, visit, datetime.now(UTC)))

    def _connected(self, visit: Visit) -> None:
        with self._sessions.begin() as session:
            zone_id = self._zone_ids.get(visit.zone_slug)
            if zone_id is None:
                zone_id = self._zone_ids[visit.zone_slug] = session.scalars(
                    select(Zone.id).where(Zone.slug == visit.zone_slug)
                ).one()
            row = ListenerSession(
                zone_id=zone_id, speaker_id=visit.speaker_id, remote=visit.remote[:64],
                user_agent=visit.user_agent[:300], format=visit.format, connected_at=visit.connected_at,
            )  # fmt: skip
            session.add(row)
            session.flush()
            visit.row_id = row.id

    def _disconnected(self, visit: Visit, at: datetime) -> None:
        if visit.row_id is None:  # its connect could not be recorded; already logged
            return
        with self._sessions.begin() as session:
            row = session.get_one(ListenerSession, visit.row_id)
            row.disconnected_at = at
            row.bytes_sent = visit.bytes_sent
        log.info(
            "zone %s: %s listener from %s left after %.0f s, %d bytes",
            visit.zone_slug, visit.format, visit.remote, (at - visit.connected_at).total_seconds(), visit.bytes_sent,
        )  # fmt: skip


def recent_listeners(session: Session, zone_slug: str | None = None, limit: int = 200) -> list[ListenerSession]:
    """The newest listener sessions, newest first, of one village or all."""
    statement = (
        select(ListenerSession)
        .options(joinedload(ListenerSession.zone), joinedload(ListenerSession.speaker))
        .order_by(ListenerSession.connected_at.desc(), ListenerSession.id.desc())
        .limit(limit)
    )
    if zone_slug is not None:
        statement = statement.join(ListenerSession.zone).where(Zone.slug == zone_slug)
    return list(session.scalars(statement))


def recent_listeners_by_zone(session: Session, per_zone: int) -> dict[int, list[ListenerSession]]:
    """The `per_zone` newest listener sessions of every village (for the fleet page), by zone id."""
    rank = (
        func.row_number()
        .over(partition_by=ListenerSession.zone_id, order_by=(ListenerSession.connected_at.desc(),
                                                             ListenerSession.id.desc()))
        .label("rank")
    )  # fmt: skip
    ranked = select(ListenerSession.id, rank).subquery()
    rows = session.scalars(
        select(ListenerSession)
        .join(ranked, ranked.c.id == ListenerSession.id)
        .where(ranked.c.rank <= per_zone)
        .options(joinedload(ListenerSession.speaker))
        .order_by(ListenerSession.zone_id, ListenerSession.connected_at.desc())
    )
    by_zone: dict[int, list[ListenerSession]] = {}
    for row in rows:
        by_zone.setdefault(row.zone_id, []).append(row)
    return by_zone
