"""Receipts waiting on the box's disk until the station has them: a link down for hours loses none."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any


class ReceiptQueue:
    """One row per airing holding its latest state; each change bumps a version, and the station's
    acknowledgement names the version it recorded, so only a newer state is sent again."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()  # written from the playout thread, read from the link's loop
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS receipts (broadcast_id INTEGER PRIMARY KEY, body TEXT NOT NULL,"
            " version INTEGER NOT NULL, delivered INTEGER NOT NULL DEFAULT 0)"
        )

    def put(self, receipt: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO receipts (broadcast_id, body, version) VALUES (?, ?, 1) ON CONFLICT (broadcast_id)"
                " DO UPDATE SET body = excluded.body, version = version + 1",
                (receipt["broadcast_id"], json.dumps(receipt)),
            )

    def pending(self) -> list[tuple[str, dict[str, Any]]]:
        """(key, receipt) for every state the station has not acknowledged, oldest airing first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT broadcast_id, version, body FROM receipts WHERE delivered < version ORDER BY broadcast_id"
            ).fetchall()
        return [(f"{broadcast_id}:{version}", json.loads(body)) for broadcast_id, version, body in rows]

    def ack(self, key: str) -> None:
        broadcast_id, version = (int(part) for part in key.split(":"))
        with self._lock:
            self._db.execute(
                "UPDATE receipts SET delivered = MAX(delivered, ?) WHERE broadcast_id = ?", (version, broadcast_id)
            )

    def played(self) -> set[int]:
        """Airings this box already started: never started again, even after the agent restarts."""
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT broadcast_id FROM receipts")}

    def close(self) -> None:
        with self._lock:
            self._db.close()
