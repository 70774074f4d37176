"""Playout: one real-time clock per zone that plays queued items (or silence) into the zone's sinks.

Sinks are anything with `write(int16 block)`: the zone's stream encoder, the local sound card.
The clock, not the sinks, sets the pace, so every sink of a zone hears the same sample at the
same instant and the moment an item really starts is known to within one block.
"""

from __future__ import annotations

import logging
import queue
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


class Sink(Protocol):
    def write(self, block: np.ndarray) -> None: ...


@dataclass
class PlayoutItem:
    """Audio to air in one zone, with callbacks that receive the real start and end instants."""

    title: str
    pcm: np.ndarray  # int16 mono at the zone's sample rate
    on_start: Callable[[datetime], None] = lambda _at: None
    on_end: Callable[[datetime], None] = lambda _at: None
    _offset: int = field(default=0, repr=False)


class ZonePlayout:
    """The clock of one zone: a thread that writes a block every BLOCK_S to each sink."""

    def __init__(self, slug: str, sample_rate: int, sinks: list[Sink]) -> None:
        self.slug = slug
        self.sample_rate = sample_rate
        self.sinks = sinks
        self._block = int(sample_rate * BLOCK_S)
        self._silence = np.zeros(self._block, dtype=np.int16)
        self._queue: queue.Queue[PlayoutItem] = queue.Queue()
        self._current: PlayoutItem | None = None
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
        self._queue.put(item)

    def _next_block(self) -> np.ndarray:
        if self._current is None:
            try:
                self._current = self._queue.get_nowait()
            except queue.Empty:
                return self._silence
            self._current.on_start(datetime.now(UTC))
        item = self._current
        block = item.pcm[item._offset : item._offset + self._block]
        item._offset += self._block
        if item._offset >= len(item.pcm):
            self._current = None
            # the last block is still being written: its end is one block from now
            item.on_end(datetime.fromtimestamp(time.time() + len(block) / self.sample_rate, UTC))
            if len(block) < self._block:
                block = np.concatenate([block, self._silence[: self._block - len(block)]])
        return block

    def _run(self) -> None:
        deadline = time.monotonic()
        while not self._stop.is_set():
            block = self._next_block()
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
