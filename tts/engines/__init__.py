"""Speech engines behind one ``Engine`` protocol; ``tts.catalogue.VoiceCatalogue`` picks one per voice."""

from __future__ import annotations

from tts.engines.base import Engine

__all__ = ["Engine"]
