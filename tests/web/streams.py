"""Listening to village streams in tests the way a player or IP speaker does: a real HTTP client."""

from __future__ import annotations

import threading
import time

import httpx
import numpy as np

from tests.audio_checks import WINDOW_S, decode_mp3, window_rms_db


class StreamRecorder(threading.Thread):
    """Reads a live stream over HTTP and remembers when it connected, to map samples to wall-clock time."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.data = bytearray()
        self.connected_at = 0.0
        self.headers: httpx.Headers | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with httpx.stream("GET", self.url, timeout=30) as response:
                self.headers = response.headers
                self.connected_at = time.time()
                for chunk in response.iter_bytes():
                    self.data.extend(chunk)
                    if self.stop.is_set():
                        break
        except httpx.TransportError:
            pass  # the server went away (crash tests): keep what was received

    def finish(self) -> np.ndarray:
        """Stop and return the level of each 100 ms window in dBFS."""
        self.stop.set()
        self.join(10)
        return window_rms_db(decode_mp3(bytes(self.data)))

    def seconds_of_speech(self, levels: np.ndarray, threshold_db: float = -40.0) -> float:
        return float(np.count_nonzero(levels > threshold_db) * WINDOW_S)


def wait_for(client: httpx.Client, predicate: object, timeout: float = 60.0) -> list[dict]:
    """Poll the as-run log until `predicate(rows)` holds."""
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = client.get("/api/broadcasts").json()
        if predicate(rows):  # type: ignore[operator]
            return rows
        time.sleep(0.3)
    raise AssertionError(f"timed out; last log: {rows}")
