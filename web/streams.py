"""Audio over HTTP: each village's continuous live stream (MP3 and Ogg/Opus), and stored audio files for preview.

Live streams are public by default, so that VLC or a loudspeaker on the commune's LAN just plays the URL;
with `stream_token_required` they need the `?token=` of a speaker registered with kind "stream". Either
way every listener's connect and disconnect is recorded (listener evidence). This router also owns what
runs beside the streams while the station is up: the listener writer and the Icecast pushes (its lifespan
runs inside the app's, after the station has opened its streams and before it closes them).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from radio.fleet import speaker_for_token
from radio.icecast import icecast_sources
from radio.icy import METAINT, with_metadata
from radio.listeners import ListenerRecorder, Visit, recent_listeners
from radio.station import Station
from radio.zone_stream import OPUS_BITRATE, OPUS_SAMPLE_RATE
from web.deps import ApiUser, SessionDep, SettingsDep, StationDep, remote_of

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTENT_TYPES = {"mp3": "audio/mpeg", "ogg": "audio/ogg"}


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    station: Station = app.state.station
    recorder = ListenerRecorder(station.sessions)
    app.state.listener_recorder = recorder
    pushes = [asyncio.create_task(source.run()) for source in icecast_sources(station.settings, station.streams)]
    try:
        yield
    finally:
        for push in pushes:
            push.cancel()
        await asyncio.gather(*pushes, return_exceptions=True)
        recorder.flush()
        recorder.close()


router = APIRouter(tags=["streams"], lifespan=_lifespan)


class _LiveResponse(StreamingResponse):
    """Closes its body as soon as the response ends, so a listener that hangs up is recorded at once."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.body_iterator.aclose()  # type: ignore[attr-defined]


def _stream_speaker(
    slug: str, station: StationDep, settings: SettingsDep, token: Annotated[str | None, Query()] = None
) -> int | None:
    """The id of the "stream" speaker whose token was given, None for an anonymous listener (when allowed)."""
    if not token:
        if settings.stream_token_required:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Luồng phát cần mã của cụm loa (?token=…).")
        return None
    with station.sessions() as session:
        speaker = speaker_for_token(session, token, kind="stream")
        if speaker is None or speaker.zone.slug != slug:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Mã cụm loa không đúng, đã bị thu hồi hoặc của thôn khác.")
        return speaker.id


async def _recorded(
    audio: AsyncIterator[bytes], visit: Visit, recorder: ListenerRecorder | None
) -> AsyncIterator[bytes]:
    """The listener's bytes, counted, with its connect and disconnect queued for the listener evidence."""
    if recorder:
        recorder.connected(visit)
    try:
        async with aclosing(audio) as chunks:
            async for chunk in chunks:
                yield chunk
                visit.bytes_sent += len(chunk)
    finally:
        if recorder:
            recorder.disconnected(visit)


@router.get("/zones/{slug}/live.{fmt}", summary="A village's live stream (mp3 or ogg: Opus), silence when idle")
async def live_stream(
    slug: str, fmt: str, request: Request, station: StationDep,
    speaker_id: Annotated[int | None, Depends(_stream_speaker)],
) -> StreamingResponse:  # fmt: skip
    """Public unless RADIO_STREAM_TOKEN_REQUIRED. `Icy-MetaData: 1` asks for the on-air title every METAINT bytes."""
    stream = station.streams.get(slug)
    if stream is None:
        raise HTTPException(404, f"Không có thôn, xóm “{slug}”.")
    if fmt not in _CONTENT_TYPES:
        raise HTTPException(404, "Luồng phát chỉ có dạng .mp3 hoặc .ogg.")
    headers = {
        "Cache-Control": "no-cache, no-store",
        # ICY clients read these as UTF-8 bytes; Starlette writes header values as latin-1
        "icy-name": f"Đài truyền thanh - {stream.name}".encode().decode("latin-1"),
        "icy-br": (stream.bitrate if fmt == "mp3" else OPUS_BITRATE).rstrip("k"),
        "icy-sr": str(stream.sample_rate if fmt == "mp3" else OPUS_SAMPLE_RATE),
        "icy-pub": "0",
    }
    audio = stream.listen(fmt)
    if request.headers.get("icy-metadata") == "1":
        playout = station.playouts.get(slug)
        audio = with_metadata(audio, lambda: (playout.on_air if playout else None) or "")
        headers["icy-metaint"] = str(METAINT)
    visit = Visit(slug, fmt, remote_of(request), request.headers.get("user-agent", ""), speaker_id)
    recorder = getattr(request.app.state, "listener_recorder", None)
    return _LiveResponse(_recorded(audio, visit, recorder), media_type=_CONTENT_TYPES[fmt], headers=headers)


class ListenerOut(BaseModel):
    zone: str
    format: str
    speaker: str | None
    remote: str
    user_agent: str
    connected_at: datetime
    disconnected_at: datetime | None
    bytes_sent: int


@router.get("/api/listeners", summary="Recent listeners of the villages' live streams, newest first")
def listeners(
    session: SessionDep, _user: ApiUser, zone: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[ListenerOut]:
    rows = recent_listeners(session, zone, limit)
    return [ListenerOut(zone=row.zone.slug, format=row.format, speaker=row.speaker.name if row.speaker else None,
                        remote=row.remote, user_agent=row.user_agent, connected_at=row.connected_at,
                        disconnected_at=row.disconnected_at, bytes_sent=row.bytes_sent) for row in rows]  # fmt: skip


@router.get("/audio/{sha256}.mp3", summary="A stored audio file, by the sha256 of its bytes")
async def audio_file(sha256: str, settings: SettingsDep, _user: ApiUser) -> FileResponse:
    path = settings.audio_dir / f"{sha256}.mp3"
    if not _SHA256.fullmatch(sha256) or not path.exists():
        raise HTTPException(404, "Không tìm thấy tệp âm thanh.")
    return FileResponse(path, media_type="audio/mpeg")
