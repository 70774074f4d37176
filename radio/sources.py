"""Where a playout item's samples come from: a decoded file in memory, or a live relay pulled over HTTP."""

from __future__ import annotations

import logging
import subprocess
import threading
from collections import deque

import imageio_ffmpeg
import numpy as np

log = logging.getLogger(__name__)


class ArraySource:
    """Decoded audio in memory; remembers where it stopped so an interrupted item can resume."""

    def __init__(self, pcm: np.ndarray) -> None:
        self.pcm = pcm
        self.offset = 0

    @property
    def duration_s(self) -> float | None:
        return None

    def read(self, count: int) -> np.ndarray | None:
        """Up to `count` samples, or None when the item is over."""
        if self.offset >= len(self.pcm):
            return None
        block = self.pcm[self.offset : self.offset + count]
        self.offset += len(block)
        return block

    def rewind(self) -> None:
        self.offset = 0

    def close(self) -> None:
        pass


class RelaySource:
    """An upstream station (VOV, district) decoded by ffmpeg for a fixed number of samples.

    ffmpeg runs from the first read, in its own thread, so network stalls never stall the zone
    clock: when the buffer runs dry the relay plays silence until data comes back.
    """

    def __init__(self, url: str, seconds: float, sample_rate: int) -> None:
        self.url = url
        self.total = int(seconds * sample_rate)
        self.sample_rate = sample_rate
        self.offset = 0
        self._buffer: deque[np.ndarray] = deque()
        self._buffered = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def _start(self) -> None:
        self._process = subprocess.Popen(
            [
                imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
                "-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_delay_max", "5",
                "-i", self.url, "-f", "s16le", "-ac", "1", "-ar", str(self.sample_rate), "pipe:1",
            ],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        threading.Thread(target=self._pump, name="relay", daemon=True).start()

    def _pump(self) -> None:
        assert self._process and self._process.stdout
        while chunk := self._process.stdout.read(4096):
            samples = np.frombuffer(chunk[: len(chunk) // 2 * 2], dtype="<i2")
            with self._lock:
                self._buffer.append(samples)
                self._buffered += len(samples)
                while self._buffered > self.sample_rate * 10:  # keep at most 10 s: a relay is live, not a download
                    self._buffered -= len(self._buffer.popleft())
        log.info("relay %s: upstream ended", self.url)

    def read(self, count: int) -> np.ndarray | None:
        if self._process is None:
            self._start()
        if self.offset >= self.total:
            return None
        count = min(count, self.total - self.offset)
        out = np.zeros(count, dtype=np.int16)
        filled = 0
        with self._lock:
            while filled < count and self._buffer:
                head = self._buffer[0]
                take = min(len(head), count - filled)
                out[filled : filled + take] = head[:take]
                filled += take
                if take == len(head):
                    self._buffer.popleft()
                else:
                    self._buffer[0] = head[take:]
                self._buffered -= take
        self.offset += count
        return out

    def rewind(self) -> None:
        """A relay is live: after an interruption it simply continues for its remaining time."""

    def close(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=5)
