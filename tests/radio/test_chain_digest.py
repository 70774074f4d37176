"""The daily digest printed on the report anchors the as-run log: an edited byte, or a chain rewritten with every
later hash recomputed (which the chain alone cannot reveal), makes `radio log verify --digest` fail."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from radio.as_run_chain import daily_digests, link_hash
from radio.config import Settings
from radio.station import Station
from radio.storage.models import BroadcastStatus
from radio.topics import Topic
from tests.radio.log_fixture import History
from tests.radio.test_cli import radio

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = date(2026, 3, 1)


def _three_days(settings: Settings) -> dict[date, str]:
    """Two airings a day on 1–3 March 2026; returns each day's digest as the report prints it."""
    station = Station(settings)
    station.prepare_database()
    with station.sessions.begin() as session:
        h = History(session, settings)
        bulletin = h.bulletin("Thông báo lịch họp", Topic.government, datetime(2026, 2, 28, 8, tzinfo=VN))
        for day in range(3):
            for hour in (6, 17):
                moment = datetime(2026, 3, 1, hour, tzinfo=VN) + timedelta(days=day)
                h.airing("thon-dong", moment, BroadcastStatus.aired, bulletin=bulletin)
    with station.sessions() as session:
        digests = {d.day: d.head_hash for d in daily_digests(session, VN, FIRST, FIRST + timedelta(days=2))}
    station.stop()
    return digests  # type: ignore[return-value]


def _digest_args(digests: dict[date, str]) -> list[str]:
    return [arg for day, digest in digests.items() for arg in ("--digest", f"{day}={digest}")]


def test_one_edited_byte_fails_at_the_entry_and_the_digest(settings: Settings) -> None:
    digests = _three_days(settings)
    intact = radio("log", "verify", *_digest_args(digests), data_dir=settings.data_dir)
    assert intact.returncode == 0, intact.stderr
    assert "6 entries verified" in intact.stdout and intact.stdout.count("matches") == 3
    short = radio(
        "log", "verify", "--digest", f"2026-03-02={digests[date(2026, 3, 2)][:16]}", data_dir=settings.data_dir
    )
    assert short.returncode == 0, short.stderr  # 16 hex digits, as typed from paper, are enough

    with sqlite3.connect(settings.data_dir / "radio.db") as db:  # one byte of the 2 March morning airing
        entry_id, payload = db.execute("SELECT id, payload FROM chain_entries ORDER BY id LIMIT 1 OFFSET 2").fetchone()
        db.execute(
            "UPDATE chain_entries SET payload = ? WHERE id = ?",
            (payload.replace(":00+00:00", ":01+00:00", 1), entry_id),
        )
    edited = radio("log", "verify", *_digest_args(digests), data_dir=settings.data_dir)
    assert edited.returncode == 1
    assert f"ALTERED at entry {entry_id}" in edited.stderr
    assert "digest 2026-03-01 matches" in edited.stdout  # the day before the edit still holds
    assert f"digest 2026-03-02 MISMATCH: printed {digests[date(2026, 3, 2)]}" in edited.stderr
    assert "digest 2026-03-03 MISMATCH" in edited.stderr


def test_a_consistently_rewritten_chain_is_caught_only_by_the_digest(settings: Settings) -> None:
    digests = _three_days(settings)
    with sqlite3.connect(settings.data_dir / "radio.db") as db:  # a careful forger: row, payload and every hash
        rows = db.execute("SELECT id, subject_id, payload, prev_hash FROM chain_entries ORDER BY id").fetchall()
        prev = rows[0][3]
        for index, (entry_id, subject_id, payload, _) in enumerate(rows):
            if index == 1:
                fields = json.loads(payload)
                fields["status"], fields["note"] = "missed", "missed: the station was not running"
                payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                db.execute(
                    "UPDATE broadcasts SET status = 'missed', note = ? WHERE id = ?", (fields["note"], subject_id)
                )
            new_hash = link_hash(prev, payload)
            db.execute("UPDATE chain_entries SET payload = ?, prev_hash = ?, hash = ? WHERE id = ?",
                       (payload, prev, new_hash, entry_id))  # fmt: skip
            prev = new_hash
    alone = radio("log", "verify", data_dir=settings.data_dir)
    assert alone.returncode == 0, alone.stderr  # the chain holds together again
    anchored = radio("log", "verify", "--digest", f"2026-03-01={digests[FIRST]}", data_dir=settings.data_dir)
    assert anchored.returncode == 1 and "digest 2026-03-01 MISMATCH" in anchored.stderr


def test_a_badly_typed_digest_is_refused(settings: Settings) -> None:
    for bad in ("2026-03-01", "01/03/2026=abcdef0123456789", "2026-03-01=xyz", "2026-03-01=abc"):
        refused = radio("log", "verify", "--digest", bad, data_dir=settings.data_dir)
        assert refused.returncode == 2 and "--digest" in refused.stderr, bad
