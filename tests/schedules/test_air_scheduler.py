"""The database is the source of truth: airings survive a restart, late ones air late, old ones are 'missed'."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from radio.bulletins import BulletinDraft
from radio.config import Settings
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, User
from schedules.air_scheduler import AirScheduler
from schedules.planner import plan_bulletin


@pytest.fixture
def station(settings: Settings) -> Iterator[Station]:
    station = Station(settings)
    station.prepare_database()
    station.start()
    yield station
    station.stop()


def _wait_for(station: Station, broadcast_id: int, statuses: set[BroadcastStatus], seconds: float) -> Broadcast:
    deadline = time.monotonic() + seconds
    while True:
        with station.sessions() as session:
            broadcast = session.get_one(Broadcast, broadcast_id)
        if broadcast.status in statuses or time.monotonic() > deadline:
            return broadcast
        time.sleep(0.1)


def _plan(station: Station, zone: str, at: datetime) -> int:
    with station.sessions.begin() as session:
        admin = session.scalars(select(User)).one()
        draft = BulletinDraft("Tin ngắn", "Xin chào bà con.", "vi", [zone], at)
        _bulletin, (broadcast,) = plan_bulletin(session, station.settings, draft, admin, datetime.now(UTC))
        return broadcast.id


def _move(station: Station, broadcast_id: int, planned_at: datetime) -> None:
    """Pretend the station was down at this airing's planned time."""
    with station.sessions.begin() as session:
        session.get_one(Broadcast, broadcast_id).planned_at = planned_at


def test_airing_planned_before_a_restart_airs_after_it(settings: Settings) -> None:
    first = Station(settings)
    first.prepare_database()
    first.start()
    scheduler = AirScheduler(first)
    scheduler.start()
    with first.sessions() as session:
        admin_id = session.scalars(select(User.id)).one()
    bulletin = scheduler.submit(
        BulletinDraft("Tin ngắn", "Xin chào bà con.", "vi", ["thon-dong"], datetime.now(UTC) + timedelta(seconds=3)),
        admin_id,
    )
    scheduler.stop()
    first.stop()

    second = Station(settings)
    second.start()
    AirScheduler(second).start()
    try:
        with second.sessions() as session:
            broadcast_id = session.scalars(select(Broadcast.id).where(Broadcast.bulletin_id == bulletin.id)).one()
        aired = _wait_for(second, broadcast_id, {BroadcastStatus.aired}, 15)
    finally:
        second.stop()
    assert aired.status == BroadcastStatus.aired
    assert aired.note == ""
    assert abs((aired.started_at - aired.planned_at).total_seconds()) < 0.05


def test_missed_within_grace_airs_late_and_says_so(station: Station) -> None:
    broadcast_id = _plan(station, "thon-dong", datetime.now(UTC) + timedelta(hours=1))
    _move(station, broadcast_id, datetime.now(UTC) - timedelta(seconds=30))
    AirScheduler(station).start()
    aired = _wait_for(station, broadcast_id, {BroadcastStatus.aired}, 15)
    assert aired.status == BroadcastStatus.aired
    assert aired.note in {"late by 30 s", "late by 31 s"}


def test_missed_beyond_grace_is_logged_missed_not_aired(station: Station) -> None:
    broadcast_id = _plan(station, "thon-tay", datetime.now(UTC) + timedelta(hours=1))
    _move(station, broadcast_id, datetime.now(UTC) - timedelta(hours=2))
    AirScheduler(station).start()
    missed = _wait_for(station, broadcast_id, {BroadcastStatus.missed}, 5)
    assert missed.status == BroadcastStatus.missed
    assert missed.started_at is None
    assert "not running" in missed.note
