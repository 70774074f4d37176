"""Measuring real audio in tests: decode MP3 bytes with ffmpeg and compute short-window loudness."""

from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np

RATE = 22050
WINDOW_S = 0.1


def decode_mp3(data: bytes, rate: int = RATE) -> np.ndarray:
    """Mono float samples in [-1, 1]; a stream joined mid-way decodes from its first whole frame."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "mp3", "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"],
        input=data, capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.float64) / 32768


def window_rms_db(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """RMS level in dBFS of each 100 ms window (-120 for digital silence)."""
    size = int(rate * WINDOW_S)
    count = len(samples) // size
    windows = samples[: count * size].reshape(count, size)
    rms = np.sqrt(np.mean(windows**2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-6))
