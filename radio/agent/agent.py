"""`radio speaker`: wires the cache, the player and the link together and runs them until refused."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from radio.agent.cache import AudioCache, CacheError
from radio.agent.clock import ClockOffset
from radio.agent.link import Link, Refused, RestartRequested
from radio.agent.live_frames import LiveFrame
from radio.agent.player import Player
from radio.agent.problems import AUDIO_NOT_CACHED, Problems, WatchedSink
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import open_sink
from radio.agent.tasks import run_until_one_fails

log = logging.getLogger(__name__)

ARM_TICK_S = 0.1
PREFETCH_RETRY_S = 2.0
EXIT_RESTART = 75  # after a restart asked from the office (EX_TEMPFAIL): the supervisor (systemd) starts it again


@dataclass(frozen=True)
class AgentOptions:
    server: str  # http(s)://host:port of the station
    token: str
    cache_dir: Path
    sink: str = "sounddevice"
    sample_rate: int = 44100
    volume: int = 100
    heartbeat_s: float = 5.0
    max_backoff_s: float = 30.0

    def check(self) -> None:
        """ValueError naming the bad option, before anything is opened."""
        parts = urlsplit(self.server)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--server must be an http:// or https:// URL, got {self.server!r}")
        if not self.token.strip():
            raise ValueError("--token is empty")
        if not 0 <= self.volume <= 100:
            raise ValueError(f"--volume must be 0 to 100, got {self.volume}")
        if not 8000 <= self.sample_rate <= 192000:
            raise ValueError(f"--sample-rate must be 8000 to 192000, got {self.sample_rate}")
        if self.heartbeat_s <= 0 or self.max_backoff_s < 1:
            raise ValueError("--heartbeat-s must be positive and --max-backoff-s at least 1")

    @property
    def websocket_url(self) -> str:
        parts = urlsplit(self.server)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/agents/ws", "", ""))


class _Stopping(Exception):
    """SIGTERM (systemd stop, `kill`) or Ctrl+C: close everything as after a restart, then return."""


async def run_agent(options: AgentOptions) -> None:
    """Play the village's schedule until the station refuses this speaker (raises Refused), a restart is asked
    (raises RestartRequested), or SIGTERM or SIGINT (returns, after closing cleanly)."""
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    cache = AudioCache(options.cache_dir / "audio", options.sample_rate)
    receipts = ReceiptQueue(options.cache_dir / "receipts.sqlite")
    clock = ClockOffset()
    problems = Problems()
    loop = asyncio.get_running_loop()
    wake_prefetch = asyncio.Event()
    player = Player(
        cache, receipts, clock, WatchedSink(open_sink(options.sink, options.sample_rate), problems), options.volume,
        options.cache_dir / "schedule.json", on_receipt=lambda: loop.call_soon_threadsafe(link.receipt_waiting.set),
        control_path=options.cache_dir / "control.json",
    )  # fmt: skip

    def on_schedule(items: list[dict[str, Any]]) -> None:
        player.replace_schedule(items)
        wake_prefetch.set()

    def ack(message: dict[str, Any], outcome: str, detail: str = "", at: datetime | None = None) -> None:
        """Tell the office what became of a one-off command (stations before acknowledgements send no id)."""
        if message.get("id") is not None:
            instant = (at or datetime.fromtimestamp(time.time() + clock.offset, UTC)).isoformat()
            link.send_soon({"type": "command_ack", "id": message["id"], "command": message["command"],
                            "outcome": outcome, "detail": detail, "at": instant})  # fmt: skip

    def on_control(message: dict[str, Any]) -> None:
        """Volume and mute (a desired state, sent on every connection) or a one-off command from the office."""
        if message["type"] == "control":
            player.set_control(message.get("volume"), message.get("muted"))
        elif message["command"] == "test_tone":
            refused = player.test_tone(on_played=lambda at: ack(message, "played", at=at))
            if refused:  # not a fault of the box: the office reads why in the acknowledgement
                ack(message, "refused", refused)
        elif message["command"] == "restart":
            log.warning("restart asked from the station: closing, then exiting with status %d", EXIT_RESTART)
            ack(message, "restarting")
            raise RestartRequested
        else:
            raise ValueError(f"unknown command {message['command']!r}")

    def on_live(message: bytes | dict[str, Any]) -> None:
        if isinstance(message, bytes):
            player.live_frame(LiveFrame.unpack(message))
        else:
            player.live_end(int(message["broadcast_id"]))

    def heartbeat() -> dict[str, Any]:
        best = clock.best
        return {
            "volume": player.volume, "muted": player.muted, "cache_bytes": cache.size_bytes(),
            "clock_offset_ms": round(best.offset * 1000, 2) if best else None,
        }  # fmt: skip

    link = Link(
        options.websocket_url, options.token, clock, receipts, on_schedule, heartbeat, options.heartbeat_s,
        options.max_backoff_s, on_control, on_live, problems,
    )  # fmt: skip
    log.info(
        "speaker agent for %s: %d airings planned and %d receipts waiting on disk", options.server,
        len(player.schedule), len(receipts.pending()),
    )  # fmt: skip
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stop_on, signum, stop)
    player.start()
    try:
        await run_until_one_fails(
            [link.run_forever(), _arm_forever(player), _prefetch_forever(options, player, cache, problems,
             wake_prefetch), _until(stop)]
        )  # fmt: skip
    except _Stopping:
        pass
    finally:
        player.stop()
        receipts.close()
        log.info("stopped")


def _stop_on(signum: int, stop: asyncio.Event) -> None:
    log.info("stopping (%s)", signal.Signals(signum).name)
    stop.set()


async def _until(stop: asyncio.Event) -> None:
    await stop.wait()
    raise _Stopping


async def _arm_forever(player: Player) -> None:
    while True:
        player.arm_due()
        await asyncio.sleep(ARM_TICK_S)


async def _prefetch_forever(
    options: AgentOptions, player: Player, cache: AudioCache, problems: Problems, wake: asyncio.Event
) -> None:
    """Fetch every scheduled file not yet cached; retried while the station is unreachable."""
    headers = {"Authorization": f"Bearer {options.token}"}
    async with httpx.AsyncClient(base_url=options.server, headers=headers, timeout=60) as http:
        while True:
            wake.clear()
            for sha256 in player.missing_audio():
                try:
                    response = await http.get(f"/agents/audio/{sha256}")
                    if response.status_code == 401:
                        raise Refused(response.json().get("detail", "HTTP 401"))
                    response.raise_for_status()
                    await asyncio.to_thread(cache.store, sha256, response.content)
                    log.info("cached audio %s (%d bytes)", sha256[:12], len(response.content))
                except (httpx.HTTPError, CacheError, ValueError) as error:
                    problems.report(AUDIO_NOT_CACHED, f"{AUDIO_NOT_CACHED}: {sha256[:12]}: {error}")
                    log.warning("audio %s not cached: %s", sha256[:12], error)
            if not player.missing_audio():  # everything planned is on disk: whatever failed before is over
                problems.clear(AUDIO_NOT_CACHED)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=PREFETCH_RETRY_S)
