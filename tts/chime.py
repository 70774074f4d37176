"""The chimes around a bulletin: three soft bell tones rising before it (C5, E5, G5), falling after it.

``python -m tts.write_chimes [FOLDER]`` writes them as WAV files, to listen to or to use elsewhere.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from tts.audio import Audio

# A major triad rising reads as "attention, good news" rather than an alarm; falling, as "that was all".
_NOTES_HZ = (523.25, 659.25, 783.99)
_NOTE_SPACING_S = 0.28
_RING_S = 1.2
# Partials of a soft bell: fundamental, octave and a quiet twelfth, each decaying faster.
_PARTIALS = ((1.0, 1.0, 3.0), (2.0, 0.35, 5.0), (3.0, 0.12, 8.0))
_ATTACK_S = 0.008
_PEAK = 0.5


def chime(sample_rate: int = 22050, *, outro: bool = False) -> Audio:
    """A ~1.8 s chime at peak -6 dBFS, rising (intro) or falling (outro); loudness is left to ``finish``."""
    notes = _NOTES_HZ[::-1] if outro else _NOTES_HZ
    total = round((_NOTE_SPACING_S * (len(notes) - 1) + _RING_S) * sample_rate)
    out = np.zeros(total)
    t = np.arange(round(_RING_S * sample_rate)) / sample_rate
    attack = np.minimum(1.0, t / _ATTACK_S)  # a few ms of fade-in avoids a click
    for index, frequency in enumerate(notes):
        note = sum(
            amp * np.exp(-decay * t) * np.sin(2 * np.pi * frequency * mult * t) for mult, amp, decay in _PARTIALS
        )
        start = round(index * _NOTE_SPACING_S * sample_rate)
        out[start : start + t.size] += attack * note
    out *= np.linspace(1.0, 0.0, total) ** 0.5  # fade the tail to exact silence
    return Audio(out / np.max(np.abs(out)) * _PEAK, sample_rate)


def write_chimes(folder: Path, sample_rate: int = 44100) -> list[Path]:
    """Write chime-intro.wav and chime-outro.wav (16-bit mono) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, outro in (("chime-intro.wav", False), ("chime-outro.wav", True)):
        audio = chime(sample_rate, outro=outro)
        with wave.open(str(folder / name), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes((audio.samples * 32767).round().astype("<i2").tobytes())
        written.append(folder / name)
    return written
