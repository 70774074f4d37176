"""Live audio's parts without a clock thread: who may cut into whom, the timed source, the frames on the wire."""

from __future__ import annotations

import numpy as np

from radio.agent.live_frames import LiveFrame
from radio.live import LIVE_DELAY_S, LiveTimeline
from radio.playout import RANK_LIVE, PlayoutItem, ZonePlayout
from radio.sources import ArraySource, TimedSource

RATE = 1000


def _item(title: str, rank: int | None = None, seconds: float = 10.0) -> PlayoutItem:
    return PlayoutItem(title=title, source=ArraySource(np.ones(int(seconds * RATE), dtype=np.int16)), rank=rank)


def test_live_cuts_into_ordinary_items_but_never_into_an_emergency() -> None:
    playout = ZonePlayout("thon-dong", RATE, [])
    playout.enqueue(_item("bản tin"))
    playout._fill(100.0)
    assert playout.on_air == "bản tin"
    playout.preempt(_item("trực tiếp", RANK_LIVE))
    playout._fill(100.05)
    assert playout.on_air == "trực tiếp"  # the bulletin waits, to resume afterwards
    playout.preempt(_item("khẩn cấp", seconds=1.0))
    playout._fill(100.1)
    assert playout.on_air == "khẩn cấp"
    playout.preempt(_item("trực tiếp khác", RANK_LIVE))
    playout._fill(100.15)
    assert playout.on_air == "khẩn cấp"  # live waits for the emergency to end
    titles = []
    for block in range(4, 600):
        playout._fill(100 + block * 0.05)
        if not titles or titles[-1] != playout.on_air:
            titles.append(playout.on_air)
    # after the emergency: the newer live, then the interrupted live resumes, then the bulletin where it stopped
    assert titles[:4] == ["khẩn cấp", "trực tiếp khác", "trực tiếp", "bản tin"]


def test_timed_source_plays_each_sample_at_its_instant() -> None:
    now = [50.0]
    source = TimedSource(RATE, clock=lambda: now[0])
    source.push(50.5, np.full(300, 1, dtype=np.int16))
    source.push(50.8 + 0.004, np.full(200, 2, dtype=np.int16))  # within 20 ms: joined to the first, no gap
    source.push(49.0, np.full(100, 9, dtype=np.int16))  # arrived too late: never played
    blocks = []
    for _ in range(12):  # the playout reads in real time
        blocks.append(source.read(100))
        now[0] += 0.1
    out = np.concatenate(blocks)
    assert (out[:500] == 0).all() and (out[500:800] == 1).all() and (out[800:1000] == 2).all()
    assert not (out == 9).any()
    source.end()
    now[0] = 60.0  # the cursor resynchronises to the clock after a long interruption
    assert source.read(100) is None


def test_timeline_and_frames() -> None:
    now = [10.0]
    timeline = LiveTimeline(clock=lambda: now[0])
    assert timeline.place(1600) == 10.0 + LIVE_DELAY_S
    now[0] = 10.1
    assert timeline.place(1600) == 10.1 + LIVE_DELAY_S  # back to back with the first (1600 samples = 0.1 s)
    now[0] = 20.0  # the browser stalled: the line starts again a fixed delay after the next chunk
    assert timeline.place(1600) == 20.0 + LIVE_DELAY_S
    frame = LiveFrame(7, 123.25, 16000, np.arange(-5, 5, dtype=np.int16))
    again = LiveFrame.unpack(frame.pack())
    assert (again.broadcast_id, again.play_at, again.sample_rate) == (7, 123.25, 16000)
    assert (again.samples == frame.samples).all()
