"""The tamper-evident as-run log: each finished airing and each speaker receipt is appended as a hash-chained entry.

An entry's payload is the canonical JSON of the airing as it ended; its hash covers the previous
hash, so altering an airing afterwards (its row or its entry) or removing an entry is detected by
`verify`, which names the first entry where the chain no longer holds. Entries are appended only
by the evidence writer thread, so the chain has a single writer.

A chain rewritten from some entry on, every later hash recomputed, would still hold together; the daily
digest (the head hash at the end of each commune day) printed on the monthly report anchors it outside
the database: `verify` recomputes the head of each day it is given and names the digest that no longer
matches. Retention removes the oldest entries and keeps a checkpoint (the hash of the last removed
entry) that verification starts from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.storage.models import Broadcast, BroadcastStatus, ChainCheckpoint, ChainEntry, Receipt

GENESIS = "0" * 64
AIRING = "airing"
RECEIPT = "receipt"


def _iso(moment: object) -> str | None:
    return moment.isoformat() if moment is not None else None  # type: ignore[attr-defined]


def airing_payload(broadcast: Broadcast) -> str:
    """What an auditor needs of one airing, in a canonical form that hashes the same forever."""
    fields = {
        "broadcast": broadcast.id, "zone_id": broadcast.zone_id, "programme_id": broadcast.programme_id,
        "title": broadcast.title, "planned_at": _iso(broadcast.planned_at), "started_at": _iso(broadcast.started_at),
        "ended_at": _iso(broadcast.ended_at), "status": broadcast.status.value, "audio_sha256": broadcast.audio_sha256,
        "note": broadcast.note,
    }  # fmt: skip
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def receipt_payload(receipt: Receipt) -> str:
    """A speaker's report of one airing as it stands, canonical like an airing's."""
    fields = {
        "receipt": receipt.id, "speaker_id": receipt.speaker_id, "broadcast": receipt.broadcast_id,
        "outcome": receipt.outcome, "started_at": _iso(receipt.started_at), "ended_at": _iso(receipt.ended_at),
        "audio_sha256": receipt.audio_sha256,
    }  # fmt: skip
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def _append(session: Session, kind: str, subject_id: int, payload: str) -> ChainEntry:
    prev_hash = session.scalar(select(ChainEntry.hash).order_by(ChainEntry.id.desc()).limit(1)) or GENESIS
    entry = ChainEntry(
        kind=kind, subject_id=subject_id, payload=payload, prev_hash=prev_hash, hash=link_hash(prev_hash, payload)
    )
    session.add(entry)
    return entry


def append_airing(session: Session, broadcast: Broadcast) -> ChainEntry:
    """Chain the airing as it is now (call once its outcome is final)."""
    session.flush()
    return _append(session, AIRING, broadcast.id, airing_payload(broadcast))


def append_receipt(session: Session, receipt: Receipt) -> ChainEntry | None:
    """Chain the receipt as it now stands, unless the chain already holds exactly this (a receipt delivered twice).

    A receipt changes as its item starts, is interrupted and ends; each state is chained, and `verify`
    compares the row with its latest entry.
    """
    session.flush()
    payload = receipt_payload(receipt)
    latest = session.scalar(
        select(ChainEntry.payload)
        .where(ChainEntry.kind == RECEIPT, ChainEntry.subject_id == receipt.id)
        .order_by(ChainEntry.id.desc())
        .limit(1)
    )
    return None if latest == payload else _append(session, RECEIPT, receipt.id, payload)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of a commune day, as an aware instant."""
    return datetime.combine(day, datetime.min.time(), tz)


def latest_checkpoint(session: Session) -> ChainCheckpoint | None:
    return session.scalar(select(ChainCheckpoint).order_by(ChainCheckpoint.id.desc()).limit(1))


@dataclass(frozen=True)
class DayDigest:
    """The chain at the end of one commune day: its head hash (None: that day was removed by retention)."""

    day: date
    head_hash: str | None
    entries: int  # entries written that day


def daily_digests(session: Session, tz: ZoneInfo, first: date, last: date) -> list[DayDigest]:
    """The digest of every day from `first` to `last` inclusive, from the hashes as stored."""
    start, end = day_start(first, tz), day_start(last + timedelta(days=1), tz)
    checkpoint = latest_checkpoint(session)
    head = session.scalar(
        select(ChainEntry.hash).where(ChainEntry.created_at < start).order_by(ChainEntry.id.desc()).limit(1)
    )
    head = head or (checkpoint.hash if checkpoint else GENESIS)
    rows = session.execute(
        select(ChainEntry.hash, ChainEntry.created_at)
        .where(ChainEntry.created_at >= start, ChainEntry.created_at < end)
        .order_by(ChainEntry.id)
    ).all()
    digests, index, day = [], 0, first
    while day <= last:
        day_end, count = day_start(day + timedelta(days=1), tz), 0
        while index < len(rows) and rows[index].created_at < day_end:
            head, count, index = rows[index].hash, count + 1, index + 1
        pruned = checkpoint is not None and day_end <= checkpoint.entry_created_at
        digests.append(DayDigest(day, None if pruned else head, count))
        day += timedelta(days=1)
    return digests


