"""Phát trực tiếp: an officer's microphone, sent by the browser, on the air of chosen villages now.

The browser sends WebM/Opus as it records; one ffmpeg per session decodes it to 16 kHz PCM as it arrives.
Every decoded chunk is given the instant it must sound at (a fixed delay after it arrived, so a late network
packet does not tear the audio), and that timeline is shared: each village's playout reads it as a cut-in of
rank RANK_LIVE (ordinary and ưu tiên items resume afterwards as after an emergency; khẩn cấp still wins), and
the same frames go to the village's speaker agents, which play them on the station's clock. So the zone stream
and every loudspeaker of a village say the same word at the same moment.

Evidence: one Broadcast row per village (started, ended, interrupted by the playout as for any item), a
LiveSession row with who went live, from where and why it ended, and the recording of what was said, kept
as an audio asset whose sha256 is written on every row before the airing ends, so the hash chain covers it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import imageio_ffmpeg
import numpy as np
import soxr
from sqlalchemy import select

import tts
from radio.accounts import record
from radio.agent.live_frames import LIVE_RATE, LiveFrame
from radio.errors import Refusal
from radio.playout import RANK_LIVE, PlayoutItem
from radio.rendering import store_asset
from radio.roles import may_target
from radio.sources import TimedSource
from radio.station import Station
from radio.storage.models import Broadcast, BroadcastStatus, ItemKind, LiveSession, Priority, User, Zone

log = logging.getLogger(__name__)

LIVE_DELAY_S = 0.8  # arrival → loudspeaker: room for a 4G link's jitter, well inside the 2 s promised
_MIN_LEAD_S = 0.25  # a chunk arriving with less time than this before its instant re-anchors the timeline
_MAX_LEAD_S = LIVE_DELAY_S + 0.5  # a browser whose clock runs fast gets a chunk dropped, not a growing delay
_MIN_RECORDING_S = 0.1
_READ_SIZE = 4096
_DECODER_DRAIN_S = 5.0

NO_VILLAGE = "Hãy chọn ít nhất một thôn, xóm để phát trực tiếp."
UNKNOWN_VILLAGES = "Không có thôn, xóm: {}."
NOT_YOURS = "Bạn chỉ được phát tới thôn, xóm mình phụ trách."
BUSY = "Đang có người phát trực tiếp tới: {}."


class LiveTimeline:
    """Gives each decoded chunk the instant of its first sample on the station's clock: LIVE_DELAY_S after
    the chunk that (re)started the line, then back to back, so the voice is continuous."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._next: float | None = None

    def place(self, count: int) -> float | None:
        """The chunk's instant, or None to drop it (the sender is running ahead of real time)."""
        now = self.clock()
        if self._next is None or self._next < now + _MIN_LEAD_S:
            self._next = now + LIVE_DELAY_S
        elif self._next > now + _MAX_LEAD_S:
            return None
        at = self._next
        self._next += count / LIVE_RATE
        return at


@dataclass
class _Village:
    slug: str
    name: str
    zone_id: int
    broadcast_id: int
    source: TimedSource


Subscriber = asyncio.Queue[bytes | dict[str, Any]]


@dataclass
class LiveHub:
    """Who is live where, and which agent connections want each village's live audio (one per process)."""

    sessions: dict[str, object] = field(default_factory=dict)  # by village slug: its runner (or a reservation)
    subscribers: dict[int, set[Subscriber]] = field(default_factory=dict)  # by zone id

    def subscribe(self, zone_id: int, queue: Subscriber) -> None:
        self.subscribers.setdefault(zone_id, set()).add(queue)

    def unsubscribe(self, zone_id: int, queue: Subscriber) -> None:
        self.subscribers.get(zone_id, set()).discard(queue)

    def publish(self, zone_id: int, message: bytes | dict[str, Any]) -> None:
        """Hand a frame to every agent link of the village; one that stopped reading loses frames, not the others."""
        for queue in list(self.subscribers.get(zone_id, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(message)

    def claim(self, slugs: list[str], names: dict[str, str], owner: object) -> None:
        """One live session per village at a time (Refusal naming the villages already live)."""
        if busy := [names[slug] for slug in slugs if slug in self.sessions]:
            raise Refusal({"zones": BUSY.format(", ".join(busy))})
        for slug in slugs:
            self.sessions[slug] = owner

    def release(self, owner: object) -> None:
        for slug in [slug for slug, held in self.sessions.items() if held is owner]:
            del self.sessions[slug]


@dataclass(frozen=True)
class LiveResult:
    live_id: int
    seconds: float
    sha256: str | None
    reason: str


def _zones(station: Station, user_id: int, slugs: list[str]) -> tuple[list[Zone], dict[str, str]]:
    """The chosen villages, or Refusal in Vietnamese."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        raise Refusal({"zones": NO_VILLAGE})
    with station.sessions() as session:
        zones = list(session.scalars(select(Zone).where(Zone.slug.in_(slugs)).order_by(Zone.position)))
        if unknown := sorted(set(slugs) - {zone.slug for zone in zones}):
            raise Refusal({"zones": UNKNOWN_VILLAGES.format(", ".join(unknown))})
        if not may_target(session.get_one(User, user_id), zones):
            raise Refusal({"zones": NOT_YOURS})
        session.expunge_all()
    return zones, {zone.slug: zone.name for zone in zones}


def _open_rows(station: Station, user_id: int, zones: list[Zone], remote: str) -> tuple[int, str, list[int]]:
    """The LiveSession and one Broadcast row per village, committed before the first sample airs."""
    now = datetime.now(UTC)
    with station.sessions.begin() as session:
        user = session.get_one(User, user_id)
        title = f"Phát trực tiếp — {user.full_name or user.username}"
        rows = [
            Broadcast(kind=ItemKind.live, title=title, priority=Priority.ordinary, zone_id=zone.id, planned_at=now,
                      status=BroadcastStatus.planned)
            for zone in zones
        ]  # fmt: skip
        live = LiveSession(started_by_id=user.id, started_at=now, remote=remote[:64], broadcasts=rows)
        session.add(live)
        session.flush()
        villages = ", ".join(zone.slug for zone in zones)
        record(session, "live.start", f"live session #{live.id} to {villages}", user=user, remote=remote)
        return live.id, title, [row.id for row in rows]


def _close_rows(
    station: Station, live_id: int, recording: np.ndarray, reason: str, user_id: int, remote: str
) -> str | None:
    """Store the recording and name it on every row of the session (before the airings end); returns its sha256."""
    settings = station.settings
    with station.sessions.begin() as session:
        live = session.get_one(LiveSession, live_id)
        sha256 = None
        if len(recording) >= _MIN_RECORDING_S * LIVE_RATE:
            audio = tts.Audio(recording.astype(np.float32) / 32768, LIVE_RATE)
            sha256 = store_asset(session, settings, tts.encode_mp3(audio, settings.stream_bitrate), key=None).sha256
        live.ended_at = datetime.now(UTC)
        live.end_reason = reason
        live.audio_sha256 = sha256
        for row in live.broadcasts:
            row.audio_sha256 = sha256
        seconds = len(recording) / LIVE_RATE
        detail = f"live session #{live_id} ended ({reason}) after {seconds:.1f} s of audio; sha256 {sha256 or 'none'}"
        record(session, "live.end", detail, user=session.get(User, user_id), remote=remote)
    return sha256


async def _decoder() -> asyncio.subprocess.Process:
    """ffmpeg reading WebM/Opus as the browser records it, writing 16 kHz PCM as soon as each packet is decoded."""
    return await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
        "-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0", "-f", "matroska", "-i", "pipe:0",
        "-f", "s16le", "-ac", "1", "-ar", str(LIVE_RATE), "-flush_packets", "1", "pipe:1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


class LiveSessionRunner:
    """One live session on the event loop: feed it the browser's bytes, then finish it (once) with a reason."""

    def __init__(
        self, station: Station, hub: LiveHub, live_id: int, villages: list[_Village], user_id: int, remote: str
    ) -> None:
        self.station = station
        self.hub = hub
        self.live_id = live_id
        self.villages = villages
        self.user_id = user_id
        self.remote = remote
        self.timeline = LiveTimeline()
        rate = station.settings.stream_sample_rate
        self._resampler = soxr.ResampleStream(LIVE_RATE, rate, 1, dtype="int16") if rate != LIVE_RATE else None
        self._recording: list[np.ndarray] = []
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task[None] | None = None
        self._stderr: asyncio.Task[bytes] | None = None
        self._result: LiveResult | None = None

    async def _start_decoder(self) -> None:
        self._process = await _decoder()
        assert self._process.stdout and self._process.stderr
        self._pump = asyncio.create_task(self._read(self._process.stdout))
        self._stderr = asyncio.create_task(self._process.stderr.read())

    async def feed(self, data: bytes) -> None:
        """Bytes of the browser's recording, in order."""
        if self._process is None:
            await self._start_decoder()
        assert self._process and self._process.stdin
        if self._process.stdin.is_closing():
            return
        try:
            self._process.stdin.write(data)
            await self._process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            log.warning("live session %d: decoder stopped", self.live_id)

    async def _read(self, stdout: asyncio.StreamReader) -> None:
        rest = b""
        while chunk := await stdout.read(_READ_SIZE):
            data = rest + chunk
            cut = len(data) // 2 * 2
            rest = data[cut:]
            if cut:
                self._dispatch(np.frombuffer(data[:cut], dtype="<i2").astype(np.int16))

    def _dispatch(self, samples: np.ndarray) -> None:
        """Record, place on the timeline, and hand to each village's playout and speaker agents."""
        self._recording.append(samples)
        at = self.timeline.place(len(samples))
        if at is None:
            return
        local = self._resampler.resample_chunk(samples) if self._resampler else samples
        for village in self.villages:
            village.source.push(at, local)
            self.hub.publish(village.zone_id, LiveFrame(village.broadcast_id, at, LIVE_RATE, samples).pack())

    async def finish(self, reason: str) -> LiveResult:
        """Drain the decoder, store the recording, end every village's airing and free the villages."""
        if self._result is not None:
            return self._result
        try:
            await self._stop_decoder()
        finally:
            recording = np.concatenate(self._recording) if self._recording else np.zeros(0, dtype=np.int16)
            try:
                sha256 = await asyncio.to_thread(
                    _close_rows, self.station, self.live_id, recording, reason, self.user_id, self.remote
                )
            except Exception:
                log.exception("live session %d: recording not stored", self.live_id)
                sha256 = None
            for village in self.villages:
                village.source.end()
                self.hub.publish(village.zone_id, {"type": "live_end", "broadcast_id": village.broadcast_id})
            self.hub.release(self)
        self._result = LiveResult(self.live_id, len(recording) / LIVE_RATE, sha256, reason)
        log.info("live session %d ended (%s): %.1f s, sha256 %s", self.live_id, reason, self._result.seconds, sha256)
        return self._result

    async def _stop_decoder(self) -> None:
        process = self._process
        if process is None:
            return
        assert process.stdin
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.close()
        try:
            await asyncio.wait_for(asyncio.gather(self._pump, process.wait()), timeout=_DECODER_DRAIN_S)
        except TimeoutError:
            log.warning("live session %d: decoder did not finish; killed", self.live_id)
            process.kill()
            await process.wait()
        errors = (await self._stderr) if self._stderr else b""
        if process.returncode and errors:
            log.warning("live session %d: decoder said %s", self.live_id, errors.decode(errors="replace").strip())
        if self._resampler:
            rest = self._resampler.resample_chunk(np.zeros(0, dtype=np.int16), last=True)
            if len(rest):
                for village in self.villages:
                    village.source.push(village.source.clock() + LIVE_DELAY_S, rest)


async def start_live(station: Station, hub: LiveHub, user_id: int, slugs: list[str], remote: str) -> LiveSessionRunner:
    """Go live in the chosen villages now (Refusal: none chosen, unknown, not the user's, or already live)."""
    zones, names = await asyncio.to_thread(_zones, station, user_id, slugs)
    reservation = object()  # holds the villages while the rows are written
    hub.claim(list(names), names, reservation)
    try:
        live_id, title, broadcast_ids = await asyncio.to_thread(_open_rows, station, user_id, zones, remote)
    finally:
        hub.release(reservation)
    rate = station.settings.stream_sample_rate
    villages = [
        _Village(zone.slug, zone.name, zone.id, broadcast_id, TimedSource(rate))
        for zone, broadcast_id in zip(zones, broadcast_ids, strict=True)
    ]
    runner = LiveSessionRunner(station, hub, live_id, villages, user_id, remote)
    hub.claim(list(names), names, runner)  # no await since the release: nobody took them meanwhile
    for village in villages:
        playout = station.playouts.get(village.slug)
        if playout is None:
            station.evidence.failed(
                village.broadcast_id, BroadcastStatus.failed, f"village {village.slug} has no playout"
            )
            continue
        playout.preempt(_item(station, title, village))
    log.info("live session %d on air in %s", live_id, ", ".join(names.values()))
    return runner


def _item(station: Station, title: str, village: _Village) -> PlayoutItem:
    broadcast_id = village.broadcast_id
    return PlayoutItem(
        title=title, source=village.source, rank=RANK_LIVE,
        on_start=lambda at: station.evidence.started(broadcast_id, at),
        on_end=lambda at: station.evidence.ended(broadcast_id, at),
        on_interrupt=lambda at, by: station.evidence.interrupted(broadcast_id, at, by),
    )  # fmt: skip
