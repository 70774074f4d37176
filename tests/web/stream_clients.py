"""Stream clients for tests and the fan-out bench: decode MP3 or Ogg/Opus, and a player that asks for ICY titles."""

from __future__ import annotations

import subprocess
import threading
import time

import httpx
import imageio_ffmpeg
import numpy as np

from tests.audio_checks import RATE


def decode(data: bytes, fmt: str, rate: int = RATE) -> np.ndarray:
    """Mono float samples of an MP3 or Ogg byte stream, as a player joining it would hear them."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", fmt, "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
        input=data, capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.float64) / 32768


def parse_icy(raw: bytes, metaint: int) -> tuple[bytes, list[tuple[int, str]]]:
    """Split an ICY stream into its audio bytes and the titles announced, each with the audio offset it came at."""
    audio = bytearray()
    titles: list[tuple[int, str]] = []
    position = 0
    while position + metaint < len(raw):
        audio += raw[position : position + metaint]
        length = raw[position + metaint] * 16
        block = raw[position + metaint + 1 : position + metaint + 1 + length]
        if len(block) < length:
            break
        if length:
            text = block.rstrip(b"\0").decode()
            assert text.startswith("StreamTitle='") and text.endswith("';"), text
            titles.append((len(audio), text[len("StreamTitle='") : -2]))
        position += metaint + 1 + length
    return bytes(audio), titles


class Player(threading.Thread):
    """Plays a live stream over HTTP like VLC would (optionally asking for ICY titles) and keeps the bytes."""

    def __init__(self, url: str, icy: bool = False, user_agent: str = "VLC/3.0.20 LibVLC/3.0.20") -> None:
        super().__init__(daemon=True)
        self.url = url
        self.request_headers = {"User-Agent": user_agent, **({"Icy-MetaData": "1"} if icy else {})}
        self.raw = bytearray()
        self.status = 0
        self.headers: httpx.Headers | None = None
        self.connected_at = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            with httpx.stream("GET", self.url, headers=self.request_headers, timeout=30) as response:
                self.status, self.headers, self.connected_at = response.status_code, response.headers, time.time()
                for chunk in response.iter_bytes():
                    self.raw.extend(chunk)
                    if self.stop.is_set():
                        break
        except httpx.TransportError:
            pass

    def finish(self) -> None:
        self.stop.set()
        self.join(10)
