"""Bulletin text → a stored, loudness-normalised MP3 `AudioAsset`, rendered once per distinct input.

The asset is named by the sha256 of its bytes: that hash is what the log and, later, approvals
and speaker receipts refer to, so "what was heard" can always be matched to "what was approved".
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

from sqlalchemy import select
from sqlalchemy.orm import Session

import tts
from radio.config import Settings
from radio.storage.models import AudioAsset

RENDER_VERSION = 1  # bump when the pipeline changes in a way that alters the audio


def render_key(text: str, voice: str, settings: Settings) -> str:
    """Everything that determines the rendered audio, hashed."""
    inputs = {
        "v": RENDER_VERSION,
        "text": text,
        "voice": voice,
        "lufs": settings.loudness_target_lufs,
        "tp": settings.true_peak_dbtp,
        "bitrate": settings.stream_bitrate,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def render_bulletin_audio(session: Session, settings: Settings, text: str, voice: str) -> AudioAsset:
    """Return the asset for this text and voice, synthesising and storing it only if it is new."""
    key = render_key(text, voice, settings)
    cached = session.scalar(select(AudioAsset).where(AudioAsset.render_key == key))
    if cached is not None and (settings.audio_dir / cached.path).exists():
        return cached
    audio = tts.finish(
        tts.synthesize(text, voice),
        target_lufs=settings.loudness_target_lufs,
        true_peak_dbtp=settings.true_peak_dbtp,
    )
    mp3 = tts.encode_mp3(audio, bitrate=settings.stream_bitrate)
    return store_asset(session, settings, mp3, audio, key)


def store_asset(session: Session, settings: Settings, mp3: bytes, audio: tts.Audio, key: str | None) -> AudioAsset:
    """Write the file atomically (temp file + rename) and record it; the same bytes are stored once."""
    sha256 = hashlib.sha256(mp3).hexdigest()
    existing = session.scalar(select(AudioAsset).where(AudioAsset.sha256 == sha256))
    name = f"{sha256}.mp3"
    target = settings.audio_dir / name
    if not target.exists():
        settings.audio_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=settings.audio_dir, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(mp3)
        os.replace(tmp, target)
    if existing is not None:
        return existing
    asset = AudioAsset(
        sha256=sha256,
        path=name,
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        loudness_lufs=tts.measure_loudness(audio),
        render_key=key,
    )
    session.add(asset)
    session.flush()
    return asset
