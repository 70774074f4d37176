"""Wakes the station before each planned airing. The database is the source of truth: APScheduler's
in-memory jobs are rebuilt from the planned Broadcast rows at every start and every few minutes.

APScheduler drops a late job silently by default; here every late airing is either aired late
(within the configured grace, noted in the log) or recorded as missed, never lost without trace.
An airing that was on air when the station died is logged as interrupted and not aired again.
"""

from __future__ import annotations

import gc
import logging
from datetime import UTC, datetime, time, timedelta

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from radio.approval import approve, edit_bulletin
from radio.bulletins import BulletinDraft
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, Bulletin, BulletinStatus, Programme, User
from schedules.planner import (
    add_programme,
    cancel_programme,
    check_schedulable,
    materialize,
    plan_bulletin,
    replace_programme,
    schedule_bulletin,
    unschedule_bulletin,
)
from schedules.programmes import ProgrammeSpec, build_programme, clone_programme

log = logging.getLogger(__name__)

PREPARE_AHEAD = timedelta(seconds=2)  # decode and queue this early; the playout clock starts it on the sample
ON_TIME_TOLERANCE = timedelta(seconds=2)
ARM_WINDOW = timedelta(hours=26)
REPLAN_EVERY = timedelta(minutes=10)


def _job_id(broadcast_id: int) -> str:
    return f"broadcast-{broadcast_id}"


