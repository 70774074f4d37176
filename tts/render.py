"""A bulletin made ready for air: chimes, speech read once or twice, broadcast loudness, MP3 or Ogg/Opus.

Every item (chime, each reading) is brought to the target loudness on its own, so the chime is as loud
as the voice and the whole is at the target too. Results can be cached in a folder: the key is the
spoken form (so a lexicon or front-end change renders anew), the voice and its model file, and every
setting. The same function serves the preview ("Nghe thử"), which also returns the warnings.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from tts.audio import Audio
from tts.catalogue import PIPER_PREFIX, VoiceCatalogue
from tts.chime import chime
from tts.codec import encode_mp3, encode_opus
from tts.frontend.analysis import TextWarning, analyze
from tts.frontend.pronunciation import Lexicon
from tts.mastering import finish
from tts.synthesis import synthesize
from tts.voices import DEFAULT_VOICE

# Bump when the audio for the same spoken text and settings would change (new pauses, new mastering).
CACHE_VERSION = 1
FORMATS = {"mp3": ("audio/mpeg", "mp3", "64k"), "opus": ("audio/ogg", "ogg", "32k")}
_CHIME_GAP_S = 0.6


@dataclass(frozen=True)
class RenderOptions:
    """How to render a bulletin; the defaults give a plain reading in MP3 at -16 LUFS / -1 dBTP."""

    voice: str = DEFAULT_VOICE
    speed: float = 1.0
    intro_chime: bool = False
    outro_chime: bool = False
    readings: int = 1
    """2 reads the bulletin twice, as is common for notices."""
    gap_between_readings_s: float = 3.0
    format: str = "mp3"
    """``mp3`` or ``opus`` (Ogg/Opus)."""
    bitrate: str | None = None
    """Default 64k for MP3, 32k for Opus."""
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {sorted(FORMATS)}, got {self.format!r}")
        if not 1 <= self.readings <= 3:
            raise ValueError(f"readings must be 1, 2 or 3, got {self.readings}")
        if not 0 <= self.gap_between_readings_s <= 30:
            raise ValueError(f"gap_between_readings_s must be between 0 and 30, got {self.gap_between_readings_s}")


@dataclass(frozen=True)
class Rendered:
    """The encoded bulletin and what the officer should know about it."""

    data: bytes
    mime_type: str
    extension: str
    duration_s: float
    sha256: str
    spoken: str
    warnings: list[TextWarning] = field(default_factory=list)
    from_cache: bool = False


def _silence(seconds: float, sample_rate: int) -> np.ndarray:
    return np.zeros(round(seconds * sample_rate), dtype=np.float32)


def _assemble(speech: Audio, options: RenderOptions) -> Audio:
    """Chimes and readings, each finished to the target on its own, joined with gaps."""
    rate = speech.sample_rate
    level = {"target_lufs": options.target_lufs, "true_peak_dbtp": options.true_peak_dbtp}
    reading = finish(speech, **level).samples
    pieces = [reading]
    for _ in range(options.readings - 1):
        pieces += [_silence(options.gap_between_readings_s, rate), reading]
    if options.intro_chime:
        pieces = [finish(chime(rate), **level).samples, _silence(_CHIME_GAP_S, rate), *pieces]
    if options.outro_chime:
        pieces += [_silence(_CHIME_GAP_S, rate), finish(chime(rate, outro=True), **level).samples]
    return Audio(np.concatenate(pieces), rate)


def _voice_identity(catalogue: VoiceCatalogue, voice: str) -> str:
    """What changes when the voice changes: the model file's size and time for a Piper voice."""
    if voice.startswith(PIPER_PREFIX) and catalogue.voices_dir is not None:
        stat = (catalogue.voices_dir / f"{voice.removeprefix(PIPER_PREFIX)}.onnx").stat()
        return f"{voice}:{stat.st_size}:{stat.st_mtime_ns}"
    return voice


def cache_key(spoken: str, options: RenderOptions, voice_identity: str) -> str:
    """The cache key of a rendering: sha256 of everything that shapes its audio."""
    material = {"v": CACHE_VERSION, "spoken": spoken, "voice": voice_identity, "options": asdict(options)}
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def render(
    text: str,
    options: RenderOptions | None = None,
    *,
    catalogue: VoiceCatalogue | None = None,
    lexicon: Lexicon | Mapping[str, str] | None = None,
    cache_dir: Path | None = None,
) -> Rendered:
    """Render ``text`` for air (or for a preview) with ``options``; reuse ``cache_dir`` when given.

    Raises ValueError for an unknown voice or bad options, ``LegacyEncodingError`` for text in a legacy
    encoding that cannot be converted safely.
    """
    options = options or RenderOptions()
    catalogue = catalogue or VoiceCatalogue()
    spoken, warnings = analyze(text, lexicon)
    mime_type, extension, default_bitrate = FORMATS[options.format]
    key = cache_key(spoken, options, _voice_identity(catalogue, options.voice))
    if cache_dir is not None:
        cached, about = cache_dir / f"{key}.{extension}", cache_dir / f"{key}.json"
        if cached.is_file() and about.is_file():
            data, duration_s = cached.read_bytes(), json.loads(about.read_text(encoding="utf-8"))["duration_s"]
            sha256 = hashlib.sha256(data).hexdigest()
            return Rendered(data, mime_type, extension, duration_s, sha256, spoken, warnings, from_cache=True)
    speech = synthesize(text, options.voice, options.speed, catalogue=catalogue, lexicon=lexicon)
    audio = _assemble(speech, options)
    encode = encode_mp3 if options.format == "mp3" else encode_opus
    data = encode(audio, options.bitrate or default_bitrate)
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_atomically(cache_dir / f"{key}.{extension}", data)
        _write_atomically(cache_dir / f"{key}.json", json.dumps({"duration_s": audio.duration_s}).encode())
    return Rendered(data, mime_type, extension, audio.duration_s, hashlib.sha256(data).hexdigest(), spoken, warnings)
