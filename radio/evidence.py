"""The as-run log: what really aired, where and when, as recorded by the playout clock.

Rows are written as the audio starts and ends (not when it was planned), so the log is
evidence of airing rather than a copy of the schedule.
"""

from __future__ import annotations

import csv
import io
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from radio.as_run_chain import append_airing, append_receipt
from radio.playout import RANK_EMERGENCY, RANK_LIVE, RANK_TONE
from radio.spreadsheet import text_row
from radio.storage.models import Broadcast, BroadcastStatus, Bulletin, BulletinStatus, Receipt

log = logging.getLogger(__name__)

STATUS_LABELS = {
    BroadcastStatus.planned: "Chờ phát",
    BroadcastStatus.on_air: "Đang phát",
    BroadcastStatus.aired: "Đã phát",
    BroadcastStatus.interrupted: "Bị ngắt",
    BroadcastStatus.missed: "Bỏ lỡ",
    BroadcastStatus.failed: "Lỗi",
    BroadcastStatus.cancelled: "Đã hủy",
}


INTERRUPTERS = {RANK_EMERGENCY: "an emergency", RANK_LIVE: "live", RANK_TONE: "a test tone"}  # as stored in notes

RECEIPT_LABELS = {"started": "đang phát", "ended": "đã phát", "interrupted": "bị ngắt"}

KIND_LABELS = {
    "chime": "Nhạc hiệu",
    "bulletin": "Bản tin",
    "audio": "Tệp âm thanh",
    "relay": "Tiếp sóng",
    "gap": "Khoảng lặng",
    "live": "Phát trực tiếp",
}

# Notes are stored in English (they are evidence, read by logs and auditors' tools alike) and shown in Vietnamese.
_NOTES_VI: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"late by (\d+) s"), "trễ {0} giây"),
    (re.compile(r"interrupted by an emergency at (\S+)"), "bị ngắt bởi tin khẩn cấp lúc {0:t}"),
    (re.compile(r"interrupted by live at (\S+)"), "bị ngắt bởi phát trực tiếp lúc {0:t}"),
    (re.compile(r"interrupted by a test tone at (\S+)"), "bị ngắt bởi tiếng thử loa lúc {0:t}"),
    (re.compile(r"resumed at (\S+)"), "phát tiếp lúc {0:t}"),
    (re.compile(r"interrupted: the station stopped while on air"), "bị ngắt: đài ngừng hoạt động khi đang phát"),
    (re.compile(r"missed: the station was not running at (\S+)"), "bỏ lỡ: đài không hoạt động lúc {0:t}"),
    (re.compile(r"missed: woke up after the (\d+) s grace"), "bỏ lỡ: quá {0} giây cho phép"),
    (re.compile(r"programme cancelled"), "do hủy chương trình"),
    (re.compile(r"bulletin edited"), "do sửa bản tin (lịch phát cũ bỏ, chờ duyệt lại)"),
    (re.compile(r"audio unreadable: .*"), "không đọc được tệp âm thanh"),
    (re.compile(r"village (\S+) has no playout"), "thôn, xóm {0} không có kênh phát"),
]


def note_label(note: str, tz: ZoneInfo) -> str:
    """A stored note in Vietnamese, its instants in the commune's time."""

    def one(part: str) -> str:
        for pattern, template in _NOTES_VI:
            if match := pattern.fullmatch(part.strip()):
                values = [
                    datetime.fromisoformat(v).astimezone(tz).strftime("%H:%M:%S") if "{0:t}" in template else v
                    for v in match.groups()
                ]
                return template.replace("{0:t}", "{0}").format(*values)
        return part

    return "; ".join(one(part) for part in note.split("; ")) if note else ""


