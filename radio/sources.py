"""Where a playout item's samples come from: a decoded file in memory, a live relay pulled over HTTP, or
live audio with an instant for every sample (the microphone of an officer, pushed to every loudspeaker)."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable

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


class TimedSource:
    """Live audio whose every sample has an instant to sound at: what the microphone said is played when the
    station's timeline says, so the zone stream and every loudspeaker of a village say it together.

    Frames are pushed (from any thread) with the instant of their first sample on the shared clock; frames
    that follow on within a few milliseconds are joined exactly, so resampling never clicks. The playout
    reads at its own real-time pace from a cursor that follows `clock()`: a frame arriving late loses the
    samples already due (the timeline waits for nobody), a gap in the frames is silence.
    """

    CONTIGUOUS_S = 0.02  # a frame starting this close to the end of the previous one continues it
    RESYNC_S = 0.1  # a cursor this far from the clock (after an interruption) jumps back to it

    def __init__(self, sample_rate: int, clock: Callable[[], float] = time.time, idle_end_s: float = 0.0) -> None:
        self.sample_rate = sample_rate
        self.clock = clock
        self.idle_end_s = idle_end_s  # > 0: end by itself once nothing arrived for this long (a lost link)
        self._epoch = clock()
        self._frames: deque[tuple[int, np.ndarray]] = deque()  # (position in samples from the epoch, samples)
        self._end = 0  # position just after the last frame
        self._cursor: int | None = None
        self._last_push = time.monotonic()
        self._ended = False
        self._lock = threading.Lock()

    def push(self, play_at: float, samples: np.ndarray) -> None:
        position = int(round((play_at - self._epoch) * self.sample_rate))
        with self._lock:
            self._last_push = time.monotonic()
            if self._frames and abs(position - self._end) <= self.CONTIGUOUS_S * self.sample_rate:
                position = self._end
            self._frames.append((position, samples.astype(np.int16, copy=False)))
            self._end = position + len(samples)

    def end(self) -> None:
        """No more frames: the item ends once what was pushed has played."""
        with self._lock:
            self._ended = True

    def _over(self, cursor: int) -> bool:
        idle = self.idle_end_s > 0 and time.monotonic() - self._last_push > self.idle_end_s
        return (self._ended or idle) and cursor >= self._end

    def read(self, count: int) -> np.ndarray | None:
        now = int(round((self.clock() - self._epoch) * self.sample_rate))
        with self._lock:
            cursor = self._cursor
            if cursor is None or abs(cursor - now) > self.RESYNC_S * self.sample_rate:
                cursor = now
            if self._over(cursor):
                return None
            out = np.zeros(count, dtype=np.int16)
            # played, or too late to play (frames are nearly always in order, but a re-anchored line may not be)
            self._frames = deque(frame for frame in self._frames if frame[0] + len(frame[1]) > cursor)
            for position, samples in self._frames:
                start, stop = max(position, cursor), min(position + len(samples), cursor + count)
                if start < stop:
                    out[start - cursor : stop - cursor] = samples[start - position : stop - position]
            self._cursor = cursor + count
        return out

    def rewind(self) -> None:
        """Live: after an interruption it carries on with what is being said now."""

    def close(self) -> None:
        pass
