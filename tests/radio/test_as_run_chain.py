"""The tamper-evident as-run log: real airings chained by the evidence writer, then tampered with in
the SQLite file by another program, and `radio log verify` naming the first entry that no longer holds."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from radio.config import Settings
from radio.fleet import add_speaker, record_receipt
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, ChainEntry, ItemKind, User
from schedules.air_scheduler import AirScheduler
from schedules.programmes import ItemSpec, ProgrammeSpec
from tests.radio.test_cli import radio


def _air_three_gaps(settings: Settings) -> list[int]:
    station = Station(settings)
    station.prepare_database()
    station.start()
    scheduler = AirScheduler(station)
    scheduler.start()
    try:
        with station.sessions() as session:
            author = session.scalars(select(User.id)).one()
        soon = datetime.now(UTC) + timedelta(seconds=3)
        spec = ProgrammeSpec("Ba khoảng lặng", ["thon-dong", "thon-tay", "ban-na-hin"],
                             [ItemSpec(ItemKind.gap, seconds=0.5)], one_off_at=soon)  # fmt: skip
        programme_id = scheduler.add(spec, author)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with station.sessions() as session:
                statuses = list(session.scalars(select(Broadcast.status).where(Broadcast.programme_id == programme_id)))
            if statuses == [BroadcastStatus.aired] * 3:
                break
            time.sleep(0.2)
    finally:
        scheduler.stop()
        station.stop()
    with station.sessions() as session:
        return list(session.scalars(select(ChainEntry.id).order_by(ChainEntry.id)))


def test_verify_names_the_first_altered_or_missing_entry(settings: Settings) -> None:
    entries = _air_three_gaps(settings)
    assert len(entries) == 3
    intact = radio("log", "verify", data_dir=settings.data_dir)
    assert intact.returncode == 0 and "3 entries verified" in intact.stdout

    database = settings.data_dir / "radio.db"
    with sqlite3.connect(database) as db:  # someone "corrects" when the second airing ended
        db.execute("UPDATE broadcasts SET ended_at = '2026-01-01 00:00:00' WHERE id = "
                   "(SELECT subject_id FROM chain_entries WHERE id = ?)", (entries[1],))  # fmt: skip
    altered = radio("log", "verify", data_dir=settings.data_dir)
    assert altered.returncode == 1
    assert f"ALTERED at entry {entries[1]}" in altered.stderr and "altered after it aired" in altered.stderr


def test_a_deleted_entry_is_found(settings: Settings) -> None:
    entries = _air_three_gaps(settings)
    with sqlite3.connect(settings.data_dir / "radio.db") as db:
        db.execute("DELETE FROM chain_entries WHERE id = ?", (entries[0],))
    missing = radio("log", "verify", data_dir=settings.data_dir)
    assert missing.returncode == 1 and f"ALTERED at entry {entries[1]}" in missing.stderr
    assert "missing" in missing.stderr


def test_an_edited_entry_is_found(settings: Settings) -> None:
    entries = _air_three_gaps(settings)
    with sqlite3.connect(settings.data_dir / "radio.db") as db:
        db.execute("UPDATE chain_entries SET payload = replace(payload, 'aired', 'missed') WHERE id = ?", (entries[2],))
    edited = radio("log", "verify", data_dir=settings.data_dir)
    assert edited.returncode == 1 and f"ALTERED at entry {entries[2]}" in edited.stderr
    assert "content was altered" in edited.stderr


def test_speaker_receipts_are_chained_once_per_state_and_checked(settings: Settings) -> None:
    airings = _air_three_gaps(settings)
    station = Station(settings)
    with station.sessions.begin() as session:
        broadcast = session.get_one(ChainEntry, airings[0]).subject_id
        zone = session.get_one(Broadcast, broadcast).zone.slug
        speaker, _token = add_speaker(session, zone, "Cụm loa chợ")
        speaker_id = speaker.id
    started = datetime.now(UTC)
    messages = [
        {"broadcast_id": broadcast, "outcome": "started", "started_at": started.isoformat(), "sha256": ""},
        {"broadcast_id": broadcast, "outcome": "ended", "started_at": started.isoformat(),
         "ended_at": (started + timedelta(seconds=0.5)).isoformat(), "sha256": ""},
    ]  # fmt: skip
    for message in [*messages, messages[1]]:  # the last one delivered twice, as after a reconnection
        with station.sessions.begin() as session:
            record_receipt(session, speaker_id, message, datetime.now(UTC))
        station.evidence.receipt(speaker_id, broadcast)
        station.evidence.flush()  # the writer chains the row as it stands: states that arrive together collapse
    station.evidence.close()
    station.engine.dispose()
    with sqlite3.connect(settings.data_dir / "radio.db") as db:
        kinds = [kind for (kind,) in db.execute("SELECT kind FROM chain_entries ORDER BY id")]
        receipt_entries = [i for (i,) in db.execute("SELECT id FROM chain_entries WHERE kind = 'receipt' ORDER BY id")]
    assert kinds == ["airing"] * 3 + ["receipt"] * 2
    assert radio("log", "verify", data_dir=settings.data_dir).returncode == 0

    with sqlite3.connect(settings.data_dir / "radio.db") as db:  # the box "played" it later than it said
        db.execute("UPDATE receipts SET ended_at = '2026-01-01 00:00:00'")
    altered = radio("log", "verify", data_dir=settings.data_dir)
    assert altered.returncode == 1
    assert f"ALTERED at entry {receipt_entries[1]}" in altered.stderr and "receipt" in altered.stderr
    with sqlite3.connect(settings.data_dir / "radio.db") as db:
        db.execute("DELETE FROM receipts")
    deleted = radio("log", "verify", data_dir=settings.data_dir)
    assert f"ALTERED at entry {receipt_entries[0]}" in deleted.stderr and "was deleted" in deleted.stderr


def test_deleting_the_newest_entries_is_caught_by_the_airings_they_proved(settings: Settings) -> None:
    entries = _air_three_gaps(settings)
    with sqlite3.connect(settings.data_dir / "radio.db") as db:  # the tail of the chain is cut off cleanly
        (airing,) = db.execute("SELECT subject_id FROM chain_entries WHERE id = ?", (entries[-1],)).fetchone()
        db.execute("DELETE FROM chain_entries WHERE id = ?", (entries[-1],))
    cut = radio("log", "verify", data_dir=settings.data_dir)
    assert cut.returncode == 1
    assert f"INCOMPLETE: airing {airing} finished but not in the chain" in cut.stderr
