"""Pre-recorded audio from officials: size-limited while it arrives, decoded to prove it is audio,
loudness-normalised like every bulletin, then stored by sha256. Nothing is kept if any step fails."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

import tts
from radio.config import Settings
from radio.rendering import store_asset
from radio.storage.models import AudioAsset

_CHUNK = 1 << 16
MIN_SECONDS = 0.5


class UploadRefused(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class AsyncReadable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def read_limited(upload: AsyncReadable, limit_bytes: int) -> bytes:
    """Read at most `limit_bytes`; refuse as soon as the upload goes past it, before anything is stored."""
    data = bytearray()
    while chunk := await upload.read(_CHUNK):
        data.extend(chunk)
        if len(data) > limit_bytes:
            raise UploadRefused(413, f"Tệp quá lớn: giới hạn {limit_bytes // (1 << 20)} MB.")
    return bytes(data)


async def store_upload(session: Session, settings: Settings, upload: AsyncReadable) -> AudioAsset:
    data = await read_limited(upload, settings.max_upload_mb << 20)
    try:
        # ffmpeg probes the container itself: officials upload MP3, WAV, M4A and OGG alike
        audio = tts.decode(data, fmt=None, sample_rate=None)
    except ValueError as error:
        raise UploadRefused(422, "Không đọc được tệp âm thanh này (tệp hỏng hoặc không phải âm thanh).") from error
    if audio.duration_s < MIN_SECONDS:
        raise UploadRefused(422, "Tệp âm thanh quá ngắn.")
    finished = tts.finish(audio, settings.loudness_target_lufs, settings.true_peak_dbtp)
    return store_asset(session, settings, tts.encode_mp3(finished, settings.stream_bitrate), key=None)
