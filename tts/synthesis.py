"""Text -> speech: normalise, split into sentences, speak each, join with a reader's pauses.

Pauses are added here rather than left to the engine so that every engine keeps the same rhythm:
about 0.35 s after a sentence and 0.7 s after a paragraph at normal speed.
"""

from __future__ import annotations

import numpy as np

from tts.audio import Audio
from tts.engines import engine_for
from tts.frontend import normalize, split_paragraphs
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


def synthesize(text: str, voice: str = DEFAULT_VOICE, speed: float = 1.0) -> Audio:
    """Speak a bulletin: one Audio with pauses after sentences and paragraphs (scaled by 1/speed).

    Raises ValueError for an unknown voice or a speed outside 0.5-2.5.
    """
    engine = engine_for(voice)
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
    pieces: list[np.ndarray] = []
    sample_rate = 0
    for paragraph in split_paragraphs(normalize(text)):
        for index, sentence in enumerate(paragraph):
            spoken = engine.speak(sentence, voice, speed)
            sample_rate = spoken.sample_rate
            pause_s = PARAGRAPH_PAUSE_S if index == len(paragraph) - 1 else SENTENCE_PAUSE_S
            pieces += [_trim(spoken.samples), np.zeros(round(pause_s / speed * sample_rate), np.float32)]
    if not pieces:  # nothing pronounceable: an empty clip at the engine's rate
        silent = engine.speak("", voice, speed)
        return Audio(_trim(silent.samples), silent.sample_rate)
    return Audio(np.concatenate(pieces[:-1]), sample_rate)
