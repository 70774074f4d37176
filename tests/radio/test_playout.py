"""The zone clock: silence when idle, items on their planned sample, emergencies cutting in."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import numpy as np
import pytest

from radio.playout import BLOCK_S, RANK_EMERGENCY, RANK_LIVE, PlayoutItem, ZonePlayout
from radio.sources import ArraySource

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


def constant(value: int, seconds: float) -> np.ndarray:
    return np.full(int(RATE * seconds), value, dtype=np.int16)


class Events:
    def __init__(self) -> None:
        self.log: list[tuple[str, str, datetime]] = []
        self.done = threading.Event()

    def item(self, title: str, pcm: np.ndarray, not_before: float = 0.0, last: bool = False) -> PlayoutItem:
        def ended(at: datetime) -> None:
            self.log.append((title, "end", at))
            if last:
                self.done.set()

        return PlayoutItem(
            title, ArraySource(pcm), not_before,
            on_start=lambda at: self.log.append((title, "start", at)), on_end=ended,
            on_interrupt=lambda at, by: self.log.append((title, f"interrupt by {by}", at)),
        )  # fmt: skip

    def times(self, title: str, kind: str) -> list[datetime]:
        return [at for t, k, at in self.log if t == title and k == kind]


def test_item_starts_on_its_planned_instant_between_silences() -> None:
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-a", RATE, [sink])
    playout.start()
    try:
        planned = time.time() + 0.33  # deliberately not on a block boundary
        playout.enqueue(events.item("tone", constant(1000, 0.5), planned, last=True))
        assert events.done.wait(5)
        time.sleep(0.2)
    finally:
        playout.stop()
    played = sink.samples()
    loud = np.flatnonzero(played)
    assert len(loud) == int(RATE * 0.5)  # the whole item, once, contiguous
    assert loud[-1] - loud[0] + 1 == len(loud)
    started = events.times("tone", "start")[0].timestamp()
    # placed on its sample; the report adds only how late the clock thread handed that block over
    assert abs(started - planned) < 0.02
    ended = events.times("tone", "end")[0].timestamp()
    assert abs(ended - started - 0.5) < 0.02
    assert playout.on_air is None


def test_an_item_due_while_another_plays_follows_it_back_to_back() -> None:
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-b", RATE, [sink])
    now = time.time()
    playout.enqueue(events.item("second", constant(2, 0.2), now + 0.2, last=True))
    playout.enqueue(events.item("first", constant(1, 0.3), now + 0.1))
    playout.start()
    try:
        assert events.done.wait(5)
    finally:
        playout.stop()
    played = sink.samples()
    audible = played[played != 0]
    assert list(audible[: int(RATE * 0.3)]) == [1] * int(RATE * 0.3)
    assert list(audible[int(RATE * 0.3) :]) == [2] * int(RATE * 0.2)
    assert events.times("first", "end")[0] == events.times("second", "start")[0]


def test_emergency_cuts_in_and_interrupted_item_resumes_where_it_stopped() -> None:
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-c", RATE, [sink], resume_interrupted=True)
    ramp = np.arange(1, int(RATE * 1.0) + 1, dtype=np.int16)  # every sample distinct: resumption is checkable
    playout.start()
    try:
        playout.enqueue(events.item("ordinary", ramp, last=True))
        time.sleep(0.4)
        playout.preempt(events.item("emergency", np.full(int(RATE * 0.3), -5, dtype=np.int16)))
        assert events.done.wait(5)
    finally:
        playout.stop()
    played = sink.samples()
    audible = played[played != 0]
    cut = int(np.flatnonzero(audible == -5)[0])
    assert list(audible[cut : cut + int(RATE * 0.3)]) == [-5] * int(RATE * 0.3)
    rest = audible[cut + int(RATE * 0.3) :]
    np.testing.assert_array_equal(np.concatenate([audible[:cut], rest]), ramp)  # nothing lost, nothing twice
    assert len(events.times("ordinary", f"interrupt by {RANK_EMERGENCY}")) == 1  # the log says who cut in
    assert len(events.times("ordinary", "start")) == 2  # started, then resumed
    assert events.times("emergency", "start")[0] == events.times("ordinary", f"interrupt by {RANK_EMERGENCY}")[0]


def test_restart_policy_plays_interrupted_item_again_from_the_top() -> None:
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-d", RATE, [sink], resume_interrupted=False)
    ramp = np.arange(1, int(RATE * 0.6) + 1, dtype=np.int16)
    playout.start()
    try:
        playout.enqueue(events.item("ordinary", ramp, last=True))
        time.sleep(0.3)
        playout.preempt(events.item("emergency", np.full(int(RATE * 0.1), -5, dtype=np.int16)))
        assert events.done.wait(5)
    finally:
        playout.stop()
    audible = sink.samples()[sink.samples() != 0]
    after = audible[np.flatnonzero(audible == -5)[-1] + 1 :]
    np.testing.assert_array_equal(after, ramp)


def test_clock_runs_in_real_time() -> None:
    sink = RecordingSink()
    playout = ZonePlayout("thon-e", RATE, [sink])
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
    playout = ZonePlayout("thon-f", RATE, [Broken(), good])
    playout.start()
    time.sleep(0.3)
    playout.stop()
    assert len(good.samples()) >= RATE * 0.2


def test_timestamps_are_utc() -> None:
    events = Events()
    playout = ZonePlayout("thon-g", RATE, [RecordingSink()])
    playout.start()
    try:
        playout.enqueue(events.item("x", constant(3, 0.1), last=True))
        assert events.done.wait(5)
    finally:
        playout.stop()
    assert events.times("x", "start")[0].tzinfo == UTC


def test_a_wall_clock_step_neither_repeats_nor_skips_an_item(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system clock jumps an hour back while one item plays, then an hour forward past the next."""
    import radio.playout as playout_module

    offset = {"s": 0.0}
    real_time = time.time
    monkeypatch.setattr(playout_module.time, "time", lambda: real_time() + offset["s"])
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-h", RATE, [sink])
    now = real_time()
    playout.enqueue(events.item("first", constant(1, 0.4), now + 0.1))
    playout.enqueue(events.item("second", constant(2, 0.2), now + 1.0, last=True))
    playout.start()
    try:
        time.sleep(0.3)
        offset["s"] = -3600.0  # an hour back, mid-item: the playing item must not start again
        time.sleep(0.5)
        offset["s"] = 3600.0  # an hour forward: the waiting item is late, and plays once
        assert events.done.wait(5)
        time.sleep(0.2)
    finally:
        playout.stop()
    played = sink.samples()
    assert np.count_nonzero(played == 1) == int(RATE * 0.4)
    assert np.count_nonzero(played == 2) == int(RATE * 0.2)
    assert len(events.times("first", "start")) == 1 and len(events.times("second", "start")) == 1


def test_live_cuts_into_a_planned_item_and_the_interruption_names_live() -> None:
    sink, events = RecordingSink(), Events()
    playout = ZonePlayout("thon-l", RATE, [sink], resume_interrupted=True)
    playout.start()
    try:
        playout.enqueue(events.item("ordinary", constant(3, 0.8), last=True))
        time.sleep(0.3)
        live = events.item("live", constant(-7, 0.2))
        live.rank = RANK_LIVE
        playout.preempt(live)
        assert events.done.wait(5)
    finally:
        playout.stop()
    assert len(events.times("ordinary", f"interrupt by {RANK_LIVE}")) == 1
    assert events.times("live", "start")[0] == events.times("ordinary", f"interrupt by {RANK_LIVE}")[0]
