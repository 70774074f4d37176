"""Speaker agents' side of the station: one WebSocket per agent, audio by sha256, and the fleet page.

An agent authenticates with its token (Authorization: Bearer), then gets its village's schedule and every
change to it, answers to its clock pings, and sends heartbeats, receipts and acknowledgements of remote
commands; while an officer is live in its village it also gets the live audio as binary frames. The schedule
is re-read from the database each second rather than hooked into the scheduler: the database is the source of
truth, so whatever arms an airing (web, API, recurrence, a restart) reaches the agents the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect, status
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from radio.accounts import record
from radio.agent_schedule import chime_asset, village_schedule
from radio.fleet import fleet, record_heartbeat, record_receipt, speaker_for_token
from radio.remote_control import ACK_LABELS, LABELS, control_message, latest_commands, record_ack
from radio.station import Station
from radio.storage.models import AudioAsset, Speaker
from schedules.air_scheduler import ARM_WINDOW
from web.deps import PageUser, SessionDep, SettingsDep, StationDep, agents_online
from web.live import live_hub
from web.pages import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

SCHEDULE_POLL_S = 1.0
LIVE_BACKLOG = 200  # frames (~10 s of speech) queued for one agent; a link further behind loses frames
REFUSED = "invalid or revoked speaker token"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _token(headers: Headers) -> str:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _speaker(station: Station, token: str) -> tuple[int, int, str] | None:
    with station.sessions() as session:
        speaker = speaker_for_token(session, token)
        return (speaker.id, speaker.zone_id, speaker.name) if speaker else None


def _schedule(station: Station, zone_id: int, token: str) -> list[dict[str, Any]] | None:
    """The village's schedule, or None once the token is revoked (checked on every poll)."""
    with station.sessions() as session:
        if speaker_for_token(session, token) is None:
            return None
        chime = chime_asset(station.sessions, station.settings)
        return village_schedule(session, zone_id, datetime.now(UTC), ARM_WINDOW, chime)


def _desired(station: Station, speaker_id: int) -> dict[str, Any] | None:
    with station.sessions() as session:
        speaker = session.get_one(Speaker, speaker_id)
        return control_message(speaker.desired_volume, speaker.desired_muted)


def agent_links(app: Any) -> dict[int, set[_Link]]:
    """Open agent connections per speaker in this process, for remote control."""
    if not hasattr(app.state, "agent_links"):
        app.state.agent_links = {}
    return app.state.agent_links


def _heartbeat(station: Station, speaker_id: int, beat: dict[str, Any]) -> None:
    with station.sessions.begin() as session:
        record_heartbeat(session, speaker_id, beat, datetime.now(UTC))


def _ack(station: Station, speaker_id: int, ack: dict[str, Any]) -> None:
    """The agent's answer to a test tone or restart: on the command's row (fleet page) and in the audit trail."""
    with station.sessions.begin() as session:
        detail = record_ack(session, speaker_id, ack, datetime.now(UTC))
        record(session, "speaker.ack", detail, username=f"speaker #{speaker_id}")


def _receipt(station: Station, speaker_id: int, receipt: dict[str, Any]) -> None:
    try:
        with station.sessions.begin() as session:
            record_receipt(session, speaker_id, receipt, datetime.now(UTC))
    except IntegrityError:  # two connections of one speaker raced to insert it: the other row is there now
        with station.sessions.begin() as session:
            record_receipt(session, speaker_id, receipt, datetime.now(UTC))
    station.evidence.receipt(speaker_id, int(receipt["broadcast_id"]))


