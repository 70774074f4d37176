"""The one audio type the package passes around: mono float samples and their rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# eq=False: comparing arrays element-wise inside a generated __eq__ would raise, not compare.
@dataclass(frozen=True, eq=False)
class Audio:
    """Mono audio, float32 samples in [-1, 1].

    Engines, mastering and codecs all exchange this, so it checks its invariants once here instead
    of every consumer re-checking shape and dtype.
    """

    samples: np.ndarray
    sample_rate: int

    def __post_init__(self) -> None:
        samples = np.ascontiguousarray(self.samples, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"Audio must be mono (1-D samples), got shape {samples.shape}")
        if self.sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {self.sample_rate}")
        object.__setattr__(self, "samples", samples)

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate
