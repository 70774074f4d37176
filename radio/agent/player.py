"""The agent's side of airtime: hands each planned item to a playout clock at its instant, corrected to the
station's clock, and records a receipt for every start, end and interruption.

Items are bulletins, files and chimes (played from the cache, checked by sha256, each for exactly its planned
length, so the next item starts on its instant), gaps (silence for their length) and relays (the upstream
stream pulled by the box itself for the item's length). Live audio from the office arrives as timed frames
and cuts in like the station's own playout does (rank RANK_LIVE)."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from radio.agent.cache import AudioCache
from radio.agent.clock import ClockOffset
from radio.agent.live_frames import LiveFrame
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import AgentSink
from radio.playout import RANK_LIVE, RANK_TONE, PlayoutItem, Source, ZonePlayout
from radio.sources import ArraySource, RelaySource, TimedSource

log = logging.getLogger(__name__)

ARM_AHEAD_S = 3.0  # hand the item to the clock this early; the clock then starts it on its sample
JOIN_LEAD_S = 0.2  # an item already under way is joined this far ahead, at the matching point of the audio
TEST_TONE_HZ = 1000.0
TEST_TONE_S = 1.0
TEST_TONE_PEAK = 16384  # half of full scale, before the box's volume
LIVE_IDLE_END_S = 5.0  # live frames stopped coming (link lost mid-announcement): end it and go back to the schedule


class Player:
    """Plays the village's schedule from the cache, whether or not the station is reachable.

    The schedule is kept on disk, so a box that reboots while its link is down still plays what it knew.
    """

    def __init__(
        self, cache: AudioCache, receipts: ReceiptQueue, clock: ClockOffset, sink: AgentSink, volume: int,
        schedule_path: Path, on_receipt: Callable[[], None], control_path: Path | None = None,
    ) -> None:  # fmt: skip
        self.cache = cache
        self.receipts = receipts
        self.clock = clock
        self.sink = sink
        self.volume = volume
        self.muted = False
        self.control_path = control_path
        if control_path is not None and control_path.exists():  # set from the office before a reboot
            try:
                saved = json.loads(control_path.read_text())
                self.volume, self.muted = int(saved["volume"]), bool(saved["muted"])
            except (ValueError, KeyError, TypeError) as error:
                log.warning("%s unreadable (%s); using --volume until the station sends its setting", control_path,
                            error)  # fmt: skip
        self.emergency_on_air = False
        self.live_on_air = False
        self._live: dict[int, tuple[TimedSource, soxr.ResampleStream | None]] = {}  # by broadcast id
        self.schedule_path = schedule_path
        self.on_receipt = on_receipt
        self.schedule: dict[int, dict[str, Any]] = {}
        if schedule_path.exists():
            self.schedule = {item["broadcast_id"]: item for item in json.loads(schedule_path.read_text())}
        self.armed: set[int] = receipts.played()
        # volume and mute scale the samples on their way to the sink; emergencies are exempt (full scale)
        self.playout = ZonePlayout("agent", cache.sample_rate, [sink], gain_at=lambda _at: self.gain)

    @property
    def gain(self) -> float:
        return 0.0 if self.muted else self.volume / 100

    def set_control(self, volume: int | None, muted: bool | None) -> None:
        """Volume and mute from the office; applied from the next block on and kept on disk."""
        if volume is not None:
            if not 0 <= int(volume) <= 100:
                raise ValueError(f"volume must be 0 to 100, got {volume}")
            self.volume = int(volume)
        if muted is not None:
            self.muted = bool(muted)
        log.info("volume %d %%%s", self.volume, ", muted" if self.muted else "")
        if self.control_path is not None:
            temporary = self.control_path.with_suffix(".part")
            temporary.write_text(json.dumps({"volume": self.volume, "muted": self.muted}))
            temporary.replace(self.control_path)

    def test_tone(self, on_played: Callable[[datetime], None] = lambda _at: None) -> str | None:
        """Play a short tone now, through the volume and mute like any item; cuts into an ordinary item (which
        then resumes) but never into an emergency or a live announcement. Returns why it was not played, or
        None; `on_played` gets the instant (station clock) it really started."""
        refused = (
            "an emergency is on air" if self.emergency_on_air else "live audio is on air" if self.live_on_air else ""
        )
        if refused:
            log.warning("test tone not played: %s", refused)
            return refused
        rate = self.cache.sample_rate
        count = int(rate * TEST_TONE_S)
        tone = np.sin(np.arange(count) * (2 * math.pi * TEST_TONE_HZ / rate)) * TEST_TONE_PEAK
        fade = int(rate * 0.01)  # 10 ms ramps: no click
        tone[:fade] *= np.linspace(0.0, 1.0, fade)
        tone[-fade:] *= np.linspace(1.0, 0.0, fade)
        self.playout.preempt(
            PlayoutItem(
                title="test tone", source=ArraySource(tone.astype(np.int16)), rank=RANK_TONE,
                on_start=lambda at: on_played(_station_time(at, self.clock)),
            )
        )  # fmt: skip
        log.info("test tone")
        return None

    def start(self) -> None:
        self.playout.start()

    def stop(self) -> None:
        self.playout.stop()
        self.sink.close()

    def replace_schedule(self, items: list[dict[str, Any]]) -> None:
        """The station's latest view: items no longer in it (cancelled) are dropped unless already armed."""
        self.schedule = {item["broadcast_id"]: item for item in items}
        temporary = self.schedule_path.with_suffix(".part")
        temporary.write_text(json.dumps(items))
        temporary.replace(self.schedule_path)

    def missing_audio(self) -> list[str]:
        """Files to fetch: bulletins, uploaded files and chimes (gaps and relays have none)."""
        wanted = {item["sha256"] for item in self.schedule.values() if item.get("sha256")}
        return sorted(sha256 for sha256 in wanted if not self.cache.has(sha256))

    def arm_due(self) -> None:
        """Hand every item due within ARM_AHEAD_S to the playout clock; called a few times a second."""
        now = time.time()
        offset = self.clock.offset
        for broadcast_id, item in sorted(self.schedule.items(), key=lambda entry: entry[1]["planned_at"]):
            start = item["planned_at"] - offset  # the planned instant on this box's clock
            if broadcast_id in self.armed or start - now > ARM_AHEAD_S:
                continue
            if now > start + item["duration_s"]:
                self.armed.add(broadcast_id)
                log.warning("broadcast %d (%s) was over before this box could play it", broadcast_id, item["title"])
                continue
            if item.get("sha256") and not self.cache.has(item["sha256"]):
                if now > start:
                    log.warning("broadcast %d: audio %s still not cached at its instant", broadcast_id,
                                item["sha256"][:12])  # fmt: skip
                continue
            self._arm(item, start, now)

    def _source(self, item: dict[str, Any], late_s: float) -> Source:
        """The item's samples from `late_s` into it (0 unless the box joins an item already under way)."""
        rate = self.cache.sample_rate
        kind = item.get("kind", "audio")
        if kind == "relay":
            return RelaySource(item["url"], item["duration_s"] - late_s, rate)
        if kind == "gap":
            return ArraySource(np.zeros(int(round((item["duration_s"] - late_s) * rate)), dtype=np.int16))
        source = ArraySource(_fit(self.cache.pcm(item["sha256"]), int(round(item["duration_s"] * rate))))
        source.offset = int(round(late_s * rate))
        return source

    def _arm(self, item: dict[str, Any], start: float, now: float) -> None:
        broadcast_id = item["broadcast_id"]
        self.armed.add(broadcast_id)
        not_before = start
        if start < now + JOIN_LEAD_S:  # under way already: join where the other loudspeakers are
            not_before = now + JOIN_LEAD_S
            log.warning("broadcast %d joined %.1f s after its start", broadcast_id, not_before - start)
        source = self._source(item, not_before - start)
        state: dict[str, Any] = {"broadcast_id": broadcast_id, "sha256": item.get("sha256") or "", "started_at": None}
        emergency = bool(item["emergency"])
        playout_item = PlayoutItem(
            title=item["title"], source=source, not_before=not_before,
            on_start=lambda at: self._report(state, "started", at, emergency),
            on_end=lambda at: self._report(state, "ended", at, False),
            on_interrupt=lambda at, _by: self._report(state, "interrupted", at, False),
            exempt_from_ceiling=emergency,
        )  # fmt: skip
        if item["emergency"]:
            self.playout.preempt(playout_item)
        else:
            self.playout.enqueue(playout_item)
        log.info("broadcast %d (%s) armed for %s", broadcast_id, item["title"], _iso(start))

    def live_frame(self, frame: LiveFrame) -> None:
        """A piece of the office's live audio: the first of an airing cuts in, every one plays at its instant."""
        entry = self._live.get(frame.broadcast_id)
        if entry is None:
            entry = self._start_live(frame.broadcast_id, frame.sample_rate)
        source, resampler = entry
        samples = resampler.resample_chunk(frame.samples) if resampler else frame.samples
        source.push(frame.play_at, samples)

    def live_end(self, broadcast_id: int) -> None:
        entry = self._live.pop(broadcast_id, None)
        if entry is not None:
            entry[0].end()

    def _start_live(self, broadcast_id: int, sample_rate: int) -> tuple[TimedSource, soxr.ResampleStream | None]:
        rate = self.cache.sample_rate
        source = TimedSource(rate, clock=lambda: time.time() + self.clock.offset, idle_end_s=LIVE_IDLE_END_S)
        resampler = soxr.ResampleStream(sample_rate, rate, 1, dtype="int16") if sample_rate != rate else None
        self._live[broadcast_id] = (source, resampler)
        state: dict[str, Any] = {"broadcast_id": broadcast_id, "sha256": "", "started_at": None}

        def ended(outcome: str, at: datetime) -> None:
            self.live_on_air = False
            if outcome == "ended" and self._live.get(broadcast_id, (None,))[0] is source:
                del self._live[broadcast_id]  # ended on its own (link lost): a later frame starts it again
            self._report(state, outcome, at, False)

        def started(at: datetime) -> None:
            self.live_on_air = True
            self._report(state, "started", at, False)

        self.playout.preempt(
            PlayoutItem(
                title="live", source=source, rank=RANK_LIVE, on_start=started,
                on_end=lambda at: ended("ended", at), on_interrupt=lambda at, _by: ended("interrupted", at),
            )
        )  # fmt: skip
        log.info("live audio of broadcast %d cutting in", broadcast_id)
        return source, resampler

    def _report(self, state: dict[str, Any], outcome: str, at: datetime, emergency_on_air: bool) -> None:
        """Runs on the playout thread; instants are reported on the station's clock."""
        self.emergency_on_air = emergency_on_air
        instant = _station_time(at, self.clock).isoformat()
        if outcome == "started":
            state["started_at"] = state["started_at"] or instant
            state["ended_at"] = None
        else:
            state["ended_at"] = instant
        self.receipts.put({**state, "outcome": outcome})
        log.info("broadcast %d %s at %s", state["broadcast_id"], outcome, instant)
        self.on_receipt()


def _fit(pcm: np.ndarray, count: int) -> np.ndarray:
    """Exactly `count` samples: decoding an MP3 adds a few ms of padding (or resampling loses some), and the
    next item of the session is planned where this one ends, so a file played as decoded would push every
    later item off its plan and behind the village stream."""
    if len(pcm) >= count:
        return pcm[:count]
    return np.concatenate([pcm, np.zeros(count - len(pcm), dtype=pcm.dtype)])


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def _station_time(at: datetime, clock: ClockOffset) -> datetime:
    return datetime.fromtimestamp(at.timestamp() + clock.offset, UTC)
