"""The agent's connection to the station: one WebSocket, re-opened with exponential backoff when it drops.

Over it the agent learns its schedule, measures its clock offset, sends heartbeats, delivers the receipts
waiting on disk, receives the office's live audio (binary frames) and acknowledges remote commands. Nothing
here is needed for scheduled airtime: the player runs from the cache without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from radio.agent.clock import ClockOffset
from radio.agent.problems import CONTROL_NOT_APPLIED, Problems
from radio.agent.receipts import ReceiptQueue
from radio.agent.tasks import run_until_one_fails

log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008  # the station's close code for a wrong or revoked token
PING_BURST = 8  # round trips measured right after connecting, to have a good offset at once
PING_EVERY_S = 10.0


class Refused(Exception):
    """The station will not talk to this speaker (wrong or revoked token): retrying cannot help."""


class RestartRequested(Exception):
    """The office asked this box to restart: the agent closes cleanly and exits with EXIT_RESTART."""


def _no_control(_message: dict[str, Any]) -> None:
    log.warning("remote control not handled here")


def _no_live(_message: bytes | dict[str, Any]) -> None:
    log.warning("live audio not handled here")


def reconnect_delay(
    backoff: float, max_backoff_s: float, uniform: Callable[[float, float], float] = random.uniform
) -> float:
    """`backoff` ± 20 % (boxes of a village that lost the station together do not all call back at once),
    never more than `max_backoff_s`: the jitter is applied first, then capped."""
    return min(backoff * uniform(0.8, 1.2), max_backoff_s)


class Link:
    def __init__(
        self, url: str, token: str, clock: ClockOffset, receipts: ReceiptQueue,
        on_schedule: Callable[[list[dict[str, Any]]], None], heartbeat: Callable[[], dict[str, Any]],
        heartbeat_s: float, max_backoff_s: float, on_control: Callable[[dict[str, Any]], None] = _no_control,
        on_live: Callable[[bytes | dict[str, Any]], None] = _no_live, problems: Problems | None = None,
    ) -> None:  # fmt: skip
        self.url = url
        self.token = token
        self.clock = clock
        self.receipts = receipts
        self.on_schedule = on_schedule
        self.heartbeat = heartbeat
        self.heartbeat_s = heartbeat_s
        self.max_backoff_s = max_backoff_s
        self.on_control = on_control  # volume, mute and test tone from the office; may raise RestartRequested
        self.on_live = on_live  # a live frame (bytes) or the end of a live airing ({"type": "live_end"})
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=100)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.receipt_waiting = asyncio.Event()
        self.beat_now = asyncio.Event()  # a heartbeat at once, e.g. to confirm a new volume
        self.problems = problems or Problems()  # sent with every heartbeat

    async def run_forever(self) -> None:
        """Connect, serve, and on any failure wait (1 s doubling up to max_backoff_s, with jitter) and retry."""
        backoff = 1.0
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                async with connect(
                    self.url, additional_headers={"Authorization": f"Bearer {self.token}"}, open_timeout=10,
                    ping_interval=10, ping_timeout=10, close_timeout=2,
                ) as socket:  # fmt: skip
                    log.info("connected to %s", self.url)
                    backoff = 1.0
                    await self._serve(socket)
            except ConnectionClosed as closed:
                if closed.rcvd is not None and closed.rcvd.code == POLICY_VIOLATION:
                    raise Refused(closed.rcvd.reason) from None
                log.warning("connection lost: %s", closed)
            except InvalidStatus as error:
                if error.response.status_code in (401, 403):
                    raise Refused(f"HTTP {error.response.status_code}") from None
                log.warning("station answered %d", error.response.status_code)
            except (OSError, InvalidHandshake, TimeoutError) as error:
                log.warning("cannot reach the station: %s", error)
            delay = reconnect_delay(backoff, self.max_backoff_s)
            log.info("reconnecting in %.1f s", delay)
            await asyncio.sleep(delay)
            backoff = min(backoff * 2, self.max_backoff_s)

    def send_soon(self, message: dict[str, Any]) -> None:
        """Queue a message (a command acknowledgement) from any thread; sent while connected, dropped if the queue
        is full (the station then shows the command unconfirmed, which is the truth as it knows it)."""

        def put() -> None:
            with contextlib.suppress(asyncio.QueueFull):
                self._outbox.put_nowait(message)

        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop or self._loop is None:
            put()
        else:
            self._loop.call_soon_threadsafe(put)

    async def _serve(self, socket: ClientConnection) -> None:
        """Run the receiver and the periodic senders until one of them fails, then stop the others."""
        await run_until_one_fails(
            [self._receive(socket), self._ping(socket), self._beat(socket), self._deliver(socket), self._post(socket)]
        )

    async def _post(self, socket: ClientConnection) -> None:
        while True:
            message = await self._outbox.get()
            await socket.send(json.dumps(message))

    async def _flush_outbox(self, socket: ClientConnection) -> None:
        while not self._outbox.empty():
            await socket.send(json.dumps(self._outbox.get_nowait()))

    async def _receive(self, socket: ClientConnection) -> None:
        async for text in socket:
            received = time.time()
            if isinstance(text, bytes):
                self._live(text)
                continue
            message = json.loads(text)
            kind = message.get("type")
            if kind == "pong":
                self.clock.add(message["t0"], message["t1"], message["t2"], received)
            elif kind == "schedule":
                self.on_schedule(message["items"])
            elif kind == "receipt_ack":
                if "refused" in message:
                    log.warning("the station refused receipt %s: %s", message["key"], message["refused"])
                self.receipts.ack(message["key"])
            elif kind == "live_end":
                self._live(message)
            elif kind in ("control", "command"):
                try:
                    self.on_control(message)
                    self.problems.clear(CONTROL_NOT_APPLIED)
                except RestartRequested:
                    await self._flush_outbox(socket)  # the acknowledgement goes out before the box does
                    raise
                except (ValueError, KeyError, TypeError) as error:
                    log.warning("remote control %s not applied: %s", message, error)
                    self.problems.report(CONTROL_NOT_APPLIED, f"{CONTROL_NOT_APPLIED}: {error}")
                self.beat_now.set()
            elif kind == "welcome":
                log.info("the station knows this box as %s", message["speaker"])
            else:
                log.warning("station says: %s", message)
        raise ConnectionClosed(socket.close_rcvd, socket.close_sent)

    def _live(self, message: bytes | dict[str, Any]) -> None:
        try:
            self.on_live(message)
        except (ValueError, KeyError, TypeError) as error:
            log.warning("live audio not played: %s", error)

    async def _ping(self, socket: ClientConnection) -> None:
        for _ in range(PING_BURST):
            await socket.send(json.dumps({"type": "ping", "t0": time.time()}))
            await asyncio.sleep(0.1)
        await _every(PING_EVERY_S, lambda: socket.send(json.dumps({"type": "ping", "t0": time.time()})))

    async def _beat(self, socket: ClientConnection) -> None:
        while True:
            self.beat_now.clear()
            await socket.send(json.dumps({"type": "heartbeat", **self.heartbeat(), "last_error": self.problems.latest}))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.beat_now.wait(), timeout=self.heartbeat_s)

    async def _deliver(self, socket: ClientConnection) -> None:
        """Send every unacknowledged receipt now (those queued while offline) and whenever a new one is queued."""
        while True:
            self.receipt_waiting.clear()
            for key, receipt in self.receipts.pending():
                await socket.send(json.dumps({"type": "receipt", "key": key, "receipt": receipt}))
            # also retry on a timer: an acknowledgement lost with a dropped link leaves the receipt pending
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.receipt_waiting.wait(), timeout=30)


async def _every(seconds: float, send: Callable[[], Awaitable[None]]) -> None:
    while True:
        await send()
        await asyncio.sleep(seconds)
