"""An officer going live, as the browser does it, from Python: PCM fed in real time to an Opus encoder that
writes WebM in 100 ms clusters (as MediaRecorder with a 100 ms timeslice), each piece sent over /live/ws."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
from typing import Any

import httpx
import imageio_ffmpeg
import numpy as np
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.conftest import LiveServer

RATE = 48000  # what a browser's microphone gives
PIECE_S = 0.02


def tone(seconds: float, hz: float = 1000.0, peak: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * hz * t) * peak * 32767).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def open_socket(server: LiveServer, client: httpx.Client) -> ClientConnection:
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    url = server.url.replace("http://", "ws://") + "/live/ws"
    return connect(url, additional_headers={"Cookie": cookie, "Origin": server.url}, open_timeout=10)


class Microphone:
    def __init__(self, server: LiveServer, client: httpx.Client, zones: list[str]) -> None:
        self.socket = open_socket(server, client)
        self.socket.send(json.dumps({"type": "start", "zones": zones, "csrf_token": client.headers["X-CSRF-Token"]}))
        self.answer: dict[str, Any] = json.loads(self.socket.recv(timeout=15))
        self._encoder = subprocess.Popen(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(RATE),
             "-ac", "1", "-i", "pipe:0", "-c:a", "libopus", "-b:a", "32k", "-application", "lowdelay",
             "-frame_duration", "20", "-f", "webm", "-live", "1", "-cluster_time_limit", "100", "-flush_packets", "1",
             "pipe:1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        self._sender = threading.Thread(target=self._send, daemon=True)
        self._sender.start()

    def _send(self) -> None:
        assert self._encoder.stdout
        with contextlib.suppress(ConnectionClosed):  # hung up
            while chunk := self._encoder.stdout.read1(65536):
                self.socket.send(chunk)

    def speak(self, pcm: np.ndarray) -> float:
        """Feed the samples at real-time pace; returns the instant the first of them went into the encoder."""
        assert self._encoder.stdin
        size = int(PIECE_S * RATE)
        began = time.time()
        for index, start in enumerate(range(0, len(pcm), size)):
            delay = began + index * PIECE_S - time.time()
            if delay > 0:
                time.sleep(delay)
            self._encoder.stdin.write(pcm[start : start + size].astype("<i2").tobytes())
            self._encoder.stdin.flush()
        return began

    def stop(self) -> dict[str, Any]:
        """Press Kết thúc: the last pieces go out, then "stop"; returns the station's answer."""
        assert self._encoder.stdin
        self._encoder.stdin.close()
        self._encoder.wait(timeout=10)
        self._sender.join(timeout=10)
        self.socket.send(json.dumps({"type": "stop"}))
        answer = json.loads(self.socket.recv(timeout=30))
        self.socket.close()
        return answer

    def hang_up(self) -> None:
        """The browser tab closes mid-sentence."""
        self._encoder.kill()
        self._encoder.wait(timeout=10)
        self.socket.close()
