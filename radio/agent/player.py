"""The agent's side of airtime: hands each planned item to a playout clock at its instant, corrected to the
station's clock, and records a receipt for every start, end and interruption."""

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

from radio.agent.cache import AudioCache
from radio.agent.clock import ClockOffset
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import AgentSink
from radio.playout import PlayoutItem, ZonePlayout
from radio.sources import ArraySource

log = logging.getLogger(__name__)

ARM_AHEAD_S = 3.0  # hand the item to the clock this early; the clock then starts it on its sample
JOIN_LEAD_S = 0.2  # an item already under way is joined this far ahead, at the matching point of the audio
TEST_TONE_HZ = 1000.0
TEST_TONE_S = 1.0
TEST_TONE_PEAK = 16384  # half of full scale, before the box's volume


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

    def test_tone(self) -> str | None:
        """Play a short tone now, through the volume and mute like any item; cuts into an ordinary item (which
        then resumes) but never into an emergency. Returns why it was not played, or None."""
        if self.emergency_on_air:
            log.warning("test tone not played: an emergency is on air")
            return "an emergency is on air"
        rate = self.cache.sample_rate
        count = int(rate * TEST_TONE_S)
        tone = np.sin(np.arange(count) * (2 * math.pi * TEST_TONE_HZ / rate)) * TEST_TONE_PEAK
        fade = int(rate * 0.01)  # 10 ms ramps: no click
        tone[:fade] *= np.linspace(0.0, 1.0, fade)
        tone[-fade:] *= np.linspace(1.0, 0.0, fade)
        self.playout.preempt(PlayoutItem(title="test tone", source=ArraySource(tone.astype(np.int16))))
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
        return sorted({item["sha256"] for item in self.schedule.values() if not self.cache.has(item["sha256"])})

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
            if not self.cache.has(item["sha256"]):
                if now > start:
                    log.warning("broadcast %d: audio %s still not cached at its instant", broadcast_id,
                                item["sha256"][:12])  # fmt: skip
                continue
            self._arm(item, start, now)

    def _arm(self, item: dict[str, Any], start: float, now: float) -> None:
        broadcast_id = item["broadcast_id"]
        self.armed.add(broadcast_id)
        source = ArraySource(self.cache.pcm(item["sha256"]))
        not_before = start
        if start < now + JOIN_LEAD_S:  # under way already: join where the other loudspeakers are
            not_before = now + JOIN_LEAD_S
            source.offset = int(round((not_before - start) * self.cache.sample_rate))
            log.warning("broadcast %d joined %.1f s after its start", broadcast_id, not_before - start)
        state: dict[str, Any] = {"broadcast_id": broadcast_id, "sha256": item["sha256"], "started_at": None}
        emergency = bool(item["emergency"])
        playout_item = PlayoutItem(
            title=item["title"], source=source, not_before=not_before,
            on_start=lambda at: self._report(state, "started", at, emergency),
            on_end=lambda at: self._report(state, "ended", at, False),
            on_interrupt=lambda at: self._report(state, "interrupted", at, False),
            exempt_from_ceiling=emergency,
        )  # fmt: skip
        if item["emergency"]:
            self.playout.preempt(playout_item)
        else:
            self.playout.enqueue(playout_item)
        log.info("broadcast %d (%s) armed for %s", broadcast_id, item["title"], _iso(start))

    def _report(self, state: dict[str, Any], outcome: str, at: datetime, emergency_on_air: bool) -> None:
        """Runs on the playout thread; instants are reported on the station's clock."""
        self.emergency_on_air = emergency_on_air
        instant = _iso(at.timestamp() + self.clock.offset)
        if outcome == "started":
            state["started_at"] = state["started_at"] or instant
            state["ended_at"] = None
        else:
            state["ended_at"] = instant
        self.receipts.put({**state, "outcome": outcome})
        log.info("broadcast %d %s at %s", state["broadcast_id"], outcome, instant)
        self.on_receipt()


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()
