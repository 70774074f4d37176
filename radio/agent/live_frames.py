"""Live audio on the agents' WebSocket: binary frames of PCM, each with the instant (station clock) its first
sample must sound at, so every loudspeaker of a village plays the officer's voice on the same sample.

Shared by the station (which sends) and the agent (which plays); the text messages stay JSON.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

LIVE_RATE = 16000  # speech over horn loudspeakers: 8 kHz of bandwidth is plenty, and 256 kbit/s per box
_MAGIC = b"LIV1"
_HEADER = struct.Struct("<4sIdI")  # magic, broadcast id of the village's airing, play-at instant, sample rate


@dataclass(frozen=True)
class LiveFrame:
    broadcast_id: int
    play_at: float  # station clock, seconds since the epoch
    sample_rate: int
    samples: np.ndarray  # int16 mono

    def pack(self) -> bytes:
        header = _HEADER.pack(_MAGIC, self.broadcast_id, self.play_at, self.sample_rate)
        return header + self.samples.astype("<i2", copy=False).tobytes()

    @classmethod
    def unpack(cls, data: bytes) -> LiveFrame:
        """ValueError on anything that is not a live frame."""
        if len(data) < _HEADER.size:
            raise ValueError("live frame too short")
        magic, broadcast_id, play_at, sample_rate = _HEADER.unpack_from(data)
        if magic != _MAGIC or not 8000 <= sample_rate <= 192000 or (len(data) - _HEADER.size) % 2:
            raise ValueError("not a live frame")
        samples = np.frombuffer(data, dtype="<i2", offset=_HEADER.size).astype(np.int16)
        return cls(broadcast_id, play_at, sample_rate, samples)
