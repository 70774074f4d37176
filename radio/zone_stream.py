"""A village's continuous live stream: PCM in, MP3 and Ogg/Opus out, encoded once and fanned out to every listener.

One ffmpeg process per zone, with two outputs, keeps both encoders warm (silence when idle), so a
listener that connects gets a valid stream at once and the cost of a zone does not grow with its
listeners. Each format's bytes go into a bounded buffer with absolute offsets; a listener is just a
cursor into it, woken once per batch of new bytes, so thousands of listeners cost one copy each, not
one queue each. Ogg needs its header pages (OpusHead, OpusTags) before any audio page: they are kept
and replayed to every listener that joins later, which then starts on a page boundary.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import os
import struct
import subprocess
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import imageio_ffmpeg
import numpy as np

log = logging.getLogger(__name__)

BACKLOG_S = 60  # a listener further behind than this is dropped (it stopped reading)
OPUS_BITRATE = "32k"  # Opus at 32 kbit/s mono carries speech and music as well as MP3 at 64
OPUS_SAMPLE_RATE = 48000  # Opus's own rate; the village's PCM is resampled to it
_READ_SIZE = 65536
_OGG_PAGE_HEADER = struct.Struct("<4sBBqIIIB")  # capture, version, flags, granule, serial, sequence, crc, segments


@dataclass(frozen=True)
class StreamFormat:
    name: str  # "mp3" or "ogg", also the URL's extension
    content_type: str


MP3 = StreamFormat("mp3", "audio/mpeg")
OGG = StreamFormat("ogg", "audio/ogg")
FORMATS = {fmt.name: fmt for fmt in (MP3, OGG)}


class ListenerTooSlow(Exception):
    """The listener's cursor fell out of the backlog: it is dropped rather than slowing anyone down."""


@dataclass
class _LoopWaker:
    """Wakes the listeners of one event loop; at most one wake-up is pending, so bursts coalesce."""

    loop: asyncio.AbstractEventLoop
    event: asyncio.Event = field(default_factory=asyncio.Event)
    listeners: int = 0
    pending: bool = False

    def wake(self) -> None:
        self.pending = False
        self.event.set()
        self.event.clear()  # the waiters already woken stay woken; later ones wait for the next batch


class Fanout:
    """The encoded bytes of one format, shared by every listener through absolute byte offsets."""

    def __init__(self, fmt: StreamFormat, backlog_bytes: int) -> None:
        self.format = fmt
        self._backlog_bytes = backlog_bytes
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._offsets: list[int] = []  # absolute offset of each chunk's first byte
        self._end = 0
        self._header = b""  # Ogg header pages, replayed to late joiners
        self._wakers: dict[asyncio.AbstractEventLoop, _LoopWaker] = {}
        self.closed = False

    def set_header(self, header: bytes) -> None:
        """The pages every listener needs before any audio page; set before the first audio is appended."""
        self._header = header

    def append(self, chunk: bytes) -> None:
        """Runs on the encoder's reader thread: store, trim the backlog, wake each loop once."""
        with self._lock:
            self._chunks.append(chunk)
            self._offsets.append(self._end)
            self._end += len(chunk)
            excess = 0
            while excess < len(self._chunks) - 1 and self._end - self._offsets[excess + 1] >= self._backlog_bytes:
                excess += 1
            if excess:
                del self._chunks[:excess], self._offsets[:excess]
        self._wake_all()

    def close(self) -> None:
        self.closed = True
        self._wake_all()

    def _wake_all(self) -> None:
        with self._lock:
            wakers = [waker for waker in self._wakers.values() if not waker.pending]
            for waker in wakers:
                waker.pending = True
        for waker in wakers:
            try:
                waker.loop.call_soon_threadsafe(waker.wake)
            except RuntimeError:  # that loop is closed; its listeners are gone
                waker.pending = False

    def join(self) -> tuple[int, _LoopWaker]:
        """Register a listener of the running loop; returns its starting cursor (the end: listeners hear "now")."""
        loop = asyncio.get_running_loop()
        with self._lock:
            waker = self._wakers.get(loop)
            if waker is None:
                waker = self._wakers[loop] = _LoopWaker(loop)
            waker.listeners += 1
            return self._end, waker

    def leave(self, waker: _LoopWaker) -> None:
        with self._lock:
            waker.listeners -= 1
            if waker.listeners == 0 and self._wakers.get(waker.loop) is waker:
                del self._wakers[waker.loop]

    def read(self, cursor: int) -> tuple[bytes, int]:
        """Everything after `cursor` (possibly nothing), and the new cursor; ListenerTooSlow if it was trimmed."""
        with self._lock:
            if cursor >= self._end:
                return b"", cursor
            if not self._offsets or cursor < self._offsets[0]:
                raise ListenerTooSlow
            index = bisect.bisect_right(self._offsets, cursor) - 1
            skip = cursor - self._offsets[index]
            chunks = self._chunks[index:]
            end = self._end
        data = b"".join(chunks)
        return data[skip:] if skip else data, end

    async def listen(self) -> AsyncIterator[bytes]:
        """Yield this format's bytes from now on (header first) until the stream closes or the client lags."""
        cursor, waker = self.join()
        header_sent = False
        try:
            while not self.closed:
                data, cursor = self.read(cursor)
                if not data:
                    await waker.event.wait()
                    continue
                if not header_sent:  # read now, not at join: a listener may join before the encoder's first page
                    header_sent = True
                    if self._header:
                        yield self._header
                yield data
        finally:
            self.leave(waker)

    @property
    def listener_count(self) -> int:
        with self._lock:
            return sum(waker.listeners for waker in self._wakers.values())

    @property
    def position(self) -> int:
        """Bytes encoded so far (a listener joining now starts here)."""
        return self._end

    @property
    def has_header(self) -> bool:
        return bool(self._header)


