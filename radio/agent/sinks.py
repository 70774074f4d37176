"""Where the agent's audio goes: the sound card in production, a file or nothing in tests.

Every sink is fed by the same playout clock, so a test through a file sink exercises the production path.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

import numpy as np

_WAV_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")  # RIFF, size, WAVE, "fmt ", 16, PCM, channels, rate, …, data, size
_WAV_SIZE_MAX = 0xFFFFFFFF  # past 4 GiB the sizes say "unknown length", as streaming WAV writers do
TIMES_SUFFIX = ".times"


class AgentSink(Protocol):
    def write(self, block: np.ndarray) -> None: ...
    def close(self) -> None: ...


class FileSink:
    """Everything the loudspeakers would have played, silence included, as a mono 16-bit WAV (any player,
    Audacity or soundfile opens it), plus `PATH.times`: one text line per block that is not pure silence,
    `UNIX_TIME FIRST_SAMPLE COUNT`, the wall-clock instant the block was handed to the output and where it
    sits in the WAV. The lines give exact timings (tests and bench/sync.py read them with read_file_sink).

    A restarted agent appends to the same files, so the time it was stopped is not in the WAV (the .times
    lines show the jump). The header's sizes are kept current after every block, so the file is readable
    while the agent runs and after it is killed."""

    def __init__(self, path: Path, sample_rate: int) -> None:
        self.path = path
        self._samples = _open_wav(path, sample_rate)
        self._wav: BinaryIO = path.open("r+b")
        self._wav.truncate(_WAV_HEADER.size + 2 * self._samples)  # a block cut short by a kill is dropped
        self._times = _open_times(path.with_name(path.name + TIMES_SUFFIX))

    def write(self, block: np.ndarray) -> None:
        handed_over = time.time()
        first = self._samples
        self._wav.seek(_WAV_HEADER.size + 2 * first)
        self._wav.write(block.astype("<i2").tobytes())
        self._samples += len(block)
        data = 2 * self._samples
        riff, data = (data + 36, data) if data + 36 <= _WAV_SIZE_MAX else (_WAV_SIZE_MAX, _WAV_SIZE_MAX)
        self._wav.seek(4)
        self._wav.write(struct.pack("<I", riff))
        self._wav.seek(40)
        self._wav.write(struct.pack("<I", data))
        self._wav.flush()  # the samples are in the file before a .times line points at them
        if block.any():
            self._times.write(f"{handed_over:.6f} {first} {len(block)}\n")
            self._times.flush()

    def close(self) -> None:
        self._wav.close()
        self._times.close()


def _open_wav(path: Path, sample_rate: int) -> int:
    """Samples already in `path` (a WAV this sink wrote at this rate), after creating it if absent; ValueError
    for any other file, which is never overwritten."""
    if not path.exists() or path.stat().st_size == 0:
        header = _WAV_HEADER.pack(b"RIFF", 36, b"WAVE", b"fmt ", 16, 1, 1, sample_rate, 2 * sample_rate, 2, 16,
                                  b"data", 0)  # fmt: skip
        path.write_bytes(header)
        return 0
    with path.open("rb") as existing:
        head = existing.read(_WAV_HEADER.size)
    fields = _WAV_HEADER.unpack(head) if len(head) == _WAV_HEADER.size else (None,) * 13
    riff, _, wave, _, _, pcm, channels, rate, _, _, bits, data, _ = fields
    if (riff, wave, data, pcm, channels, rate, bits) != (b"RIFF", b"WAVE", b"data", 1, 1, sample_rate, 16):
        raise ValueError(f"{path} exists and is not a mono 16-bit WAV at {sample_rate} Hz written by this sink;"
                         " remove it or name another file")  # fmt: skip
    return (path.stat().st_size - _WAV_HEADER.size) // 2


def _open_times(path: Path) -> TextIO:
    """The .times file for appending, without the half line a killed agent may have left at its end."""
    if path.exists():
        content = path.read_bytes()
        if content and not content.endswith(b"\n"):
            with path.open("r+b") as partial:
                partial.truncate(content.rfind(b"\n") + 1)
    return path.open("a", encoding="ascii")


class NullSink:
    def write(self, block: np.ndarray) -> None:
        pass

    def close(self) -> None:
        pass


def read_file_sink(path: Path) -> Iterator[tuple[float, np.ndarray]]:
    """The (instant, samples) of every block a FileSink wrote that was not pure silence, in order; for tests
    and the sync benchmark. Safe while the agent is writing (a line still being written is left out)."""
    times = path.with_name(path.name + TIMES_SUFFIX)
    if not times.exists():
        return
    lines = [line.split() for line in times.read_text(encoding="ascii").splitlines(keepends=True) if
             line.endswith("\n")]  # fmt: skip
    if not lines:
        return
    samples = np.memmap(path, dtype="<i2", mode="r", offset=_WAV_HEADER.size)  # read after the lines: holds them
    for instant, first, count in lines:
        yield float(instant), np.array(samples[int(first) : int(first) + int(count)])


def open_sink(spec: str, sample_rate: int) -> AgentSink:
    """`sounddevice[:DEVICE]`, `file:PATH` or `null`; raises ValueError with the reason when it cannot open."""
    kind, _, argument = spec.partition(":")
    if kind == "file" and argument:
        try:
            return FileSink(Path(argument), sample_rate)
        except OSError as error:
            raise ValueError(f"cannot write {argument}: {error}") from error
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
