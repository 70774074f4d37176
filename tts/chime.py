"""The intro chime played before a bulletin: three soft bell tones rising (C5, E5, G5)."""

from __future__ import annotations

import numpy as np

from tts.audio import Audio

# A major triad rising reads as "attention, good news" rather than an alarm.
_NOTES_HZ = (523.25, 659.25, 783.99)
_NOTE_SPACING_S = 0.28
_RING_S = 1.2
# Partials of a soft bell: fundamental, octave and a quiet twelfth, each decaying faster.
_PARTIALS = ((1.0, 1.0, 3.0), (2.0, 0.35, 5.0), (3.0, 0.12, 8.0))
_ATTACK_S = 0.008
_PEAK = 0.5


def chime(sample_rate: int = 22050) -> Audio:
    """A ~1.8 s chime at peak -6 dBFS; loudness is left to ``finish`` like any other item."""
    total = round((_NOTE_SPACING_S * (len(_NOTES_HZ) - 1) + _RING_S) * sample_rate)
    out = np.zeros(total)
    t = np.arange(round(_RING_S * sample_rate)) / sample_rate
    attack = np.minimum(1.0, t / _ATTACK_S)  # a few ms of fade-in avoids a click
    for index, frequency in enumerate(_NOTES_HZ):
        note = sum(
            amp * np.exp(-decay * t) * np.sin(2 * np.pi * frequency * mult * t) for mult, amp, decay in _PARTIALS
        )
        start = round(index * _NOTE_SPACING_S * sample_rate)
        out[start : start + t.size] += attack * note
    out *= np.linspace(1.0, 0.0, total) ** 0.5  # fade the tail to exact silence
    return Audio(out / np.max(np.abs(out)) * _PEAK, sample_rate)
