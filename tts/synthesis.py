"""Text -> speech: normalise, split into sentences, speak each, join with a reader's pauses.

Pauses are added here rather than left to the engine so that every engine keeps the same rhythm:
about 0.35 s after a sentence and 0.7 s after a paragraph at normal speed. ``speak_sentences`` yields
the audio sentence by sentence, so a player or a stream can start before the whole bulletin is spoken.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from tts.audio import Audio
from tts.catalogue import VoiceCatalogue
from tts.engines.base import Engine
from tts.frontend import normalize, split_paragraphs
from tts.frontend.pronunciation import Lexicon
from tts.voices import DEFAULT_VOICE

SENTENCE_PAUSE_S = 0.35
PARAGRAPH_PAUSE_S = 0.7
MIN_SPEED, MAX_SPEED = 0.5, 2.5
# Engines pad sentences with their own silence; below this level (about -54 dBFS) counts as silence.
_SILENCE_LEVEL = 0.002


def _trim(samples: np.ndarray) -> np.ndarray:
    """Drop leading and trailing silence so that only our pauses separate sentences."""
    loud = np.flatnonzero(np.abs(samples) > _SILENCE_LEVEL)
    return samples[loud[0] : loud[-1] + 1] if loud.size else samples[:0]


def speak_sentences(
    text: str,
    voice: str = DEFAULT_VOICE,
    speed: float = 1.0,
    *,
    catalogue: VoiceCatalogue | None = None,
    lexicon: Lexicon | Mapping[str, str] | None = None,
) -> Iterator[Audio]:
    """Each sentence of a bulletin followed by its pause (none after the last), as soon as it is spoken.

    ``catalogue`` says which voices exist (default: the embedded espeak-ng voices only); ``lexicon``
    holds the commune's pronunciations. Raises ValueError at once (not when iterated) for an unknown
    voice or a speed outside 0.5-2.5.
    """
    engine = (catalogue or VoiceCatalogue()).engine_for(voice)
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
    sentences = [
        (sentence, PARAGRAPH_PAUSE_S if index == len(paragraph) - 1 else SENTENCE_PAUSE_S)
        for paragraph in split_paragraphs(normalize(text, lexicon))
        for index, sentence in enumerate(paragraph)
    ]
    return _spoken(engine, sentences, voice, speed)


def _spoken(engine: Engine, sentences: list[tuple[str, float]], voice: str, speed: float) -> Iterator[Audio]:
    for number, (sentence, pause_s) in enumerate(sentences, start=1):
        spoken = engine.speak(sentence, voice, speed)
        pause = np.zeros(0 if number == len(sentences) else round(pause_s / speed * spoken.sample_rate))
        yield Audio(np.concatenate([_trim(spoken.samples), pause]), spoken.sample_rate)


def synthesize(
    text: str,
    voice: str = DEFAULT_VOICE,
    speed: float = 1.0,
    *,
    catalogue: VoiceCatalogue | None = None,
    lexicon: Lexicon | Mapping[str, str] | None = None,
) -> Audio:
    """Speak a bulletin: one Audio with pauses after sentences and paragraphs (scaled by 1/speed).

    Text with nothing to pronounce gives an empty clip at the engine's rate. Arguments as ``speak_sentences``.
    """
    catalogue = catalogue or VoiceCatalogue()
    pieces = list(speak_sentences(text, voice, speed, catalogue=catalogue, lexicon=lexicon))
    if not pieces:
        silent = catalogue.engine_for(voice).speak("", voice, speed)
        return Audio(silent.samples[:0], silent.sample_rate)
    return Audio(np.concatenate([p.samples for p in pieces]), pieces[0].sample_rate)
