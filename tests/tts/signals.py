"""Small measurements on real audio used by the tts tests."""

from __future__ import annotations

import numpy as np

from tts import Audio


def rms_db(audio: Audio) -> float:
    """RMS level of the whole clip in dBFS."""
    return float(20 * np.log10(max(np.sqrt(np.mean(np.square(audio.samples, dtype=np.float64))), 1e-9)))


def peak_db(audio: Audio) -> float:
    """Sample peak in dBFS."""
    return float(20 * np.log10(max(float(np.max(np.abs(audio.samples))), 1e-9)))


def voiced_fraction(audio: Audio, threshold_db: float = -40.0) -> float:
    """Share of 100 ms windows louder than ``threshold_db`` (speech is mostly voiced, silence is not)."""
    size = audio.sample_rate // 10
    count = len(audio.samples) // size
    windows = audio.samples[: count * size].reshape(count, size).astype(np.float64)
    levels = 20 * np.log10(np.maximum(np.sqrt(np.mean(windows**2, axis=1)), 1e-9))
    return float(np.mean(levels > threshold_db))


def silent_gaps_s(audio: Audio, level: float = 0.002, shortest_s: float = 0.15) -> list[float]:
    """Lengths of the inner stretches of silence at least ``shortest_s`` long, in order."""
    loud = np.flatnonzero(np.abs(audio.samples) > level)
    gaps = np.diff(loud) / audio.sample_rate
    return [float(g) for g in gaps if g >= shortest_s]
