"""The station's side of speaker agents, without processes: tokens, receipts recorded once, the fleet view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from radio.config import Settings
from radio.fleet import add_speaker, fleet, record_receipt, revoke_speaker, speaker_for_token
from radio.station import Station
from radio.storage.models import Broadcast, Receipt, Zone


@pytest.fixture
def station(settings: Settings) -> Iterator[Station]:
    station = Station(settings)
    station.prepare_database()
    yield station
    station.engine.dispose()


def test_token_is_stored_hashed_and_revocation_closes_it(station: Station) -> None:
    with station.sessions.begin() as session:
        speaker, token = add_speaker(session, "thon-dong", "Loa chợ")
        assert speaker.token_hash != token and token not in speaker.token_hash
        assert speaker_for_token(session, token) is speaker
        assert speaker_for_token(session, token + "x") is None
        revoke_speaker(session, speaker.id, datetime.now(UTC))
        assert speaker_for_token(session, token) is None
    with station.sessions.begin() as session, pytest.raises(ValueError, match="no village 'thon-xa'"):
        add_speaker(session, "thon-xa", "Loa")


def test_a_receipt_delivered_twice_is_recorded_once_and_never_goes_back(station: Station) -> None:
    now = datetime.now(UTC)
    with station.sessions.begin() as session:
        speaker, _ = add_speaker(session, "thon-dong", "Loa chợ")
        zone_id = session.scalar(select(Zone.id).where(Zone.slug == "thon-dong"))
        broadcast = Broadcast(zone_id=zone_id, planned_at=now, title="Thông báo")
        session.add(broadcast)
        session.flush()
        started = {"broadcast_id": broadcast.id, "sha256": "a" * 64, "started_at": now.isoformat()}
        ended = {**started, "outcome": "ended", "ended_at": (now + timedelta(seconds=30)).isoformat()}
        for receipt in ({**started, "outcome": "started"}, ended, ended, {**started, "outcome": "started"}):
            record_receipt(session, speaker.id, receipt, now)
            session.flush()
        (row,) = session.scalars(select(Receipt)).all()
        assert row.outcome == "ended" and row.ended_at == now + timedelta(seconds=30)
        with pytest.raises(ValueError, match="no UTC offset"):
            record_receipt(session, speaker.id, {**ended, "started_at": "2026-01-01T05:00:00"}, now)
        villages = fleet(session, {speaker.id}, now, timedelta(minutes=10))
    (dong,) = [village for village in villages if village.name == "Thôn Đông"]
    (state,) = dong.speakers
    assert state.online and not state.overdue and state.last_item == "Thông báo"
