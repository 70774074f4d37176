"""Speech engines behind one ``Engine`` protocol; ``engine_for`` picks the one that speaks a voice."""

from __future__ import annotations

from tts.engines.base import Engine
from tts.engines.espeak import EspeakEngine

__all__ = ["Engine", "EspeakEngine", "engine_for"]

_ENGINES: tuple[Engine, ...] = (EspeakEngine(),)


def engine_for(voice: str) -> Engine:
    """The engine that speaks ``voice``; ValueError names the known voices otherwise."""
    for engine in _ENGINES:
        if voice in engine.voices:
            return engine
    known = sorted(v for engine in _ENGINES for v in engine.voices)
    raise ValueError(f"unknown voice {voice!r}; known voices: {', '.join(known)}")
