"""Retention on fourteen months of history: `radio retention run` removes what is older than twelve months and
nothing that a programme still running or a future airing needs, and the as-run chain still verifies."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from radio.accounts import record
from radio.as_run_chain import daily_digests
from radio.config import Settings
from radio.retention import cutoff_for
from radio.station import Station
from radio.storage.models import (
    AuditEvent,
    Broadcast,
    BroadcastStatus,
    BulletinStatus,
    ChainEntry,
    ItemKind,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    Receipt,
)
from radio.topics import Topic
from tests.radio.log_fixture import History
from tests.radio.test_cli import radio


@dataclass(frozen=True)
class FourteenMonths:
    removed_audio: list[str]  # sha256 of files retention must remove
    kept_audio: list[str]  # old files that an active programme or a future airing still needs
    recent_day: date  # a day inside the period, with airings
    old_day: date  # a day outside it, with airings


def build_fourteen_months(settings: Settings) -> FourteenMonths:
    """Two airings a month for fourteen months, an active daily programme and a future airing of old audio."""
    now, tz = datetime.now(UTC), settings.tz
    station = Station(settings)
    station.prepare_database()
    removed, kept = [], []
    with station.sessions.begin() as session:
        h = History(session, settings)
        long_ago = now - relativedelta(months=14)
        agent = h.agent("thon-dong")
        jingle = h.asset(long_ago)  # the station's jingle, played every morning for more than a year
        kept.append(jingle)
        daily = Programme(commune_id=h.commune_id, title="Nhạc hiệu buổi sáng", start_time=time(5, 0),
                          rrule="FREQ=DAILY", created_at=long_ago,
                          items=[ProgrammeItem(position=0, kind=ItemKind.audio, audio_sha256=jingle,
                                               duration_s=60)])  # fmt: skip
        gone = Programme(commune_id=h.commune_id, title="Chương trình đã hủy", start_time=time(18, 0),
                         rrule="FREQ=WEEKLY", created_at=long_ago, status=ProgrammeStatus.cancelled)  # fmt: skip
        session.add_all([daily, gone])
        session.flush()
        preview = h.asset(now - relativedelta(months=13))  # a preview nobody aired
        removed.append(preview)
        old_bulletin = h.bulletin("Lịch tiêm phòng (phát lại)", Topic.health, long_ago)  # re-aired tomorrow
        old_bulletin.status = BulletinStatus.scheduled
        kept.append(old_bulletin.audio_sha256)
        record(session, "login", "long ago", username="admin")
        session.flush()
        session.scalars(select(AuditEvent)).one().at = now - relativedelta(months=13)
        for months_ago in range(13, -1, -1):
            day = (now - relativedelta(months=months_ago) - timedelta(days=2)).astimezone(tz)
            morning = datetime.combine(day.date(), time(5, 0), tz)
            h.airing("thon-dong", morning, BroadcastStatus.aired, kind=ItemKind.audio, programme=daily,
                     receipt_from=agent)  # fmt: skip
            news = h.bulletin(f"Bản tin tháng {day:%m/%Y}", Topic.government, morning - timedelta(hours=2))
            one_off = h.one_off(news, morning + timedelta(hours=3))
            for slug in ("thon-dong", "thon-tay"):
                h.airing(slug, morning + timedelta(hours=3), BroadcastStatus.aired, bulletin=news, programme=one_off,
                         receipt_from=agent if slug == "thon-dong" else None)  # fmt: skip
            if months_ago >= 12:
                removed.append(news.audio_sha256)
        future = h.one_off(old_bulletin, now + timedelta(days=1))
        for slug in ("thon-dong", "thon-tay"):
            h.airing(slug, now + timedelta(days=1), BroadcastStatus.planned, bulletin=old_bulletin, programme=future)
    station.stop()
    return FourteenMonths(removed, kept, (now - timedelta(days=2)).astimezone(tz).date(),
                          (now - relativedelta(months=13) - timedelta(days=2)).astimezone(tz).date())  # fmt: skip


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        tables = ("broadcasts", "chain_entries", "receipts", "programmes", "bulletins", "audio_assets")
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def test_retention_keeps_twelve_months_and_what_is_still_needed(settings: Settings) -> None:
    history = build_fourteen_months(settings)
    station = Station(settings)
    with station.sessions() as session:
        digests = {d.day: d.head_hash for d in daily_digests(session, settings.tz, history.old_day, history.recent_day)}
    station.engine.dispose()
    database = settings.data_dir / "radio.db"
    before = _counts(database)

    dry = radio("retention", "run", "--dry-run", data_dir=settings.data_dir)
    assert dry.returncode == 0, dry.stderr
    assert "would remove" in dry.stdout and "10 chain entries" in dry.stdout and "3 audio files" in dry.stdout
    assert (dry.stdout + dry.stderr).count("would remove") == 1  # the summary once, not also logged
    assert _counts(database) == before
    assert all((settings.audio_dir / f"{sha}.mp3").exists() for sha in history.removed_audio)

    done = radio("retention", "run", data_dir=settings.data_dir)
    assert done.returncode == 0, done.stderr
    assert (done.stdout + done.stderr).count("removed everything older") == 1
    assert (
        "removed" in done.stdout and "10 chain entries, 6 airings, 4 receipts, 3 programmes, 2 bulletins" in done.stdout
    )
    after = _counts(database)
    assert after["chain_entries"] == before["chain_entries"] - 10 and after["broadcasts"] == before["broadcasts"] - 6
    assert not any((settings.audio_dir / f"{sha}.mp3").exists() for sha in history.removed_audio)
    assert all((settings.audio_dir / f"{sha}.mp3").exists() for sha in history.kept_audio)
    cutoff = cutoff_for(datetime.now(UTC), 12, settings.tz)
    station = Station(settings)
    with station.sessions() as session:
        assert session.scalar(select(func.min(Broadcast.planned_at))) >= cutoff
        assert session.scalar(select(func.count()).select_from(Programme).where(Programme.rrule == "FREQ=DAILY")) == 1
        assert session.scalar(select(func.count()).select_from(Broadcast).where(Broadcast.planned_at > cutoff)) == 38
        assert session.scalar(select(func.count()).select_from(Receipt)) == 24
        assert [e.action for e in session.scalars(select(AuditEvent))] == ["retention"]
        assert session.scalar(select(func.min(ChainEntry.created_at))) >= cutoff
    station.engine.dispose()

    verified = radio("log", "verify", "--digest", f"{history.recent_day}={digests[history.recent_day]}",
                     data_dir=settings.data_dir)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "retention checkpoint" in verified.stdout and "60 entries verified" in verified.stdout
    assert f"digest {history.recent_day} matches" in verified.stdout
    pruned = radio("log", "verify", "--digest", f"{history.old_day}={digests[history.old_day]}",
                   data_dir=settings.data_dir)  # fmt: skip
    assert pruned.returncode == 1 and "CANNOT BE CHECKED" in pruned.stderr and "removed by retention" in pruned.stderr

    again = radio("retention", "run", data_dir=settings.data_dir)
    assert again.returncode == 0 and "removed everything older" in again.stdout and " 0 chain entries" in again.stdout


def test_nothing_is_removed_from_a_chain_that_does_not_verify(settings: Settings) -> None:
    build_fourteen_months(settings)
    database = settings.data_dir / "radio.db"
    with sqlite3.connect(database) as db:  # someone edits the oldest airing: pruning it would hide that
        db.execute("UPDATE chain_entries SET payload = replace(payload, 'aired', 'missed') WHERE id = "
                   "(SELECT min(id) FROM chain_entries)")  # fmt: skip
    before = _counts(database)
    refused = radio("retention", "run", data_dir=settings.data_dir)
    assert refused.returncode == 1 and "does not verify" in refused.stderr and "nothing removed" in refused.stderr
    assert _counts(database) == before
