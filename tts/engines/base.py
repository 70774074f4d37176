"""The seam between the text front end and a speech engine.

The front end hands an engine one normalised sentence at a time; pauses between sentences and
paragraphs are added by ``tts.synthesis``, so every engine gets the same rhythm and need not know
about bulletins.
"""

from __future__ import annotations

from typing import Protocol

from tts.audio import Audio


class Engine(Protocol):
    """Speaks one sentence of already-normalised Vietnamese."""

    voices: frozenset[str]
    """Voice ids this engine can speak (``vi``, ``piper:<stem>``…; see ``tts.catalogue``)."""

    def speak(self, sentence: str, voice: str, speed: float) -> Audio:
        """Audio of ``sentence`` in ``voice``; ``speed`` 1.0 is the engine's normal rate.

        Leading and trailing silence may be present; the caller trims it.
        """
        ...
