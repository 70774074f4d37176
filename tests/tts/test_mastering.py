"""``tts.finish`` and ``tts.measure_loudness`` on real speech and on edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.tts.signals import peak_db
from tts import Audio, chime, finish, measure_loudness, synthesize


@pytest.fixture(scope="module")
def speech() -> Audio:
    return synthesize("Kính thưa bà con! Cơn bão số 3 đang tiến vào đất liền, đề nghị bà con chằng chống nhà cửa.")


@pytest.mark.parametrize("gain", [0.02, 1.0, 6.0], ids=["quiet", "as-synthesised", "loud-clipped"])
def test_finish_reaches_target_under_the_ceiling(speech: Audio, gain: float) -> None:
    source = Audio(np.clip(speech.samples * gain, -1, 1), speech.sample_rate)
    finished = finish(source)
    assert abs(measure_loudness(finished) - -16.0) <= 1.0
    assert peak_db(finished) < -1.0
    assert finished.duration_s == source.duration_s


def test_finish_honours_other_targets(speech: Audio) -> None:
    finished = finish(speech, target_lufs=-23.0, true_peak_dbtp=-2.0)
    assert abs(measure_loudness(finished) - -23.0) <= 1.0
    assert peak_db(finished) < -2.0


def test_chime_is_short_pleasant_and_masterable() -> None:
    bell = chime()
    assert bell.sample_rate == 22050
    assert 1.0 < bell.duration_s < 3.0
    assert abs(bell.samples[0]) < 1e-3 and abs(bell.samples[-1]) < 1e-3  # no clicks at the edges
    spectrum = np.abs(np.fft.rfft(bell.samples))
    strongest_hz = np.argmax(spectrum) * bell.sample_rate / len(bell.samples)
    assert 400 < strongest_hz < 900
    finished = finish(bell)
    assert abs(measure_loudness(finished) - -16.0) <= 1.0
    assert peak_db(finished) < -1.0


def test_silence_and_empty_audio_measure_minus_infinity_and_pass_through() -> None:
    for samples in (np.zeros(22050), np.zeros(0)):
        audio = Audio(samples, 22050)
        assert measure_loudness(audio) == -math.inf
        assert np.array_equal(finish(audio).samples, audio.samples)


def test_clip_shorter_than_a_loudness_block_is_measured(speech: Audio) -> None:
    tone = Audio(0.1 * np.sin(2 * np.pi * 1000 * np.arange(2205) / 22050), 22050)  # 100 ms
    long_tone = Audio(np.tile(tone.samples, 20), 22050)
    assert abs(measure_loudness(tone) - measure_loudness(long_tone)) < 0.5
    finished = finish(tone)
    assert abs(measure_loudness(finished) - -16.0) <= 1.0