class OggPages:
    """Splits an Ogg byte stream into whole pages, and tells the stream's header pages from audio pages."""

    def __init__(self) -> None:
        self._pending = bytearray()
        self.header = bytearray()
        self.header_done = False

    def feed(self, data: bytes) -> bytes:
        """Add bytes from the muxer; return the whole audio pages now complete (header pages are kept aside)."""
        self._pending += data
        out = bytearray()
        while len(self._pending) >= _OGG_PAGE_HEADER.size:
            capture, _version, _flags, granule, *_rest, segments = _OGG_PAGE_HEADER.unpack_from(self._pending)
            if capture != b"OggS":
                raise ValueError("Ogg stream lost page sync")
            table_end = _OGG_PAGE_HEADER.size + segments
            if len(self._pending) < table_end:
                break
            page_end = table_end + sum(self._pending[_OGG_PAGE_HEADER.size : table_end])
            if len(self._pending) < page_end:
                break
            page = bytes(self._pending[:page_end])
            del self._pending[:page_end]
            if not self.header_done and granule in (0, -1):  # OpusHead, OpusTags: no audio sample yet
                self.header += page
                continue
            self.header_done = True
            out += page
        return bytes(out)


class ZoneStream:
    """Encoders for one zone; `write` is the playout sink, `listen` is one HTTP client."""

    content_type = MP3.content_type

    def __init__(self, slug: str, name: str, sample_rate: int, bitrate: str) -> None:
        self.slug = slug
        self.name = name
        self.sample_rate = sample_rate
        self.bitrate = bitrate
        self._closing = False
        kbit = int(bitrate.rstrip("k")) if bitrate.rstrip("k").isdigit() else 64
        self.fanouts = {
            "mp3": Fanout(MP3, BACKLOG_S * kbit * 125),
            "ogg": Fanout(OGG, BACKLOG_S * int(OPUS_BITRATE.rstrip("k")) * 125 * 2),  # Ogg framing, VBR peaks
        }
        ogg_read, ogg_write = os.pipe()
        self._process = subprocess.Popen(
            [
                imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
                "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
                "-map", "0:a", "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", "-flush_packets", "1", "pipe:1",
                "-map", "0:a", "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-ar", str(OPUS_SAMPLE_RATE),
                "-f", "ogg", "-page_duration", "100000", "-flush_packets", "1", f"pipe:{ogg_write}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            pass_fds=(ogg_write,),
        )  # fmt: skip
        os.close(ogg_write)
        assert self._process.stdout is not None
        self._readers = [
            threading.Thread(target=self._pump_mp3, args=(self._process.stdout.fileno(),), name=f"mp3-{slug}"),
            threading.Thread(target=self._pump_ogg, args=(ogg_read,), name=f"ogg-{slug}"),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()

    @property
    def listener_count(self) -> int:
        return sum(fanout.listener_count for fanout in self.fanouts.values())

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

    def _pump_mp3(self, fd: int) -> None:
        fanout = self.fanouts["mp3"]
        while chunk := os.read(fd, _READ_SIZE):
            fanout.append(chunk)
        fanout.close()

    def _pump_ogg(self, fd: int) -> None:
        fanout, pages = self.fanouts["ogg"], OggPages()
        try:
            while chunk := os.read(fd, _READ_SIZE):
                if audio := pages.feed(chunk):
                    if not fanout.has_header:
                        fanout.set_header(bytes(pages.header))
                    fanout.append(audio)
        except ValueError:
            log.exception("zone %s: Ogg output unreadable", self.slug)
        finally:
            os.close(fd)
            fanout.close()

    async def listen(self, fmt: str = "mp3") -> AsyncIterator[bytes]:
        """Yield the stream's bytes in `fmt` from now on until the client goes away or falls too far behind."""
        fanout = self.fanouts[fmt]
        log.info("zone %s: %s listener connected (%d now)", self.slug, fmt, self.listener_count + 1)
        try:
            async with contextlib.aclosing(fanout.listen()) as chunks:
                async for chunk in chunks:
                    yield chunk
        except ListenerTooSlow:
            log.warning("zone %s: a %s listener fell %d s behind; dropped", self.slug, fmt, BACKLOG_S)
        finally:
            log.info("zone %s: %s listener left (%d now)", self.slug, fmt, self.listener_count)

    def close(self) -> None:
        self._closing = True
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError, ValueError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        for reader in self._readers:
            reader.join(timeout=5)