class EvidenceRecorder:
    """Writes what happened on air, in order, from one writer thread.

    Playout clocks report starts and ends from their real-time threads; a database that is busy
    (SQLite locked by a large planning transaction, PostgreSQL failing over) must never stall or
    kill a village's audio, so reports are queued here and written with retries.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._sessions = session_factory
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write_all, name="evidence", daemon=True)
        self._writer.start()

    def _write_all(self) -> None:
        while (write := self._queue.get()) is not None:
            try:
                _with_retries(write)
            except Exception:  # the airing happened; losing its record is bad but must not stop the writer
                log.exception("could not record evidence")
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def flush(self) -> None:
        """Wait until every report so far is written (tests, shutdown)."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._writer.join(timeout=30)

    def started(self, broadcast_id: int, at: datetime, note: str = "") -> None:
        self._queue.put(partial(self._started, broadcast_id, at, note))

    def interrupted(self, broadcast_id: int, at: datetime, by_rank: int = RANK_EMERGENCY) -> None:
        self._queue.put(partial(self._interrupted, broadcast_id, at, INTERRUPTERS.get(by_rank, "an emergency")))

    def ended(self, broadcast_id: int, at: datetime) -> None:
        self._queue.put(partial(self._ended, broadcast_id, at))

    def failed(self, broadcast_id: int, status: BroadcastStatus, note: str) -> None:
        self._queue.put(partial(self._failed, broadcast_id, status, note))

    def receipt(self, speaker_id: int, broadcast_id: int) -> None:
        """Chain a speaker's receipt as stored (the chain has this one writer, so it never forks)."""
        self._queue.put(partial(self._receipt, speaker_id, broadcast_id))

    def _receipt(self, speaker_id: int, broadcast_id: int) -> None:
        with self._sessions.begin() as session:
            receipt = session.scalar(
                select(Receipt).where(Receipt.speaker_id == speaker_id, Receipt.broadcast_id == broadcast_id)
            )
            if receipt is not None:
                append_receipt(session, receipt)

    def _started(self, broadcast_id: int, at: datetime, note: str) -> None:
        """The first start sets `started_at`; a later one is a resumption after an emergency, noted."""
        with self._sessions.begin() as session:
            broadcast = session.get_one(Broadcast, broadcast_id)
            broadcast.status = BroadcastStatus.on_air
            if broadcast.started_at is None:
                broadcast.started_at = at
                _append_note(broadcast, note)
            else:
                _append_note(broadcast, f"resumed at {at.isoformat(timespec='seconds')}")
        log.info("broadcast %d on air at %s", broadcast_id, at.isoformat())

    def _interrupted(self, broadcast_id: int, at: datetime, by: str) -> None:
        with self._sessions.begin() as session:
            _append_note(
                session.get_one(Broadcast, broadcast_id),
                f"interrupted by {by} at {at.isoformat(timespec='seconds')}",
            )
        log.warning("broadcast %d interrupted by %s at %s", broadcast_id, by, at.isoformat())

    def _ended(self, broadcast_id: int, at: datetime) -> None:
        with self._sessions.begin() as session:
            broadcast = session.get_one(Broadcast, broadcast_id)
            broadcast.status = BroadcastStatus.aired
            broadcast.ended_at = at
            append_airing(session, broadcast)
            if broadcast.bulletin_id is None:
                return
            pending = session.scalar(
                select(Broadcast.id)
                .where(
                    Broadcast.bulletin_id == broadcast.bulletin_id,
                    Broadcast.status.in_([BroadcastStatus.planned, BroadcastStatus.on_air]),
                )
                .limit(1)
            )
            if pending is None:
                session.get_one(Bulletin, broadcast.bulletin_id).status = BulletinStatus.aired
        log.info("broadcast %d ended at %s", broadcast_id, at.isoformat())

    def _failed(self, broadcast_id: int, status: BroadcastStatus, note: str) -> None:
        with self._sessions.begin() as session:
            broadcast = session.get_one(Broadcast, broadcast_id)
            broadcast.status = status
            _append_note(broadcast, note)
            append_airing(session, broadcast)
        log.warning("broadcast %d %s: %s", broadcast_id, status.value, note)


@retry(
    retry=retry_if_exception_type(OperationalError),
    wait=wait_exponential(multiplier=0.05, max=2),
    stop=stop_after_delay(120),
    reraise=True,
)
def _with_retries(write: Callable[[], None]) -> None:
    write()


def _append_note(broadcast: Broadcast, note: str) -> None:
    if note:
        broadcast.note = f"{broadcast.note}; {note}" if broadcast.note else note


def recent_broadcasts(session: Session, limit: int = 500, until: datetime | None = None) -> list[Broadcast]:
    """The log, newest first, with each airing's speaker receipts; only airings due by `until` when it is given
    (the page and its CSV: later plans belong to the calendar)."""
    statement = (
        select(Broadcast)
        .options(joinedload(Broadcast.zone), selectinload(Broadcast.receipts).joinedload(Receipt.speaker))
        .order_by(Broadcast.planned_at.desc(), Broadcast.id.desc())
        .limit(limit)
    )
    if until is not None:
        statement = statement.where(Broadcast.planned_at <= until)
    return list(session.scalars(statement))


def receipts_summary(broadcast: Broadcast, tz: ZoneInfo) -> str:
    """What the village's speaker agents said of this airing, for the CSV: "Cụm loa 1: 08:50:00,001 – đã phát"."""
    return "; ".join(
        f"{receipt.speaker.name}: {clock(receipt.started_at, tz)} – {receipt_label(receipt.outcome)}"
        for receipt in broadcast.receipts
    )


def receipt_label(outcome: str) -> str:
    return RECEIPT_LABELS.get(outcome, outcome)


def clock(moment: datetime | None, tz: ZoneInfo) -> str:
    """Commune time to the millisecond, with a decimal comma: what proves two loudspeakers played together."""
    if moment is None:
        return "—"
    local = moment.astimezone(tz)
    return f"{local:%H:%M:%S},{local.microsecond // 1000:03d}"


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else ""


def broadcasts_csv(broadcasts: Iterable[Broadcast], tz: ZoneInfo) -> str:
    """CSV for auditors: times in the commune's zone with their UTC offset, audio named by sha256.

    Starts with a byte-order mark so that Excel, which most communes open it with, reads UTF-8.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "Mã",
            "Nội dung",
            "Thôn, xóm",
            "Hẹn lúc",
            "Bắt đầu",
            "Kết thúc",
            "Trạng thái",
            "Mã tệp (sha256)",
            "Ghi chú",
            "Cụm loa xác nhận",
        ]
    )
    for row in broadcasts:
        writer.writerow(
            text_row([
                row.id,
                row.title,
                row.zone.name,
                _local(row.planned_at, tz),
                _local(row.started_at, tz),
                _local(row.ended_at, tz),
                STATUS_LABELS[row.status],
                row.audio_sha256,
                note_label(row.note, tz),
                receipts_summary(row, tz),
            ])
        )  # fmt: skip
    return out.getvalue()
