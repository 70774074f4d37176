"""Audio over HTTP: each village's continuous live stream, and stored audio files for preview."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, StreamingResponse

from web.deps import ApiUser, SettingsDep, StationDep

router = APIRouter(tags=["streams"])

_SHA256 = re.compile(r"[0-9a-f]{64}")


@router.get("/zones/{slug}/live.mp3", summary="A village's live stream (MP3, silence when idle)")
async def live_stream(slug: str, station: StationDep) -> StreamingResponse:
    stream = station.streams.get(slug)
    if stream is None:
        raise HTTPException(404, f"Không có thôn, xóm “{slug}”.")
    headers = {
        "Cache-Control": "no-cache, no-store",
        # ICY clients read these as UTF-8 bytes; Starlette writes header values as latin-1
        "icy-name": f"Đài truyền thanh - {stream.name}".encode().decode("latin-1"),
        "icy-br": stream.bitrate.rstrip("k"),
        "icy-sr": str(stream.sample_rate),
        "icy-pub": "0",
    }
    return StreamingResponse(stream.listen(), media_type=stream.content_type, headers=headers)


@router.get("/audio/{sha256}.mp3", summary="A stored audio file, by the sha256 of its bytes")
async def audio_file(sha256: str, settings: SettingsDep, _user: ApiUser) -> FileResponse:
    path = settings.audio_dir / f"{sha256}.mp3"
    if not _SHA256.fullmatch(sha256) or not path.exists():
        raise HTTPException(404, "Không tìm thấy tệp âm thanh.")
    return FileResponse(path, media_type="audio/mpeg")
