"""Wakes the station at each planned airing. The database is the source of truth: APScheduler's
in-memory jobs are rebuilt from the planned Broadcast rows at every start.

APScheduler drops a late job silently by default; here every late airing is either aired late
(within the configured grace, noted in the log) or recorded as missed, never lost without trace.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from radio.bulletins import BulletinDraft
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, Bulletin, User
from schedules.planner import plan_bulletin

log = logging.getLogger(__name__)

_ON_TIME_TOLERANCE = timedelta(seconds=2)


def _job_id(broadcast_id: int) -> str:
    return f"broadcast-{broadcast_id}"


class AirScheduler:
    def __init__(self, station: Station) -> None:
        self.station = station
        self._grace = timedelta(seconds=station.settings.late_grace_s)
        self._scheduler = BackgroundScheduler(
            timezone=station.settings.tz,
            job_defaults={"misfire_grace_time": station.settings.late_grace_s, "coalesce": False},
        )
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)

    def start(self) -> None:
        self._scheduler.start()
        self._load_planned()

    def stop(self) -> None:
        self._scheduler.shutdown(wait=False)

    def submit(self, draft: BulletinDraft, author_id: int) -> Bulletin:
        """Validate, render, store and plan a bulletin in one transaction, then arm its airings."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            author = session.get_one(User, author_id)
            bulletin, broadcasts = plan_bulletin(session, self.station.settings, draft, author, now)
        for broadcast in broadcasts:
            self._arm(broadcast.id, broadcast.planned_at)
        return bulletin

    def _load_planned(self) -> None:
        now = datetime.now(UTC)
        with self.station.sessions() as session:
            planned = session.execute(
                select(Broadcast.id, Broadcast.planned_at).where(Broadcast.status == BroadcastStatus.planned)
            ).all()
        for broadcast_id, planned_at in planned:
            if now - planned_at > self._grace:
                self.station.evidence.failed(
                    broadcast_id,
                    BroadcastStatus.missed,
                    f"missed: the station was not running at {planned_at.isoformat(timespec='seconds')}",
                )
            else:
                self._arm(broadcast_id, planned_at)
        log.info("armed %d planned airings from the database", len(planned))

    def _arm(self, broadcast_id: int, planned_at: datetime) -> None:
        self._scheduler.add_job(
            self._fire,
            "date",
            run_date=max(planned_at, datetime.now(UTC)),
            args=[broadcast_id, planned_at],
            id=_job_id(broadcast_id),
            replace_existing=True,
        )

    def _fire(self, broadcast_id: int, planned_at: datetime) -> None:
        lateness = datetime.now(UTC) - planned_at
        note = f"late by {lateness.total_seconds():.0f} s" if lateness > _ON_TIME_TOLERANCE else ""
        self.station.air(broadcast_id, note)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        broadcast_id = int(event.job_id.removeprefix("broadcast-"))
        self.station.evidence.failed(
            broadcast_id, BroadcastStatus.missed, f"missed: woke up after the {self._grace.seconds} s grace"
        )