class AirScheduler:
    def __init__(self, station: Station) -> None:
        self.station = station
        self.settings = station.settings
        self._grace = timedelta(seconds=station.settings.late_grace_s)
        self._scheduler = BackgroundScheduler(
            timezone=station.settings.tz,
            job_defaults={"misfire_grace_time": station.settings.late_grace_s, "coalesce": False},
        )
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)

    def start(self) -> None:
        self._close_interrupted()
        self._scheduler.start()
        self.replan()
        self._scheduler.add_job(self.replan, "interval", seconds=REPLAN_EVERY.total_seconds(), id="replan")
        # What exists now (modules, the station, the armed schedule) lives as long as the process: left out of
        # the collector's full passes, which otherwise hold every thread, the playout clocks too, for 100+ ms.
        gc.collect()  # startup garbage is freed first, not frozen
        gc.freeze()

    def stop(self) -> None:
        self._scheduler.shutdown(wait=False)

    def submit(self, draft: BulletinDraft, author_id: int, emergency_reason: str = "", send: bool = True) -> Bulletin:
        """Validate, render and store a bulletin (nháp unless `send`), plan it if cleared to air, then arm it."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            author = session.get_one(User, author_id)
            bulletin, broadcasts = plan_bulletin(session, self.settings, draft, author, now, emergency_reason, send)
        self._arm_rows(broadcasts, now)
        return bulletin

    def approve(self, bulletin_id: int, approver_id: int, heard_sha256: str) -> Bulletin:
        """Approve the audio the approver heard and plan the bulletin's airings (Refusal leaves it waiting)."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            bulletin = session.get_one(Bulletin, bulletin_id)
            approve(bulletin, session.get_one(User, approver_id), heard_sha256, now)
            broadcasts = schedule_bulletin(session, self.settings, bulletin, now)
        self._arm_rows(broadcasts, now)
        return bulletin

    def edit_bulletin(
        self, bulletin_id: int, draft: BulletinDraft, editor_id: int, emergency_reason: str = "", send: bool = True
    ) -> Bulletin:
        """Change a bulletin not yet aired: planned airings are called off and approval starts again."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            bulletin = session.get_one(Bulletin, bulletin_id)
            unschedule_bulletin(session, bulletin)
            edit_bulletin(session, self.settings, bulletin, draft, session.get_one(User, editor_id), now,
                          emergency_reason=emergency_reason, send=send)  # fmt: skip
            broadcasts: list[Broadcast] = []
            if bulletin.status is BulletinStatus.approved:
                broadcasts = schedule_bulletin(session, self.settings, bulletin, now)
            elif bulletin.status is BulletinStatus.pending:
                check_schedulable(session, self.settings, bulletin, now)
        self._arm_rows(broadcasts, now)
        return bulletin

    def add(self, spec: ProgrammeSpec, author_id: int) -> int:
        """Build, check, store and plan a programme (Refusal if it breaks a rule), then arm its airings."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            author = session.get_one(User, author_id)
            programme = build_programme(session, spec, author.commune_id, author.id, now)
            broadcasts = add_programme(session, programme, self.settings.tz, now, self._horizon)
            programme_id = programme.id
        self._arm_rows(broadcasts, now)
        return programme_id

    def clone(self, programme_id: int, author_id: int, start_time: time | None, one_off_at: datetime | None) -> int:
        """Copy a programme, usually at another time (a copy at the same time in the same villages clashes)."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            copy = clone_programme(session.get_one(Programme, programme_id), author_id)
            copy.start_time = start_time or copy.start_time
            copy.one_off_at = one_off_at or copy.one_off_at
            broadcasts = add_programme(session, copy, self.settings.tz, now, self._horizon)
            copy_id = copy.id
        self._arm_rows(broadcasts, now)
        return copy_id

    def edit(self, programme_id: int, spec: ProgrammeSpec, author_id: int) -> None:
        """Replace a programme's content and times; its future airings are planned anew."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            author = session.get_one(User, author_id)
            edited = build_programme(session, spec, author.commune_id, author.id, now)
            programme = session.get_one(Programme, programme_id)
            broadcasts = replace_programme(session, programme, edited, self.settings.tz, now, self._horizon)
        self._arm_rows(broadcasts, now)

    def cancel(self, programme_id: int) -> int:
        """Cancel a programme; returns how many planned airings were called off."""
        with self.station.sessions.begin() as session:
            return cancel_programme(session, session.get_one(Programme, programme_id))

    @property
    def _horizon(self) -> timedelta:
        return timedelta(days=self.settings.plan_horizon_days)

    def replan(self) -> None:
        """Plan recurring programmes over the horizon and arm every planned airing due soon."""
        now = datetime.now(UTC)
        with self.station.sessions.begin() as session:
            added = materialize(session, self.settings.tz, now - self._grace, now + self._horizon)
            planned = session.execute(
                select(Broadcast.id, Broadcast.planned_at).where(
                    Broadcast.status == BroadcastStatus.planned, Broadcast.planned_at < now + ARM_WINDOW
                )
            ).all()
        for broadcast_id, planned_at in planned:
            self._arm(broadcast_id, planned_at, now)
        log.info("planned %d new airings; %d armed for the next %s", len(added), len(planned), ARM_WINDOW)

    def _close_interrupted(self) -> None:
        """Whatever was on air when the station stopped is logged as interrupted, never aired twice."""
        with self.station.sessions() as session:
            on_air = list(session.scalars(select(Broadcast.id).where(Broadcast.status == BroadcastStatus.on_air)))
        for broadcast_id in on_air:
            note = "interrupted: the station stopped while on air"
            self.station.evidence.failed(broadcast_id, BroadcastStatus.interrupted, note)
        self.station.evidence.flush()  # recorded before anything is armed again
        if on_air:
            log.warning("%d airings were on air when the station stopped; logged as interrupted", len(on_air))

    def _arm_rows(self, broadcasts: list[Broadcast], now: datetime) -> None:
        for broadcast in broadcasts:
            if broadcast.planned_at < now + ARM_WINDOW:
                self._arm(broadcast.id, broadcast.planned_at, now)

    def _arm(self, broadcast_id: int, planned_at: datetime, now: datetime) -> None:
        if now - planned_at > self._grace:
            self.station.evidence.failed(
                broadcast_id, BroadcastStatus.missed,
                f"missed: the station was not running at {planned_at.isoformat(timespec='seconds')}",
            )  # fmt: skip
            return
        if self._scheduler.get_job(_job_id(broadcast_id)) is not None:
            return
        self._scheduler.add_job(
            self._fire, "date", run_date=max(planned_at - PREPARE_AHEAD, now), args=[broadcast_id, planned_at],
            id=_job_id(broadcast_id),
        )  # fmt: skip

    def _fire(self, broadcast_id: int, planned_at: datetime) -> None:
        lateness = datetime.now(UTC) - planned_at
        note = f"late by {lateness.total_seconds():.0f} s" if lateness > ON_TIME_TOLERANCE else ""
        self.station.air(broadcast_id, note)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        if not event.job_id.startswith("broadcast-"):
            return
        broadcast_id = int(event.job_id.removeprefix("broadcast-"))
        self.station.evidence.failed(
            broadcast_id, BroadcastStatus.missed, f"missed: woke up after the {self._grace.seconds} s grace"
        )
