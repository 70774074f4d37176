"""A village's continuous live stream: PCM in, MP3 out, encoded once and fanned out to every listener.

One ffmpeg process per zone keeps the encoder warm (silence when idle), so a listener that
connects gets a valid stream at once and the cost of a zone does not grow with its listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import threading
from collections.abc import AsyncIterator

import imageio_ffmpeg
import numpy as np

log = logging.getLogger(__name__)

_LISTENER_BACKLOG_CHUNKS = 512  # ~1 min of 64 kbit/s in 4 KiB reads; a listener further behind is dropped
_READ_SIZE = 4096


class _Listener:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_LISTENER_BACKLOG_CHUNKS)

    def offer(self, chunk: bytes | None) -> None:
        """Runs on the listener's event loop; a full queue means the client stopped reading."""
        try:
            self.queue.put_nowait(chunk)
        except asyncio.QueueFull:
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class ZoneStream:
    """MP3 encoder for one zone; `write` is the playout sink, `listen` is one HTTP client."""

    content_type = "audio/mpeg"

    def __init__(self, slug: str, name: str, sample_rate: int, bitrate: str) -> None:
        self.slug = slug
        self.name = name
        self.sample_rate = sample_rate
        self.bitrate = bitrate
        self._listeners: set[_Listener] = set()
        self._closing = False
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "s16le",
                "-ar",
                str(sample_rate),
                "-ac",
                "1",
                "-i",
                "pipe:0",
                "-c:a",
                "libmp3lame",
                "-b:a",
                bitrate,
                "-f",
                "mp3",
                "-flush_packets",
                "1",
                "pipe:1",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._pump, name=f"stream-{slug}", daemon=True)
        self._reader.start()

    @property
    def listener_count(self) -> int:
        return len(self._listeners)

    def write(self, block: np.ndarray) -> None:
        """Feed int16 mono PCM at the stream's sample rate (called in real time by the playout clock)."""
        stdin = self._process.stdin
        if stdin is None or stdin.closed:
            return
        try:
            stdin.write(block.astype("<i2", copy=False).tobytes())
            stdin.flush()
        except (BrokenPipeError, ValueError):
            if not self._closing:
                log.error("zone %s: stream encoder stopped", self.slug)

    def _pump(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        while True:
            chunk = os.read(fd, _READ_SIZE)
            if not chunk:
                break
            self._broadcast(chunk)
        self._broadcast(None)

    def _broadcast(self, chunk: bytes | None) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            with contextlib.suppress(RuntimeError):  # the listener's loop already closed
                listener.loop.call_soon_threadsafe(listener.offer, chunk)

    async def listen(self) -> AsyncIterator[bytes]:
        """Yield MP3 bytes from now on until the client goes away or falls too far behind."""
        listener = _Listener(asyncio.get_running_loop())
        with self._lock:
            self._listeners.add(listener)
        log.info("zone %s: listener connected (%d now)", self.slug, len(self._listeners))
        try:
            while (chunk := await listener.queue.get()) is not None:
                yield chunk
        finally:
            with self._lock:
                self._listeners.discard(listener)
            log.info("zone %s: listener left (%d now)", self.slug, len(self._listeners))

    def close(self) -> None:
        self._closing = True
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError, ValueError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._reader.join(timeout=5)
