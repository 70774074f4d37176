"""``tts.Audio`` keeps its promise of mono float32 samples for every consumer."""

from __future__ import annotations

import numpy as np
import pytest

from tts import DEFAULT_VOICE, VOICES, Audio


def test_samples_become_float32_and_duration_follows_the_rate() -> None:
    audio = Audio(np.zeros(11025, dtype=np.int16), 22050)
    assert audio.samples.dtype == np.float32
    assert audio.duration_s == 0.5


@pytest.mark.parametrize(("samples", "rate"), [(np.zeros((10, 2)), 22050), (np.zeros(10), 0)])
def test_stereo_or_bad_rate_is_refused(samples: np.ndarray, rate: int) -> None:
    with pytest.raises(ValueError):
        Audio(samples, rate)


def test_voices_have_vietnamese_labels() -> None:
    assert DEFAULT_VOICE in VOICES
    assert VOICES == {"vi": "Giọng miền Bắc", "vi-VN-x-central": "Giọng miền Trung", "vi-VN-x-south": "Giọng miền Nam"}
