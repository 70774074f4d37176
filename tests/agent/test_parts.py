"""The agent's parts on their own: clock estimate, receipt queue, cache check, options and sinks."""

from __future__ import annotations

import hashlib
import random
import wave
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile

from radio.agent.agent import AgentOptions
from radio.agent.cache import AudioCache, CacheError
from radio.agent.clock import ClockOffset
from radio.agent.link import reconnect_delay
from radio.agent.problems import AUDIO_NOT_CACHED, SOUND_DEVICE, Problems, WatchedSink
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import FileSink, open_sink, read_file_sink, sound_starts


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
    sink = FileSink(tmp_path / "out.wav", 1000)
    silence, sound = np.zeros(1000, dtype=np.int16), np.zeros(1000, dtype=np.int16)
    sound[250:] = 1000
    for block in (silence, sound, silence[:100], sound, *[silence] * 3, sound):
        sink.write(block)
        clock[0] += len(block) / 1000
    sink.close()
    # two items: the 0.35 s without sound inside the first is not a new start
    assert sound_starts(tmp_path / "out.wav", 1000) == pytest.approx([1.25, 6.35])


def test_file_sink_is_a_wav_with_its_silence_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    sound = np.full(500, 1000, dtype=np.int16)
    first = FileSink(path, 8000)
    for block in (np.zeros(400, dtype=np.int16), sound, np.zeros(400, dtype=np.int16)):
        first.write(block)
    # killed (no close): the header is already right, and a half-written .times line is dropped on reopening
    with path.with_name("out.wav.times").open("a") as times:
        times.write("1712345678.5 13")
    second = FileSink(path, 8000)  # the agent restarted: it appends
    second.write(sound)
    second.close()

    with wave.open(str(path)) as reader:  # what players read: every sample, silence included
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 8000)
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    assert len(samples) == 1800 and (samples[400:900] == 1000).all() and not samples[900:1300].any()
    decoded, rate = soundfile.read(path, dtype="int16")
    assert rate == 8000 and np.array_equal(decoded, samples)
    blocks = list(read_file_sink(path))  # the timed view: sounding blocks only, each where it sits in the WAV
    assert [len(samples) for _, samples in blocks] == [500, 500] and all((s == 1000).all() for _, s in blocks)
    assert blocks[0][0] <= blocks[1][0]
    with pytest.raises(ValueError, match="not a mono 16-bit WAV at 22050 Hz"):
        open_sink(f"file:{path}", 22050)  # another rate: refused, never overwritten
    assert path.stat().st_size == 44 + 2 * 1800


def test_reconnection_waits_stay_within_the_maximum() -> None:
    assert reconnect_delay(30.0, 30.0, uniform=lambda _low, high: high) == 30.0  # jitter capped, not 36 s
    assert reconnect_delay(16.0, 30.0, uniform=lambda _low, high: high) == pytest.approx(19.2)
    assert reconnect_delay(1.0, 30.0, uniform=lambda low, _high: low) == pytest.approx(0.8)
    backoff, delays = 1.0, []
    for _ in range(200):  # the agent's sequence of waits with the real jitter
        delays.append(reconnect_delay(backoff, 30.0, random.Random(len(delays)).uniform))
        backoff = min(backoff * 2, 30.0)
    assert max(delays) <= 30.0 and min(delays[10:]) >= 24.0


class _UnpluggedDevice:
    """Hardware stand-in: a USB sound card pulled out, then plugged back."""

    def __init__(self) -> None:
        self.plugged = False

    def write(self, block: np.ndarray) -> None:
        if not self.plugged:
            raise OSError("Error opening OutputStream: Device unavailable [PaErrorCode -9985]")

    def close(self) -> None:
        pass


def test_problems_are_reported_until_they_are_over() -> None:
    problems = Problems()
    device = _UnpluggedDevice()
    sink = WatchedSink(device, problems)
    problems.report(AUDIO_NOT_CACHED, f"{AUDIO_NOT_CACHED}: 0123456789ab: HTTP 404")
    sink.write(np.zeros(10, dtype=np.int16))
    assert problems.latest.startswith(f"{SOUND_DEVICE}: Error opening OutputStream")  # the newest first
    device.plugged = True
    sink.write(np.zeros(10, dtype=np.int16))
    assert problems.latest.startswith(AUDIO_NOT_CACHED)
    problems.clear(AUDIO_NOT_CACHED)
    assert problems.latest == ""
