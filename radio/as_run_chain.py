"""The tamper-evident as-run log: each finished airing is appended as a hash-chained entry.

An entry's payload is the canonical JSON of the airing as it ended; its hash covers the previous
hash, so altering an airing afterwards (its row or its entry) or removing an entry is detected by
`verify`, which names the first entry where the chain no longer holds. Entries are appended only
by the evidence writer thread, so the chain has a single writer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from radio.storage.models import Broadcast, ChainEntry

GENESIS = "0" * 64
AIRING = "airing"


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


def link_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def append_airing(session: Session, broadcast: Broadcast) -> ChainEntry:
    """Chain the airing as it is now (call once its outcome is final)."""
    session.flush()
    prev_hash = session.scalar(select(ChainEntry.hash).order_by(ChainEntry.id.desc()).limit(1)) or GENESIS
    payload = airing_payload(broadcast)
    entry = ChainEntry(
        kind=AIRING, subject_id=broadcast.id, payload=payload, prev_hash=prev_hash, hash=link_hash(prev_hash, payload)
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    first_bad_entry: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_entry is None


def verify(session: Session) -> Verification:
    """Walk the chain from the start; stop at the first entry that does not hold."""
    prev_hash, count = GENESIS, 0
    for entry in session.scalars(select(ChainEntry).order_by(ChainEntry.id)).yield_per(1000):
        count += 1
        if entry.prev_hash != prev_hash:
            return Verification(count, entry.id, "the entry before it is missing or was altered")
        if entry.hash != link_hash(entry.prev_hash, entry.payload):
            return Verification(count, entry.id, "its content was altered after it was written")
        if entry.kind == AIRING:
            broadcast = session.get(Broadcast, entry.subject_id)
            if broadcast is None:
                return Verification(count, entry.id, f"airing {entry.subject_id} was deleted from the log")
            if airing_payload(broadcast) != entry.payload:
                return Verification(count, entry.id, f"airing {entry.subject_id} was altered after it aired")
        prev_hash = entry.hash
    return Verification(count)
