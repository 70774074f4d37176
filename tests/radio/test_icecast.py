"""Pushing village streams to a real Icecast 2 (Debian's icecast2 on loopback): both formats come back out of
Icecast as decodable audio, a wrong password is refused, and a push comes back by itself after Icecast restarts."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from radio.config import Settings
from radio.icecast import IcecastRefused, IcecastSource, icecast_sources
from radio.zone_stream import ZoneStream
from tests.audio_checks import window_rms_db
from tests.conftest import start_server, stop_server
from tests.radio.icecast_server import Icecast, running_icecast
from tests.web.stream_clients import Player, decode

RATE = 22050
MOUNTS = {"/thon-dong.mp3", "/thon-dong.ogg"}


class Loop(threading.Thread):
    """An event loop of its own for the pushes, as the station's server loop would run them."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.loop = asyncio.new_event_loop()

    def run(self) -> None:
        self.loop.run_forever()

    def submit(self, coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]

    def close(self) -> None:
        """Cancel the pushes, wait for them to end, stop."""

        async def cancel_all() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_all(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.join(5)


@pytest.fixture
def stream() -> Iterator[ZoneStream]:
    zone = ZoneStream("thon-dong", "Thôn Đông", RATE, "64k")
    yield zone
    zone.close()


def _play(stream: ZoneStream, blocks: list[np.ndarray]) -> None:
    """Feed the encoder in real time, as the playout clock does, in 100 ms blocks."""
    for block in blocks:
        for start in range(0, len(block), RATE // 10):
            stream.write(block[start : start + RATE // 10])
            time.sleep(0.1)


def _push(icecast: Icecast, stream: ZoneStream, loop: Loop) -> None:
    settings = Settings(icecast_url=icecast.url, icecast_source_password=icecast.source_password)
    for source in icecast_sources(settings, {"thon-dong": stream}):
        loop.submit(source.run())


def test_both_formats_come_back_out_of_icecast(tmp_path: Path, stream: ZoneStream) -> None:
    tone = (np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE) * 16000).astype(np.int16)
    silence = np.zeros(RATE, dtype=np.int16)
    loop = Loop()
    loop.start()
    with running_icecast(tmp_path / "icecast") as icecast:
        _push(icecast, stream, loop)
        _play(stream, [silence[: RATE // 2]])
        icecast.wait_for_mounts(MOUNTS)
        players = {fmt: Player(f"{icecast.url}/thon-dong.{fmt}") for fmt in ("mp3", "ogg")}
        for player in players.values():
            player.start()
        _play(stream, [silence[: RATE // 2], tone, silence, silence])
        for player in players.values():
            player.finish()
    loop.close()
    for fmt, player in players.items():
        assert player.status == 200, fmt
        levels = window_rms_db(decode(bytes(player.raw), fmt, RATE), RATE)
        loud = np.flatnonzero(levels > -20)
        assert 0.8 < len(loud) * 0.1 < 1.3, f"{fmt}: {len(loud) * 0.1:.1f} s of tone through icecast"
        assert levels[: loud[0] - 2].max() < -60 and levels[loud[-1] + 3 :].max() < -60, fmt


def test_a_wrong_source_password_is_refused(tmp_path: Path, stream: ZoneStream) -> None:
    with running_icecast(tmp_path / "icecast") as icecast:
        source = IcecastSource(stream, "mp3", icecast.url, "sai-mat-khau", "/thon-dong.mp3")
        with pytest.raises(IcecastRefused, match="401"):
            asyncio.run(source.connect())
        assert not icecast.mounts()


def test_the_push_comes_back_after_icecast_restarts(tmp_path: Path, stream: ZoneStream) -> None:
    loop = Loop()
    loop.start()
    feeding = threading.Event()

    def feed() -> None:
        while not feeding.is_set():
            _play(stream, [np.zeros(RATE // 10, dtype=np.int16)])

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with running_icecast(tmp_path / "first") as icecast:
        _push(icecast, stream, loop)
        icecast.wait_for_mounts(MOUNTS)
        port = int(icecast.url.rsplit(":", 1)[1])
    with running_icecast(tmp_path / "second", port=port) as again:
        again.wait_for_mounts(MOUNTS, timeout=30)  # reconnected with backoff, nobody told it to
    feeding.set()
    loop.close()


def test_the_station_pushes_every_village_in_both_formats(tmp_path: Path) -> None:
    with running_icecast(tmp_path / "icecast") as icecast:
        server = start_server(tmp_path / "data", RADIO_ICECAST_URL=icecast.url,
                              RADIO_ICECAST_SOURCE_PASSWORD=icecast.source_password)  # fmt: skip
        try:
            slugs = [zone["slug"] for zone in server.client().get("/api/zones").json()]
            icecast.wait_for_mounts({f"/{slug}.{fmt}" for slug in slugs for fmt in ("mp3", "ogg")})
            player = Player(f"{icecast.url}/{slugs[0]}.ogg")
            player.start()
            time.sleep(2.0)
            player.finish()
            assert len(decode(bytes(player.raw), "ogg", RATE)) > RATE  # over a second of (silent) audio
        finally:
            stop_server(server)
