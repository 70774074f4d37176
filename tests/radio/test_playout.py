"""The zone clock: silence when idle, items played whole and in order, real start/end reported."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import numpy as np

from radio.playout import BLOCK_S, PlayoutItem, ZonePlayout

RATE = 8000


class RecordingSink:
    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.lock = threading.Lock()

    def write(self, block: np.ndarray) -> None:
        with self.lock:
            self.blocks.append(block.copy())

    def samples(self) -> np.ndarray:
        with self.lock:
            return np.concatenate(self.blocks)


def test_item_airs_between_silences_and_reports_real_times() -> None:
    sink = RecordingSink()
    playout = ZonePlayout("thon-a", RATE, [sink])
    events: dict[str, datetime] = {}
    done = threading.Event()
    tone = (np.cos(np.arange(int(RATE * 0.5)) * 2 * np.pi * 440 / RATE) * 10000 + 20000).astype(np.int16)

    def ended(at: datetime) -> None:
        events["end"] = at
        done.set()

    playout.start()
    try:
        time.sleep(0.3)
        queued_at = datetime.now(UTC)
        playout.enqueue(PlayoutItem("tone", tone, on_start=lambda at: events.__setitem__("start", at), on_end=ended))
        assert done.wait(5)
        time.sleep(0.2)
    finally:
        playout.stop()

    played = sink.samples()
    loud = np.flatnonzero(np.abs(played) > 0)
    assert len(loud) > 0
    assert played[: loud[0]].any() == 0  # silence before
    np.testing.assert_array_equal(played[loud[0] : loud[0] + len(tone)], tone)  # the whole item, untouched
    assert not played[loud[0] + len(tone) :].any()  # silence after
    assert 0 <= (events["start"] - queued_at).total_seconds() < 2 * BLOCK_S
    assert abs((events["end"] - events["start"]).total_seconds() - 0.5) < 2 * BLOCK_S
    assert playout.on_air is None


def test_clock_runs_in_real_time() -> None:
    sink = RecordingSink()
    playout = ZonePlayout("thon-b", RATE, [sink])
    started = time.monotonic()
    playout.start()
    time.sleep(1.0)
    playout.stop()
    elapsed = time.monotonic() - started
    assert abs(len(sink.samples()) / RATE - elapsed) < 3 * BLOCK_S


def test_a_failing_sink_does_not_silence_the_others() -> None:
    class Broken:
        def write(self, block: np.ndarray) -> None:
            raise OSError("device gone")

    good = RecordingSink()
    playout = ZonePlayout("thon-c", RATE, [Broken(), good])
    playout.start()
    time.sleep(0.3)
    playout.stop()
    assert len(good.samples()) >= RATE * 0.2
