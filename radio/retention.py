"""Retention: audio files and log rows older than `retention_months` are removed once nothing newer needs them.

Run daily by the server (`RetentionJob`) and by `radio retention run [--dry-run]`. What goes, all older
than the cutoff (commune midnight, `retention_months` before today):
- the oldest as-run chain entries (a prefix of the chain); a checkpoint keeps the hash of the last one,
  so the rest still verifies, and `radio log verify` says it starts there;
- finished airings (aired, interrupted, missed, failed, cancelled) no kept chain entry names, with their receipts;
- programmes that can never air again (one-off in the past, cancelled, or past their validity) and that no
  kept airing names, with their items;
- aired or scheduled bulletins that nothing kept names and that no approver still has to review;
- audio assets (rows and files) that no kept bulletin, programme item or airing names: an asset of an
  active programme or of a future airing is therefore never removed;
- audit trail lines.
Nothing is removed while the chain does not verify: pruning must not erase the evidence of tampering.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, and_, delete, func, or_, select, union
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from radio.accounts import record
from radio.as_run_chain import AIRING, day_start, verify
from radio.config import Settings
from radio.storage.models import (
    AudioAsset,
    AuditEvent,
    Base,
    Broadcast,
    BroadcastStatus,
    Bulletin,
    BulletinStatus,
    ChainCheckpoint,
    ChainEntry,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    Receipt,
)

log = logging.getLogger(__name__)

FINISHED = (BroadcastStatus.aired, BroadcastStatus.interrupted, BroadcastStatus.missed, BroadcastStatus.failed,
            BroadcastStatus.cancelled)  # fmt: skip
DAILY_AT = time(3, 30)  # commune time: after the night's quiet hours begin, before the morning session


class RetentionError(RuntimeError):
    pass


def cutoff_for(now: datetime, months: int, tz: ZoneInfo) -> datetime:
    """Commune midnight `months` before today: whole days are kept or removed, so daily digests stay whole."""
    today = now.astimezone(tz).date()
    return day_start(today - relativedelta(months=months), tz)


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    entries: int = 0
    checkpoint_hash: str = ""
    broadcasts: int = 0
    receipts: int = 0
    programmes: int = 0
    bulletins: int = 0
    audit_events: int = 0
    assets: list[str] = field(default_factory=list)  # sha256 of each audio file removed
    bytes_freed: int = 0

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        text = (
            f"{verb} everything older than {self.cutoff.isoformat(timespec='minutes')}: {self.entries} chain entries, "
            f"{self.broadcasts} airings, {self.receipts} receipts, {self.programmes} programmes, "
            f"{self.bulletins} bulletins, {len(self.assets)} audio files ({self.bytes_freed / 1e6:.1f} MB), "
            f"{self.audit_events} audit lines"
        )
        if self.checkpoint_hash:
            text += f"; the chain now starts from checkpoint {self.checkpoint_hash[:16]}…"
        return text


def _count(session: Session, ids: Select[tuple[int]]) -> int:
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def _named_elsewhere(attribute: InstrumentedAttribute[Any], *, except_in: tuple[str, ...] = ()) -> list[Select[Any]]:
    """Every value of `column` that some row still names through a foreign key: links that cascade on delete,
    and tables this run prunes first (`except_in`), aside. Read from the models, so a table added later is
    respected without a change here."""
    column = attribute.property.columns[0]  # type: ignore[attr-defined]
    return [
        select(fk.parent).where(fk.parent.is_not(None))
        for table in Base.metadata.tables.values()
        if table.name not in except_in
        for fk in table.foreign_keys
        if fk.column is column and fk.ondelete != "CASCADE"
    ]


def _prune_chain(session: Session, cutoff: datetime, report: RetentionReport) -> None:
    last = session.scalar(
        select(ChainEntry).where(ChainEntry.created_at < cutoff).order_by(ChainEntry.id.desc()).limit(1)
    )
    if last is None:
        return
    report.entries = _count(session, select(ChainEntry.id).where(ChainEntry.id <= last.id))
    report.checkpoint_hash = last.hash
    session.add(ChainCheckpoint(entry_id=last.id, hash=last.hash, entry_created_at=last.created_at,
                                entries_removed=report.entries))  # fmt: skip
    session.execute(delete(ChainEntry).where(ChainEntry.id <= last.id))


def _prune_airings(session: Session, cutoff: datetime, report: RetentionReport) -> None:
    chained = select(ChainEntry.subject_id).where(ChainEntry.kind == AIRING)
    named = union(chained, *_named_elsewhere(Broadcast.id, except_in=("receipts",)))
    old = select(Broadcast.id).where(
        Broadcast.planned_at < cutoff, Broadcast.status.in_(FINISHED), Broadcast.id.not_in(named)
    )
    report.broadcasts = _count(session, old)
    report.receipts = _count(session, select(Receipt.id).where(Receipt.broadcast_id.in_(old)))
    session.execute(delete(Receipt).where(Receipt.broadcast_id.in_(old)))
    session.execute(delete(Broadcast).where(Broadcast.id.in_(old)))


def _prune_programmes(session: Session, cutoff: datetime, cutoff_day: date, report: RetentionReport) -> None:
    never_again = or_(
        and_(Programme.one_off_at.is_not(None), Programme.one_off_at < cutoff),
        and_(Programme.status == ProgrammeStatus.cancelled, Programme.created_at < cutoff),
        and_(Programme.valid_until.is_not(None), Programme.valid_until < cutoff_day),
    )
    named = union(*_named_elsewhere(Programme.id, except_in=("programme_items",)))
    old = select(Programme.id).where(never_again, Programme.id.not_in(named))
    report.programmes = _count(session, old)
    session.execute(delete(ProgrammeItem).where(ProgrammeItem.programme_id.in_(old)))
    session.execute(delete(Programme).where(Programme.id.in_(old)))


def _prune_bulletins(session: Session, cutoff: datetime, report: RetentionReport) -> None:
    old = select(Bulletin.id).where(
        Bulletin.created_at < cutoff,
        Bulletin.status.in_([BulletinStatus.scheduled, BulletinStatus.aired]),
        Bulletin.needs_review.is_(False),
        Bulletin.id.not_in(union(*_named_elsewhere(Bulletin.id))),
    )
    report.bulletins = _count(session, old)
    session.execute(delete(Bulletin).where(Bulletin.id.in_(old)))


def _prune_assets(session: Session, settings: Settings, cutoff: datetime, report: RetentionReport) -> list[str]:
    """Remove unreferenced old asset rows; returns their files' paths (removed once the transaction commits)."""
    approved = select(Bulletin.approved_sha256).where(Bulletin.approved_sha256.is_not(None))  # no foreign key
    named = union(approved, *_named_elsewhere(AudioAsset.sha256))
    old = and_(AudioAsset.created_at < cutoff, AudioAsset.sha256.not_in(named))
    rows = session.execute(select(AudioAsset.sha256, AudioAsset.path).where(old)).all()
    report.assets = [row.sha256 for row in rows]
    for row in rows:
        path = settings.audio_dir / row.path
        report.bytes_freed += path.stat().st_size if path.exists() else 0
    session.execute(delete(AudioAsset).where(old))
    return [row.path for row in rows]


