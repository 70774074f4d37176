"""Where the agent's audio goes: the sound card in production, a file or nothing in tests.

Every sink is fed by the same playout clock, so a test through a file sink exercises the production path.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

_HEADER = struct.Struct("<dI")  # time.time() when the block was handed over, sample count


class AgentSink(Protocol):
    def write(self, block: np.ndarray) -> None: ...
    def close(self) -> None: ...


class FileSink:
    """Raw PCM with timestamps: each block that is not pure silence, prefixed by the wall-clock instant it
    was handed over and its length. Silence is left out so hours of idle time cost nothing."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("ab")

    def write(self, block: np.ndarray) -> None:
        handed_over = time.time()
        if block.any():
            self._file.write(_HEADER.pack(handed_over, len(block)) + block.astype("<i2").tobytes())
            self._file.flush()

    def close(self) -> None:
        self._file.close()


class NullSink:
    def write(self, block: np.ndarray) -> None:
        pass

    def close(self) -> None:
        pass


def read_file_sink(path: Path) -> Iterator[tuple[float, np.ndarray]]:
    """The (instant, samples) blocks a FileSink wrote; for tests and the sync benchmark."""
    data = path.read_bytes()
    position = 0
    while position + _HEADER.size <= len(data):
        instant, count = _HEADER.unpack_from(data, position)
        position += _HEADER.size
        yield instant, np.frombuffer(data, dtype="<i2", count=count, offset=position)
        position += 2 * count


def open_sink(spec: str, sample_rate: int) -> AgentSink:
    """`sounddevice[:DEVICE]`, `file:PATH` or `null`; raises ValueError with the reason when it cannot open."""
    kind, _, argument = spec.partition(":")
    if kind == "file" and argument:
        return FileSink(Path(argument))
    if kind == "null" and not argument:
        return NullSink()
    if kind == "sounddevice":
        from radio.local_output import LocalOutput

        try:
            return LocalOutput(sample_rate, argument or None)
        except Exception as error:  # OSError without PortAudio; PortAudioError and lookup errors have no common base
            raise ValueError(f"cannot open sound device {argument or 'default'!r}: {error}") from error
    raise ValueError(f"unknown sink {spec!r}; use sounddevice[:DEVICE], file:PATH or null")


def sound_starts(path: Path, sample_rate: int, gap_s: float = 0.5) -> list[float]:
    """Instant of the first sounding sample of each item a FileSink recorded (items are separated by at
    least `gap_s` of silence); how tests and the sync benchmark measure when loudspeakers really started."""
    starts: list[float] = []
    last_end = float("-inf")
    for instant, samples in read_file_sink(path):
        sounding = np.flatnonzero(samples)
        first = instant + sounding[0] / sample_rate
        if first - last_end > gap_s:
            starts.append(first)
        last_end = instant + (sounding[-1] + 1) / sample_rate
    return starts
