"""The village stream: PCM in, a decodable MP3 out, the same bytes for every listener."""

from __future__ import annotations

import asyncio
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from radio.zone_stream import MP3, Fanout, ListenerTooSlow, ZoneStream
from tests.audio_checks import window_rms_db
from tests.web.stream_clients import decode

RATE = 22050


def decode_mp3(data: bytes) -> np.ndarray:
    result = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-loglevel",
            "error",
            "-f",
            "mp3",
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "pipe:1",
        ],
        input=data,
        capture_output=True,
        check=True,
    )
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.float64)


async def _listen(stream: ZoneStream, tone: np.ndarray) -> list[bytes]:
    async def collect() -> bytes:
        received = b""
        async for chunk in stream.listen():
            received += chunk
        return received

    listeners = [asyncio.create_task(collect()) for _ in range(3)]
    await asyncio.sleep(0.2)
    loop = asyncio.get_running_loop()
    for start in range(0, len(tone), RATE // 10):
        await loop.run_in_executor(None, stream.write, tone[start : start + RATE // 10])
    await loop.run_in_executor(None, stream.close)
    return await asyncio.gather(*listeners)


def test_one_encoder_feeds_every_listener_a_decodable_stream() -> None:
    stream = ZoneStream("thon-dong", "Thôn Đông", RATE, "64k")
    seconds = np.arange(RATE * 2) / RATE
    tone = (np.sin(2 * np.pi * 440 * seconds) * 16000).astype(np.int16)
    received = asyncio.run(_listen(stream, tone))
    assert received[0] == received[1] == received[2]
    decoded = decode_mp3(received[0])
    assert abs(len(decoded) / RATE - 2.0) < 0.2
    spectrum = np.abs(np.fft.rfft(decoded))
    peak_hz = np.argmax(spectrum) * RATE / len(decoded)
    assert abs(peak_hz - 440) < 5
    assert np.sqrt(np.mean(decoded**2)) > 8000
    assert stream.listener_count == 0


def _tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * hz * t) * 16000).astype(np.int16)


async def _join_late(stream: ZoneStream) -> dict[str, bytes]:
    """Encode 1 s of silence first, then join one listener per format, then a tone and silence."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, stream.write, np.zeros(RATE, dtype=np.int16))
    for _ in range(100):  # until both encoders have sent audio (Ogg: its header pages are long gone)
        if all(fanout.position > 0 for fanout in stream.fanouts.values()):
            break
        await asyncio.sleep(0.05)

    async def collect(fmt: str) -> bytes:
        return b"".join([chunk async for chunk in stream.listen(fmt)])

    listeners = {fmt: asyncio.create_task(collect(fmt)) for fmt in ("mp3", "ogg")}
    await asyncio.sleep(0.1)
    for block in (_tone(1.0), np.zeros(RATE, dtype=np.int16)):
        await loop.run_in_executor(None, stream.write, block)
    await loop.run_in_executor(None, stream.close)
    return {fmt: await task for fmt, task in listeners.items()}


def test_late_joiners_of_both_formats_decode_tone_then_silence() -> None:
    stream = ZoneStream("thon-dong", "Thôn Đông", RATE, "64k")
    received = asyncio.run(_join_late(stream))
    assert received["ogg"].startswith(b"OggS") and b"OpusHead" in received["ogg"][:200]  # headers replayed
    for fmt, data in received.items():
        samples = decode(data, fmt, RATE)
        levels = window_rms_db(samples)
        loud = np.flatnonzero(levels > -20)
        assert 0.8 < len(loud) * 0.1 < 1.3, f"{fmt}: {len(loud) * 0.1} s of tone"
        assert levels[loud[-1] + 3 :].max() < -60, f"{fmt}: no silence after the tone"
        tone = samples[int(loud[0] * 0.1 * RATE) : int((loud[-1] + 1) * 0.1 * RATE)]
        peak_hz = np.argmax(np.abs(np.fft.rfft(tone))) * RATE / len(tone)
        assert abs(peak_hz - 440) < 5, fmt


def test_a_listener_that_stops_reading_is_dropped_not_waited_for() -> None:
    fanout = Fanout(MP3, backlog_bytes=1000)

    async def scenario() -> bytes:
        listener = fanout.listen()
        waiting = asyncio.ensure_future(anext(listener))
        await asyncio.sleep(0.01)  # joined: it hears what is encoded from now on
        fanout.append(b"a" * 100)
        first = await waiting
        for _ in range(30):  # the encoder goes on; this listener does not read
            fanout.append(b"b" * 100)
        with pytest.raises(ListenerTooSlow):
            await anext(listener)
        return first

    assert asyncio.run(scenario()) == b"a" * 100
    assert fanout.listener_count == 0