@retry(retry=retry_if_exception_type(OperationalError), wait=wait_exponential(multiplier=0.2, max=5),
       stop=stop_after_attempt(5), reraise=True)  # fmt: skip
def _prune(
    sessions: sessionmaker[Session], settings: Settings, now: datetime, dry_run: bool
) -> tuple[RetentionReport, list[str]]:
    """Everything in one transaction (rolled back for a dry run); retried when the playout's writer holds SQLite."""
    cutoff = cutoff_for(now, settings.retention_months, settings.tz)
    report = RetentionReport(cutoff, dry_run)
    with sessions() as session:
        result = verify(session, settings.tz)
        if not result.intact:
            raise RetentionError(
                f"the as-run log does not verify (entry {result.first_bad_entry}: {result.reason}); nothing removed"
            )
        _prune_chain(session, cutoff, report)
        _prune_airings(session, cutoff, report)
        _prune_programmes(session, cutoff, cutoff.astimezone(settings.tz).date(), report)
        _prune_bulletins(session, cutoff, report)
        files = _prune_assets(session, settings, cutoff, report)
        report.audit_events = _count(session, select(AuditEvent.id).where(AuditEvent.at < cutoff))
        session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
        if dry_run:
            session.rollback()
            return report, []
        record(session, "retention", report.summary(), username="station")
        session.commit()
    return report, files


def run_retention(
    sessions: sessionmaker[Session], settings: Settings, now: datetime, dry_run: bool = False
) -> RetentionReport:
    """Remove what the retention period no longer keeps (RetentionError if the chain does not verify). The caller
    reports the summary (the server's log, the command's output), so a console run prints it once."""
    if settings.retention_months <= 0:
        raise RetentionError("retention_months is 0: everything is kept")
    report, files = _prune(sessions, settings, now, dry_run)
    for path in files:
        (settings.audio_dir / path).unlink(missing_ok=True)
        log.info("retention: removed audio file %s", path)
    return report


class RetentionJob:
    """The server's daily run: once at start-up (a station may have been off), then every day at 03:30."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._sessions, self._settings = sessions, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)

    def start(self) -> None:
        if self._settings.retention_months <= 0:
            log.info("retention off (retention_months = 0): audio and logs are kept forever")
            return
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                log.info("retention: %s", run_retention(self._sessions, self._settings, datetime.now(UTC)).summary())
            except Exception:  # a failed run (chain broken, disk error) must not stop the next day's
                log.exception("retention run failed")
            self._stop.wait(_seconds_to_next_run(datetime.now(UTC), self._settings.tz))


def _seconds_to_next_run(now: datetime, tz: ZoneInfo) -> float:
    local = now.astimezone(tz)
    run = datetime.combine(local.date(), DAILY_AT, tz)
    if run <= local:
        run = datetime.combine(local.date() + timedelta(days=1), DAILY_AT, tz)
    return (run - now).total_seconds()
