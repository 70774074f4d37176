"""Volume ceilings: parsed from the officer's text, applied by the playout clock, never to emergencies."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from radio.playout import PlayoutItem, ZonePlayout
from radio.sources import ArraySource
from radio.volume import VolumeLimits, VolumeRuleError, parse_volume_limits
from tests.radio.test_playout import RecordingSink

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int) -> float:
    return datetime(2026, 11, 24, hour, minute, tzinfo=HANOI).timestamp()


def test_parse_and_gain_by_hour_in_commune_time() -> None:
    limits = VolumeLimits(parse_volume_limits("22:00-05:00=50; 05:00-06:00 = 70%"), HANOI)
    assert limits.gain_at(at(4, 59)) == 0.5
    assert limits.gain_at(at(5, 30)) == 0.7
    assert limits.gain_at(at(12, 0)) == 1.0
    assert VolumeLimits(parse_volume_limits("00:00-00:00=40"), HANOI).gain_at(at(15, 0)) == 0.4  # all day
    assert VolumeLimits([], HANOI).gain_at(at(3, 0)) == 1.0


@pytest.mark.parametrize(("text", "words"), [("22h-5h=50", "22:00-05:00=50"), ("22:00-05:00=150", "từ 0 đến 100")])
def test_bad_rules_are_named(text: str, words: str) -> None:
    with pytest.raises(VolumeRuleError, match=words):
        parse_volume_limits(text)


def test_playout_scales_ordinary_items_but_not_emergencies() -> None:
    sink = RecordingSink()
    done = threading.Event()
    playout = ZonePlayout("thon-a", 8000, [sink], gain_at=lambda _ts: 0.5)
    tone = np.full(800, 10000, dtype=np.int16)
    playout.start()
    try:
        playout.enqueue(PlayoutItem("ordinary", ArraySource(tone.copy())))
        playout.enqueue(
            PlayoutItem("emergency", ArraySource(tone.copy()), time.time() + 0.3, exempt_from_ceiling=True,
                        on_end=lambda _at: done.set())
        )  # fmt: skip
        assert done.wait(5)
    finally:
        playout.stop()
    played = sink.samples()
    assert np.count_nonzero(played == 5000) == 800 and np.count_nonzero(played == 10000) == 800