@dataclass(frozen=True)
class DigestCheck:
    """One printed digest against the head the chain gives now (None: that day was removed by retention)."""

    day: date
    expected: str
    actual: str | None

    @property
    def matches(self) -> bool:
        return self.actual is not None and self.actual.startswith(self.expected.lower())


@dataclass(frozen=True)
class Verification:
    entries: int
    first_bad_entry: int | None = None
    reason: str = ""
    checkpoint: ChainCheckpoint | None = None
    digests: tuple[DigestCheck, ...] = field(default=())
    unchained_airings: tuple[int, ...] = ()  # finished airings with no entry: the newest entries were removed
    unchained_receipts: tuple[int, ...] = ()

    @property
    def intact(self) -> bool:
        return (
            self.first_bad_entry is None and all(check.matches for check in self.digests)
            and not self.unchained_airings and not self.unchained_receipts
        )  # fmt: skip


def _problem(session: Session, entry: ChainEntry, prev_hash: str, latest_receipt_entries: set[int]) -> str:
    """Why this entry does not hold, or "" when it does."""
    if entry.prev_hash != prev_hash:
        return "the entry before it is missing or was altered"
    if entry.hash != link_hash(entry.prev_hash, entry.payload):
        return "its content was altered after it was written"
    if entry.kind == AIRING:
        broadcast = session.get(Broadcast, entry.subject_id)
        if broadcast is None:
            return f"airing {entry.subject_id} was deleted from the log"
        if airing_payload(broadcast) != entry.payload:
            return f"airing {entry.subject_id} was altered after it aired"
    if entry.kind == RECEIPT:
        receipt = session.get(Receipt, entry.subject_id)
        if receipt is None:
            return f"receipt {entry.subject_id} was deleted from the log"
        if entry.id in latest_receipt_entries and receipt_payload(receipt) != entry.payload:
            return f"receipt {entry.subject_id} was altered after the speaker sent it"
    return ""


def verify(session: Session, tz: ZoneInfo | None = None, digests: dict[date, str] | None = None) -> Verification:
    """Walk the chain from its start (or the retention checkpoint); name the first entry that does not hold.

    With `digests` (commune day → printed head hash, `tz` needed), recompute each day's head from the
    payloads and compare: this catches a chain rewritten consistently after the digest was printed.
    """
    zone = tz or ZoneInfo("UTC")
    checkpoint = latest_checkpoint(session)
    prev_hash = recomputed = checkpoint.hash if checkpoint else GENESIS
    pending = sorted((digests or {}).items())
    checks: list[DigestCheck] = []

    def settle(until: datetime | None) -> None:
        """Digests of the days that ended before `until` (None: all) take the head recomputed so far."""
        while pending and (until is None or day_start(pending[0][0] + timedelta(days=1), zone) <= until):
            day, expected = pending.pop(0)
            pruned = checkpoint is not None and day_start(day + timedelta(days=1), zone) <= checkpoint.entry_created_at
            checks.append(DigestCheck(day, expected, None if pruned else recomputed))

    count, first_bad, reason = 0, None, ""
    statement = select(ChainEntry).order_by(ChainEntry.id)
    if checkpoint is not None:
        statement = statement.where(ChainEntry.id > checkpoint.entry_id)
    latest_receipt_entries = set(
        session.scalars(
            select(func.max(ChainEntry.id)).where(ChainEntry.kind == RECEIPT).group_by(ChainEntry.subject_id)
        )
    )
    for entry in session.scalars(statement).yield_per(1000):
        settle(entry.created_at)
        count += 1
        if first_bad is None and (problem := _problem(session, entry, prev_hash, latest_receipt_entries)):
            first_bad, reason = entry.id, problem
            if not pending:
                break
        prev_hash, recomputed = entry.hash, link_hash(recomputed, entry.payload)
    settle(None)
    unchained_airings, unchained_receipts = _unchained(session, checkpoint)
    return Verification(count, first_bad, reason, checkpoint, tuple(checks), unchained_airings, unchained_receipts)


FINAL = (BroadcastStatus.aired, BroadcastStatus.interrupted, BroadcastStatus.missed, BroadcastStatus.failed)
RECEIPT_CHAINING_DELAY = timedelta(minutes=1)  # receipts are chained by the evidence writer just after they arrive


def _unchained(session: Session, checkpoint: ChainCheckpoint | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Finished airings and receipts that no entry covers: walking the chain cannot see its newest entries
    deleted, the rows they proved can."""
    airings = select(Broadcast.id).where(
        Broadcast.status.in_(FINAL),
        Broadcast.id.not_in(select(ChainEntry.subject_id).where(ChainEntry.kind == AIRING)),
    )
    receipts = select(Receipt.id).where(
        Receipt.received_at < datetime.now(UTC) - RECEIPT_CHAINING_DELAY,
        Receipt.id.not_in(select(ChainEntry.subject_id).where(ChainEntry.kind == RECEIPT)),
    )
    if checkpoint is not None:  # rows older than the retention checkpoint lost their entries on purpose
        airings = airings.where(Broadcast.planned_at > checkpoint.entry_created_at)
        receipts = receipts.where(Receipt.received_at > checkpoint.entry_created_at)
    return tuple(session.scalars(airings.order_by(Broadcast.id))), tuple(session.scalars(receipts.order_by(Receipt.id)))
