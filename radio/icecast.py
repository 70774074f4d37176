"""Icecast source client: push each village's already-encoded stream to an external Icecast 2.4+ as a mount.

For large deployments, where one station process should not serve thousands of listeners itself. The
push is one more listener of the village's stream (no second encoder), speaking the Icecast 2.4 source
protocol: HTTP PUT with Basic auth as user `source` and `Expect: 100-continue`, then the raw stream.
A refused or dropped connection is retried with exponential backoff for as long as the station runs;
a stalled Icecast only ever drops this push (the stream's buffer never waits for a listener).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from urllib.parse import urlsplit

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from radio.config import Settings
from radio.zone_stream import FORMATS, ListenerTooSlow, ZoneStream

log = logging.getLogger(__name__)

_ANSWER_TIMEOUT_S = 10.0
_DRAIN_TIMEOUT_S = 10.0  # Icecast not reading for this long: reconnect rather than fall behind forever


class IcecastRefused(Exception):
    """Icecast answered the source request with something other than 100 or 200 (wrong password, mount taken)."""


class IcecastSource:
    """The push of one village's stream in one format to one mount."""

    def __init__(self, stream: ZoneStream, fmt: str, url: str, password: str, mount: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"icecast_url must be http://HOST:PORT, got {url!r}")
        self.stream = stream
        self.format = FORMATS[fmt]
        self.host = parts.hostname
        self.port = parts.port or 8000
        self.password = password
        self.mount = mount
        self.pushed_bytes = 0

    def _request(self) -> bytes:
        credentials = base64.b64encode(f"source:{self.password}".encode()).decode()
        audio_info = f"channels=1;samplerate={self.stream.sample_rate}"
        lines = [
            f"PUT {self.mount} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Authorization: Basic {credentials}",
            "User-Agent: commune-radio",
            f"Content-Type: {self.format.content_type}",
            f"Ice-Name: Đài truyền thanh - {self.stream.name}",
            "Ice-Public: 0",
            f"Ice-Audio-Info: {audio_info}",
            "Expect: 100-continue",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def connect(self) -> asyncio.StreamWriter:
        """Open a source connection and have it accepted; raises OSError, TimeoutError or IcecastRefused."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(self._request())
            await writer.drain()
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _ANSWER_TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError) as error:
            writer.close()
            raise ConnectionError(f"{self.mount}: no answer ({error!r})") from error
        status = answer.split(b"\r\n", 1)[0].decode("latin-1")
        if status.split(" ")[1:2] not in (["100"], ["200"]):
            writer.close()
            raise IcecastRefused(f"{self.mount}: {status}")
        return writer

    async def push(self, writer: asyncio.StreamWriter) -> None:
        """Send the stream (header pages first for Ogg) until the connection or the stream fails."""
        log.info("zone %s: pushing %s to icecast %s:%d%s", self.stream.slug, self.format.name, self.host,
                 self.port, self.mount)  # fmt: skip
        try:
            async for chunk in self.stream.fanouts[self.format.name].listen():
                writer.write(chunk)
                await asyncio.wait_for(writer.drain(), _DRAIN_TIMEOUT_S)
                self.pushed_bytes += len(chunk)
        finally:
            writer.close()

    def _before_sleep(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0
        log.warning("icecast push %s refused or unreachable (%s); retrying in %.0f s", self.mount, error, wait)

    async def run(self) -> None:
        """Push until cancelled. Connecting backs off from 1 s doubling up to a minute; a push that was
        accepted and then dropped starts that backoff afresh."""
        while True:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type((OSError, IcecastRefused)),
                wait=wait_exponential(multiplier=1, min=1, max=60),
                before_sleep=self._before_sleep,
            ):
                with attempt:
                    writer = await self.connect()
            try:
                await self.push(writer)
                log.warning("icecast push %s: the village stream closed", self.mount)
            except (OSError, ListenerTooSlow) as error:
                log.warning("icecast push %s dropped (%r); reconnecting", self.mount, error)
            await asyncio.sleep(1)


def icecast_sources(settings: Settings, streams: dict[str, ZoneStream]) -> list[IcecastSource]:
    """One push per village and format when an Icecast server is configured, else none."""
    if not settings.icecast_url:
        return []
    return [
        IcecastSource(stream, fmt, settings.icecast_url, settings.icecast_source_password,
                      settings.icecast_mount.format(slug=slug, format=fmt))
        for slug, stream in streams.items()
        for fmt in FORMATS
    ]  # fmt: skip
