"""Volume ceilings per time window ("22:00-05:00=50, 05:00-06:00=70": at most 50 % and 70 % loudness
gain in those hours), applied by the playout to everything but emergencies.

Written by hand: it is a two-line rule format of this product, not something a library covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


class VolumeRuleError(ValueError):
    """The text cannot be read; the message is Vietnamese, for the form."""


@dataclass(frozen=True)
class VolumeCeiling:
    start: time
    end: time
    percent: int

    def covers(self, moment: time) -> bool:
        """Whether the window holds `moment`; equal start and end mean the whole day."""
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # across midnight


def parse_volume_limits(text: str) -> list[VolumeCeiling]:
    ceilings = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        try:
            window, percent = part.split("=")
            start, end = (time.fromisoformat(t.strip()) for t in window.split("-"))
            value = int(percent.strip().rstrip("%"))
        except ValueError as error:
            raise VolumeRuleError(f"Không đọc được “{part}”: hãy viết dạng 22:00-05:00=50.") from error
        if not 0 <= value <= 100:
            raise VolumeRuleError(f"Mức âm lượng trong “{part}” phải từ 0 đến 100 (%).")
        ceilings.append(VolumeCeiling(start, end, value))
    return ceilings


class VolumeLimits:
    """The gain (0-1) allowed at a wall-clock instant in a village's timezone."""

    def __init__(self, ceilings: list[VolumeCeiling], tz: ZoneInfo) -> None:
        self.ceilings = ceilings
        self.tz = tz

    def gain_at(self, timestamp: float) -> float:
        if not self.ceilings:
            return 1.0
        moment = datetime.fromtimestamp(timestamp, self.tz).time()
        return min((c.percent / 100 for c in self.ceilings if c.covers(moment)), default=1.0)