class _Link:
    """One agent's connection: sends are serialised because two tasks (schedule, replies) share the socket."""

    def __init__(self, websocket: WebSocket, station: Station, speaker: tuple[int, int, str], token: str) -> None:
        self.websocket = websocket
        self.station = station
        self.speaker_id, self.zone_id, self.name = speaker
        self.token = token
        self._lock = asyncio.Lock()
        # held while the desired volume and mute are read and sent, so a command racing a (re)connection
        # cannot be overtaken by the older state read just before it was committed
        self.control_lock = asyncio.Lock()
        self.live: asyncio.Queue[bytes | dict[str, Any]] = asyncio.Queue(maxsize=LIVE_BACKLOG)

    async def send(self, message: dict[str, Any]) -> None:
        async with self._lock:
            await self.websocket.send_text(json.dumps(message))

    async def push_schedule(self) -> None:
        """Send the schedule now and whenever it changes; close the link if the token is revoked."""
        sent = None
        while True:
            items = await run_in_threadpool(_schedule, self.station, self.zone_id, self.token)
            if items is None:
                log.warning("speaker %d (%s): token revoked; closing its connection", self.speaker_id, self.name)
                await self.websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=REFUSED)
                return
            if items != sent:
                await self.send({"type": "schedule", "items": items})
                sent = items
            await asyncio.sleep(SCHEDULE_POLL_S)

    async def push_live(self) -> None:
        """The village's live audio, frame by frame, as the live session publishes it."""
        while True:
            message = await self.live.get()
            if isinstance(message, bytes):
                async with self._lock:
                    await self.websocket.send_bytes(message)
            else:
                await self.send(message)

    async def _receipt(self, key: str, receipt: dict[str, Any]) -> dict[str, Any]:
        """Record it and acknowledge it; one the station cannot accept is acknowledged with the reason,
        because sending it again would never succeed."""
        try:
            await run_in_threadpool(_receipt, self.station, self.speaker_id, receipt)
        except (ValueError, KeyError, TypeError) as error:
            log.warning("speaker %d (%s): receipt %s refused: %s", self.speaker_id, self.name, key, error)
            return {"type": "receipt_ack", "key": key, "refused": str(error)}
        return {"type": "receipt_ack", "key": key}

    async def serve(self) -> None:
        while True:
            text = await self.websocket.receive_text()
            received = time.time()  # as early as possible: the agent's offset estimate depends on it
            try:
                message = json.loads(text)
                kind = message["type"]
                if kind == "ping":
                    await self.send({"type": "pong", "t0": message["t0"], "t1": received, "t2": time.time()})
                elif kind == "heartbeat":
                    await run_in_threadpool(_heartbeat, self.station, self.speaker_id, message)
                elif kind == "receipt":
                    await self.send(await self._receipt(message["key"], message["receipt"]))
                elif kind == "command_ack":
                    await run_in_threadpool(_ack, self.station, self.speaker_id, message)
                else:
                    raise ValueError(f"unknown message type {kind!r}")
            except (ValueError, KeyError, TypeError) as error:
                log.warning("speaker %d (%s): bad message ignored: %s", self.speaker_id, self.name, error)
                await self.send({"type": "error", "message": str(error)})


@router.websocket("/agents/ws")
async def agent_socket(websocket: WebSocket) -> None:
    station: Station = websocket.app.state.station
    token = _token(websocket.headers)
    speaker = await run_in_threadpool(_speaker, station, token)
    await websocket.accept()  # accepted even when refused, so the agent can read why it is closed
    if speaker is None:
        log.warning("speaker agent from %s refused: %s", websocket.client.host if websocket.client else "?", REFUSED)
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION, reason=REFUSED)
        return
    link = _Link(websocket, station, speaker, token)
    online = agents_online(websocket.app)
    online[link.speaker_id] += 1
    links = agent_links(websocket.app)
    links.setdefault(link.speaker_id, set()).add(link)
    log.info("speaker %d (%s) connected", link.speaker_id, link.name)
    hub = live_hub(websocket.app)
    hub.subscribe(link.zone_id, link.live)
    tasks = [asyncio.create_task(loop) for loop in (link.serve(), link.push_schedule(), link.push_live())]
    try:
        await link.send({"type": "welcome", "speaker": link.name})
        async with link.control_lock:  # volume and mute set from the office while it was away
            desired = await run_in_threadpool(_desired, station, link.speaker_id)
            if desired is not None:
                await link.send(desired)
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:  # the agent left, the token was revoked, or something broke: log the last
            error = task.exception()
            if error is not None and not isinstance(error, WebSocketDisconnect):
                log.error("speaker %d (%s): connection failed", link.speaker_id, link.name, exc_info=error)
                with contextlib.suppress(RuntimeError):  # already closed
                    await websocket.close(code=status.WS_1011_INTERNAL_ERROR, reason="station error")
    finally:
        hub.unsubscribe(link.zone_id, link.live)
        for task in tasks:
            task.cancel()
        online[link.speaker_id] -= 1
        links[link.speaker_id].discard(link)
        if not links[link.speaker_id]:
            del links[link.speaker_id]
        if online[link.speaker_id] <= 0:
            del online[link.speaker_id]
        log.info("speaker %d (%s) disconnected", link.speaker_id, link.name)


@router.get("/agents/audio/{sha256}")
def agent_audio(sha256: str, request: Request, station: StationDep, settings: SettingsDep) -> FileResponse:
    """An airing's audio for a speaker agent to cache; the agent checks the sha256 itself."""
    if _speaker(station, _token(request.headers)) is None:
        log.warning("audio %s refused to %s: %s", sha256[:12], request.client.host if request.client else "?", REFUSED)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, REFUSED)
    if not _SHA256.fullmatch(sha256):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "not a sha256")
    with station.sessions() as session:
        path = session.scalar(select(AudioAsset.path).where(AudioAsset.sha256 == sha256))
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such audio")
    return FileResponse(settings.audio_dir / path, media_type="audio/mpeg")


@router.get("/fleet")
def fleet_page(request: Request, session: SessionDep, settings: SettingsDep, user: PageUser) -> HTMLResponse:
    offline_after_s = settings.speaker_offline_alert_s
    villages = fleet(session, set(agents_online(request.app)), datetime.now(UTC), timedelta(seconds=offline_after_s))
    return render(
        request, "fleet.html", user=user, villages=villages, offline_after_min=offline_after_s // 60,
        commands=latest_commands(session), command_labels=LABELS, ack_labels=ACK_LABELS,
    )  # fmt: skip
