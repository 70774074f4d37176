"""The village stream: PCM in, a decodable MP3 out, the same bytes for every listener."""

from __future__ import annotations

import asyncio
import subprocess

import imageio_ffmpeg
import numpy as np

from radio.zone_stream import ZoneStream

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
