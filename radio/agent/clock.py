"""The agent's estimate of the station's clock, from NTP-style round trips over its WebSocket."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class ClockSample:
    offset: float  # station clock minus local clock, seconds
    delay: float  # round trip minus the station's own processing time


class ClockOffset:
    """Keeps the recent samples and trusts the one with the shortest round trip.

    A short round trip leaves little room for asymmetric queueing (the error of one sample is at most
    half its delay), so the best of several beats their average on a congested mobile link.
    """

    def __init__(self, keep: int = 16) -> None:
        self._samples: deque[ClockSample] = deque(maxlen=keep)

    def add(self, t0: float, t1: float, t2: float, t3: float) -> ClockSample:
        """t0 sent and t3 received on the local clock; t1 received and t2 sent on the station's."""
        sample = ClockSample(offset=((t1 - t0) + (t2 - t3)) / 2, delay=(t3 - t0) - (t2 - t1))
        self._samples.append(sample)
        return sample

    @property
    def best(self) -> ClockSample | None:
        return min(self._samples, key=lambda sample: sample.delay, default=None)

    @property
    def offset(self) -> float:
        """Seconds to add to the local clock to read the station's; 0 before any sample (trust local NTP)."""
        best = self.best
        return best.offset if best else 0.0
