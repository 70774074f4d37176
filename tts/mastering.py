"""Broadcast loudness: measure integrated loudness (ITU-R BS.1770 via pyloudnorm) and normalise to it.

Every item on air (speech, chime, uploaded files) is brought to the same loudness so that villagers
do not reach for the volume between items; a limiter then keeps peaks under the ceiling, because
raising speech to -16 LUFS can push its peaks past full scale.
"""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from tts.audio import Audio

# BS.1770 measures 400 ms blocks; shorter clips are looped up to one block (see measure_loudness).
_BLOCK_S = 0.4
_OVERSAMPLING = 4
_LIMITER_WINDOW_S = 0.005
_MAX_PASSES = 3
_TOLERANCE_LU = 0.2


def measure_loudness(audio: Audio) -> float:
    """Integrated loudness in LUFS; ``-inf`` for silence or an empty clip.

    A clip shorter than one 400 ms block (a beep, a single word) cannot be gated the standard way,
    so it is looped to one block: for a steady sound that gives the loudness a listener hears.
    """
    samples = audio.samples.astype(np.float64)
    if samples.size == 0 or not np.any(samples):
        return -math.inf
    block = math.ceil(_BLOCK_S * audio.sample_rate) + 1
    if samples.size < block:
        samples = np.resize(samples, block)
    return float(pyloudnorm.Meter(audio.sample_rate).integrated_loudness(samples))


def _limit(samples: np.ndarray, sample_rate: int, ceiling: float) -> np.ndarray:
    """Look-ahead peak limiter on the 4x-oversampled waveform (an estimate of true peak).

    Hand-written because pyloudnorm only normalises; the gain curve is the sample-wise gain needed,
    spread by a 2w minimum filter and smoothed by a w box, so it is never above what any sample needs
    (peaks stay under the ceiling) while attack and release last about w = 5 ms, inaudible on speech.
    """
    oversampled = np.abs(resample_poly(samples, _OVERSAMPLING, 1))
    peaks = np.maximum.reduce([oversampled[phase::_OVERSAMPLING] for phase in range(_OVERSAMPLING)])
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if needed.min() >= 1.0:
        return samples
    window = max(1, round(_LIMITER_WINDOW_S * sample_rate))
    gain = uniform_filter1d(minimum_filter1d(needed, 2 * window + 1), window)
    return samples * np.minimum(gain, needed)


def finish(audio: Audio, target_lufs: float = -16.0, true_peak_dbtp: float = -1.0) -> Audio:
    """Bring ``audio`` to ``target_lufs`` with peaks below ``true_peak_dbtp`` (a look-ahead limiter).

    Limiting lowers loudness a little, so measuring, gain and limiting are repeated (at most three
    passes) until the measured loudness is within 0.2 LU. Silence is returned unchanged.
    """
    ceiling = 10 ** (true_peak_dbtp / 20)
    samples = audio.samples.astype(np.float64)
    for _ in range(_MAX_PASSES):
        loudness = measure_loudness(Audio(samples, audio.sample_rate))
        if not math.isfinite(loudness):
            break
        samples = _limit(samples * 10 ** ((target_lufs - loudness) / 20), audio.sample_rate, ceiling)
        if abs(loudness - target_lufs) <= _TOLERANCE_LU:
            break
    return Audio(samples, audio.sample_rate)
