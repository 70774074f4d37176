"""The agent's parts on their own: clock estimate, receipt queue, cache check, options and sinks."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from radio.agent.agent import AgentOptions
from radio.agent.cache import AudioCache, CacheError
from radio.agent.clock import ClockOffset
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import FileSink, open_sink, sound_starts


def test_clock_keeps_the_sample_with_the_shortest_round_trip() -> None:
    clock = ClockOffset()
    assert clock.offset == 0.0  # no sample yet: trust the box's own clock
    clock.add(t0=100.0, t1=105.300, t2=105.300, t3=100.400)  # queued on the way out: 0.4 s round trip
    clock.add(t0=101.0, t1=106.011, t2=106.012, t3=101.022)  # 21 ms round trip, 1 ms at the station
    assert clock.best is not None and clock.best.delay == pytest.approx(0.021)
    assert clock.offset == pytest.approx(5.0005)


def test_receipt_queue_resends_only_what_the_station_has_not_acknowledged(tmp_path: Path) -> None:
    queue = ReceiptQueue(tmp_path / "receipts.sqlite")
    queue.put({"broadcast_id": 7, "outcome": "started"})
    ((key, receipt),) = queue.pending()
    queue.put({"broadcast_id": 7, "outcome": "ended"})  # ended before the first acknowledgement came back
    queue.ack(key)
    ((newer_key, newer),) = queue.pending()
    assert receipt["outcome"] == "started" and newer["outcome"] == "ended" and newer_key != key
    queue.ack(newer_key)
    queue.ack(key)  # a late duplicate acknowledgement changes nothing
    assert queue.pending() == []
    queue.close()
    assert ReceiptQueue(tmp_path / "receipts.sqlite").played() == {7}  # survives a restart of the agent


def test_cache_refuses_audio_whose_bytes_do_not_match_their_sha256(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path, 22050)
    with pytest.raises(CacheError, match="not cached"):
        cache.store(hashlib.sha256(b"the real file").hexdigest(), b"something else")
    assert cache.size_bytes() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"server": "127.0.0.1:8000"}, "--server must be an http"),
        ({"token": " "}, "--token is empty"),
        ({"volume": 120}, "--volume must be 0 to 100"),
    ],
)
def test_bad_options_are_named(options: dict[str, object], message: str) -> None:
    base = {"server": "http://127.0.0.1:8000", "token": "abc", "cache_dir": Path("cache")}
    with pytest.raises(ValueError, match=message):
        AgentOptions(**{**base, **options}).check()  # type: ignore[arg-type]


def test_unknown_sink_is_named() -> None:
    with pytest.raises(ValueError, match="unknown sink 'speaker'"):
        open_sink("speaker", 22050)


def test_file_sink_records_when_sound_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]  # wall-clock seconds, advanced as a real-time playout would hand blocks over
    monkeypatch.setattr("radio.agent.sinks.time", SimpleNamespace(time=lambda: clock[0]))
    sink = FileSink(tmp_path / "out.pcm")
    silence, sound = np.zeros(1000, dtype=np.int16), np.zeros(1000, dtype=np.int16)
    sound[250:] = 1000
    for block in (silence, sound, silence[:100], sound, *[silence] * 3, sound):
        sink.write(block)
        clock[0] += len(block) / 1000
    sink.close()
    # two items: the 0.35 s without sound inside the first is not a new start
    assert sound_starts(tmp_path / "out.pcm", 1000) == pytest.approx([1.25, 6.35])
