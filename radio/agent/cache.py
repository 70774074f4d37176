"""The agent's audio cache: files named by sha256, verified on arrival, kept decoded for an instant start."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

import tts


class CacheError(ValueError):
    """Audio that must not be played: its bytes do not match the sha256 the schedule named."""


class AudioCache:
    """`<sha256>.mp3` as received, and `<sha256>.<rate>.pcm` decoded, so arming an item is a file read."""

    def __init__(self, directory: Path, sample_rate: int) -> None:
        self.directory = directory
        self.sample_rate = sample_rate
        directory.mkdir(parents=True, exist_ok=True)

    def _pcm_path(self, sha256: str) -> Path:
        return self.directory / f"{sha256}.{self.sample_rate}.pcm"

    def has(self, sha256: str) -> bool:
        return self._pcm_path(sha256).exists()

    def store(self, sha256: str, data: bytes) -> None:
        """Check the bytes against their name, decode them, and write both files atomically."""
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise CacheError(f"audio {sha256[:12]} arrived with sha256 {actual[:12]}; not cached")
        samples = tts.decode(data, "mp3", sample_rate=self.sample_rate).samples
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)  # as the station's playout does
        _write_atomically(self.directory / f"{sha256}.mp3", data)
        _write_atomically(self._pcm_path(sha256), pcm.astype("<i2").tobytes())

    def pcm(self, sha256: str) -> np.ndarray:
        return np.fromfile(self._pcm_path(sha256), dtype="<i2")

    def size_bytes(self) -> int:
        return sum(path.stat().st_size for path in self.directory.glob("*.*") if path.suffix in (".mp3", ".pcm"))


def _write_atomically(path: Path, data: bytes) -> None:
    """A power cut while writing leaves the old file or none, never a truncated one that looks cached."""
    temporary = path.with_suffix(path.suffix + ".part")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
