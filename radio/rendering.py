"""Bulletin text → a stored, broadcast-ready MP3 `AudioAsset`, rendered once per distinct input.

The asset is named by the sha256 of its bytes: that hash is what the log and, later, approvals
and speaker receipts refer to, so "what was heard" can always be matched to "what was approved".
The commune's pronunciation lexicon is part of the input: teaching it a word renders anew.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import tts
from radio.config import Settings
from radio.storage.models import AudioAsset, Commune

RENDER_VERSION = 2  # bump when the pipeline changes in a way that alters the audio


@dataclass(frozen=True)
class Reading:
    """How a bulletin is read: voice, speed, how many times, with or without chimes."""

    voice: str = tts.DEFAULT_VOICE
    speed: float = 1.0
    readings: int = 1
    chimes: bool = False


def voice_catalogue(settings: Settings) -> tts.VoiceCatalogue:
    """The embedded voices plus every Piper or Coqui voice installed in the data directory."""
    return tts.VoiceCatalogue(settings.voices_dir)


def commune_lexicon(session: Session, commune_id: int) -> tuple[str, tts.Lexicon]:
    """The commune's pronunciation entries, as stored text and ready to apply."""
    text = session.scalar(select(Commune.lexicon).where(Commune.id == commune_id)) or ""
    return text, tts.Lexicon(tts.parse_lexicon(text))


def render_key(text: str, reading: Reading, lexicon_text: str, settings: Settings) -> str:
    """Everything that determines the rendered audio, hashed."""
    inputs = {
        "v": RENDER_VERSION, "text": text, "reading": asdict(reading), "lexicon": lexicon_text,
        "lufs": settings.loudness_target_lufs, "tp": settings.true_peak_dbtp, "bitrate": settings.stream_bitrate,
    }  # fmt: skip
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def render_options(reading: Reading, settings: Settings) -> tts.RenderOptions:
    return tts.RenderOptions(
        voice=reading.voice, speed=reading.speed, readings=reading.readings, intro_chime=reading.chimes,
        outro_chime=reading.chimes, bitrate=settings.stream_bitrate, target_lufs=settings.loudness_target_lufs,
        true_peak_dbtp=settings.true_peak_dbtp,
    )  # fmt: skip


@dataclass(frozen=True)
class RenderedBulletin:
    """The stored audio, the words the machine reads, and what the front end was unsure of."""

    asset: AudioAsset
    spoken: str
    warnings: list[tts.TextWarning]


def render_bulletin_audio(
    session: Session, settings: Settings, text: str, reading: Reading, commune_id: int, lexicon_text: str | None = None
) -> RenderedBulletin:
    """Render with the commune's lexicon (or `lexicon_text`, to hear entries before saving them);
    synthesised only when this text, reading and lexicon are new. LexiconError for unusable entries."""
    if lexicon_text is None:
        lexicon_text, lexicon = commune_lexicon(session, commune_id)
    else:
        lexicon = tts.Lexicon(tts.parse_lexicon(lexicon_text))
    spoken, warnings = tts.analyze(text, lexicon)
    key = render_key(text, reading, lexicon_text, settings)
    cached = session.scalar(select(AudioAsset).where(AudioAsset.render_key == key))
    if cached is None or not (settings.audio_dir / cached.path).exists():
        options = render_options(reading, settings)
        rendered = tts.render(text, options, catalogue=voice_catalogue(settings), lexicon=lexicon)
        cached = store_asset(session, settings, rendered.data, key)
    return RenderedBulletin(cached, spoken, warnings)


def store_asset(session: Session, settings: Settings, mp3: bytes, key: str | None) -> AudioAsset:
    """Write the file atomically (temp file + rename) and record it, measured; the same bytes are stored once."""
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
    audio = tts.decode(mp3, "mp3")  # measured from the very bytes that will air
    asset = AudioAsset(
        sha256=sha256, path=name, duration_s=audio.duration_s, sample_rate=audio.sample_rate,
        loudness_lufs=tts.measure_loudness(audio), render_key=key,
    )  # fmt: skip
    session.add(asset)
    session.flush()
    return asset
