"""The station's own sound card as a playout sink, through sounddevice (PortAudio).

PortAudio is a system library (Debian: libportaudio2); when it is absent the station still
streams, and says so once at start-up instead of failing.
"""

from __future__ import annotations

import logging
import queue
import threading

import numpy as np

log = logging.getLogger(__name__)


class LocalOutput:
    """Plays blocks on a sound device from its own thread so a slow device never stalls the zone clock."""

    def __init__(self, sample_rate: int, device: str | None = None) -> None:
        import sounddevice  # imported here: it raises OSError at import when PortAudio is missing

        self._stream = sounddevice.OutputStream(
            samplerate=sample_rate, channels=1, dtype="int16", device=device or None, latency="high"
        )
        self._blocks: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=100)
        self._stream.start()
        self._thread = threading.Thread(target=self._run, name="local-output", daemon=True)
        self._thread.start()

    def write(self, block: np.ndarray) -> None:
        try:
            self._blocks.put_nowait(block)
        except queue.Full:
            log.warning("local output is behind; dropping a block")

    def _run(self) -> None:
        while (block := self._blocks.get()) is not None:
            self._stream.write(block.reshape(-1, 1))

    def close(self) -> None:
        self._blocks.put(None)
        self._thread.join(timeout=5)
        self._stream.stop()
        self._stream.close()


def open_local_output(sample_rate: int, device: str | None) -> LocalOutput | None:
    """Open the sound card, or log once why the station will stream only."""
    try:
        return LocalOutput(sample_rate, device)
    except OSError as error:
        log.warning("local sound output unavailable (%s); streaming only", error)
    except Exception as error:  # PortAudioError and device lookup errors have no common base
        log.warning("local sound output could not open device %r (%s); streaming only", device, error)
    return None
