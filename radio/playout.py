"""Playout: one real-time clock per zone that plays queued items (or silence) into the zone's sinks.

Sinks are anything with `write(int16 block)`: the zone's stream encoder, the local sound card.
The clock, not the sinks, sets the pace, so every sink of a zone hears the same sample at the
same instant. An item waits in the queue until its planned instant and starts on that exact
sample inside the block, so start error is the clock thread's jitter, not the block size.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

BLOCK_S = 0.05
_RESYNC_AFTER_S = 1.0  # if the clock thread was starved this long, skip ahead instead of bursting
_CUT_IN, _INTERRUPTED, _PLANNED = 0, 1, 2

# Who may cut into whom (OBPlayer's order: alerts > live > the rest): a cut-in interrupts only an item of a
# weaker (higher) rank, and otherwise waits at the head of the queue until what is on air ends.
RANK_EMERGENCY = 0  # khẩn cấp: cuts into anything
RANK_LIVE = 1  # phát trực tiếp: cuts into ordinary and ưu tiên items and test tones, never into an emergency
RANK_TONE = 2  # a speaker's test tone: cuts into planned items only
RANK_PLANNED = 3  # everything enqueued for its instant


class Sink(Protocol):
    def write(self, block: np.ndarray) -> None: ...


class Source(Protocol):
    def read(self, count: int) -> np.ndarray | None: ...
    def rewind(self) -> None: ...
    def close(self) -> None: ...


def _at(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _ignore(_at: datetime) -> None:
    pass


def _ignore_interruption(_at: datetime, _by_rank: int) -> None:
    pass


def _rank(item: PlayoutItem) -> int:
    return RANK_PLANNED if item.rank is None else item.rank


@dataclass
class PlayoutItem:
    """Audio to air in one zone; callbacks receive the real instants (UTC) of start, end or interruption."""

    title: str
    source: Source
    not_before: float = 0.0  # time.time() of the planned start; 0 means as soon as possible
    on_start: Callable[[datetime], None] = _ignore
    on_end: Callable[[datetime], None] = _ignore
    on_interrupt: Callable[[datetime, int], None] = _ignore_interruption  # (when, rank of the item cutting in)
    exempt_from_ceiling: bool = False  # emergencies are heard at full volume whatever the hour
    rank: int | None = None  # None: RANK_PLANNED when enqueued, RANK_EMERGENCY when it preempts
    started: bool = field(default=False, repr=False)


class ZonePlayout:
    """The clock of one zone: a thread that writes a block every BLOCK_S to each sink."""

    def __init__(
        self, slug: str, sample_rate: int, sinks: list[Sink], resume_interrupted: bool = True,
        gain_at: Callable[[float], float] = lambda _timestamp: 1.0,
    ) -> None:  # fmt: skip
        self.slug = slug
        self.gain_at = gain_at
        self.sample_rate = sample_rate
        self.sinks = sinks
        self.resume_interrupted = resume_interrupted
        self._block = int(sample_rate * BLOCK_S)
        # (class, not_before, order, item): class 0 cut-ins, 1 interrupted items (last interrupted first), 2 planned
        self._queue: list[tuple[int, float, int, PlayoutItem]] = []
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._current: PlayoutItem | None = None
        self._cut_ins: list[PlayoutItem] = []
        self._lateness = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"playout-{slug}", daemon=True)

    @property
    def on_air(self) -> str | None:
        current = self._current
        return current.title if current else None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def enqueue(self, item: PlayoutItem) -> None:
        """Play `item` at its `not_before` instant, or after whatever is playing or due before it."""
        if item.rank is None:
            item.rank = RANK_PLANNED
        with self._lock:
            heapq.heappush(self._queue, (_PLANNED, item.not_before, next(self._order), item))

    def preempt(self, item: PlayoutItem) -> None:
        """Cut in at the next block (emergencies, live); the clock thread interrupts what is playing if it is of
        a weaker rank (see RANK_*), else the item waits first in line."""
        if item.rank is None:
            item.rank = RANK_EMERGENCY
        with self._lock:
            self._cut_ins.append(item)

    def _apply_cut_ins(self, at: float) -> None:
        """Runs on the clock thread: the interrupted item goes back to the head of the queue, to be
        resumed where it stopped or restarted from the beginning, as the station is configured."""
        with self._lock:
            cut_ins, self._cut_ins = self._cut_ins, []
            if not cut_ins:
                return
            for item in cut_ins:  # ahead of everything, the strongest first, then in the order they came
                heapq.heappush(self._queue, (_CUT_IN, float(_rank(item)), next(self._order), item))
            interrupted = self._current
            strongest = min(_rank(item) for item in cut_ins)
            if interrupted is not None and strongest < _rank(interrupted):
                if interrupted.started:
                    self._report(lambda moment: interrupted.on_interrupt(moment, strongest), at)
                    if not self.resume_interrupted:
                        interrupted.source.rewind()
                    interrupted.started = False
                heapq.heappush(self._queue, (_INTERRUPTED, 0.0, -next(self._order), interrupted))
                self._current = None

    def _report(self, callback: Callable[[datetime], None], at: float) -> None:
        """Tell the item's owner when something happened; `at` is where the sample sits in the stream,
        plus how late this block is being handed to the sinks (the honest moment it went out)."""
        try:
            callback(_at(at + self._lateness))
        except Exception:  # a failing report must never stop the clock
            log.exception("zone %s: playout callback failed", self.slug)

    def _take_due(self, block_end: float) -> PlayoutItem | None:
        with self._lock:
            if self._queue and (self._queue[0][0] != _PLANNED or self._queue[0][1] < block_end):
                return heapq.heappop(self._queue)[3]
        return None

    def _fill(self, block_start: float) -> np.ndarray:
        """One block of samples beginning at wall-clock `block_start`: items where due, silence elsewhere."""
        self._apply_cut_ins(block_start)
        out = np.zeros(self._block, dtype=np.int16)
        filled = 0
        while filled < self._block:
            at = block_start + filled / self.sample_rate
            if self._current is None:
                self._current = self._take_due(block_start + BLOCK_S)
                if self._current is None:
                    break
                lead = int(round((self._current.not_before - at) * self.sample_rate))
                filled += min(max(lead, 0), self._block - filled)
                at = block_start + filled / self.sample_rate
            item = self._current
            if not item.started:
                item.started = True
                self._report(item.on_start, at)
            try:
                samples = item.source.read(self._block - filled)
            except Exception:  # a broken source ends its item; it must not stop the clock of the village
                log.exception("zone %s: source of %r failed", self.slug, item.title)
                samples = None
            if samples is None or len(samples) == 0:
                item.source.close()
                self._report(item.on_end, at)
                self._current = None
                continue
            gain = 1.0 if item.exempt_from_ceiling else self.gain_at(at)
            out[filled : filled + len(samples)] = samples if gain >= 1.0 else (samples * gain).astype(np.int16)
            filled += len(samples)
        return out

    def _run(self) -> None:
        deadline = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            self._lateness = max(0.0, now - deadline)
            # planned instants are wall-clock; re-reading the offset each block follows clock steps
            block = self._fill(deadline + time.time() - now)
            for sink in self.sinks:
                try:
                    sink.write(block)
                except Exception:  # one broken sink must not silence the others
                    log.exception("zone %s: sink %r failed", self.slug, sink)
            deadline += BLOCK_S
            delay = deadline - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -_RESYNC_AFTER_S:
                log.warning("zone %s: playout clock %.1f s behind, resynchronising", self.slug, -delay)
                deadline = time.monotonic()
