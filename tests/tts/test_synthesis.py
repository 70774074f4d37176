"""``tts.synthesize`` through the real espeak-ng engine: the audio is measured, not just produced."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tests.tts.signals import rms_db, silent_gaps_s, voiced_fraction
from tts import DEFAULT_VOICE, VOICES, normalize, synthesize

SENTENCE = "Kính thưa bà con, hôm nay ngày 6/9/2024, UBND xã tổ chức tiêm vắc xin từ 7h30 đến 11h00."


def test_sentence_has_plausible_duration_and_energy() -> None:
    audio = synthesize(SENTENCE)
    syllables = len(normalize(SENTENCE).split())
    assert audio.sample_rate == 22050
    assert audio.samples.dtype == np.float32
    # Announcers read 3-6 syllables a second; espeak at its default rate sits inside that.
    assert syllables / 7 < audio.duration_s < syllables / 2.5
    assert -30 < rms_db(audio) < -6
    assert voiced_fraction(audio) > 0.6
    assert np.max(np.abs(audio.samples)) <= 1.0


@pytest.mark.parametrize("voice", sorted(VOICES))
def test_every_voice_speaks(voice: str) -> None:
    audio = synthesize("Xin chào bà con thôn 4.", voice=voice)
    assert 0.8 < audio.duration_s < 4
    assert rms_db(audio) > -30


def test_voices_sound_different() -> None:
    north, south = (synthesize("Bà con chú ý.", voice=v).samples for v in ("vi", "vi-VN-x-south"))
    assert north.shape != south.shape or not np.allclose(north, south)


def test_unknown_voice_raises() -> None:
    with pytest.raises(ValueError, match="unknown voice"):
        synthesize("Xin chào", voice="en")


def test_speed_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="speed"):
        synthesize("Xin chào", speed=0)


def test_faster_speed_is_shorter() -> None:
    normal = synthesize(SENTENCE, DEFAULT_VOICE, 1.0).duration_s
    fast = synthesize(SENTENCE, DEFAULT_VOICE, 1.5).duration_s
    assert fast < 0.8 * normal


def test_pauses_after_sentences_and_paragraphs() -> None:
    audio = synthesize("Bà con chú ý. Bão đang đến.\n\nĐề nghị bà con ở trong nhà.")
    gaps = silent_gaps_s(audio, shortest_s=0.25)
    assert len(gaps) == 2
    sentence_gap, paragraph_gap = gaps
    assert 0.3 <= sentence_gap <= 0.45
    assert 0.65 <= paragraph_gap <= 0.8


def test_nothing_to_say_is_empty_audio() -> None:
    audio = synthesize(" ... \n\n")
    assert audio.duration_s == 0


def test_concurrent_calls_give_the_same_audio_as_serial_ones() -> None:
    # espeak-ng varies a few samples from run to run, so compare length and level, not samples;
    # without the engine lock, concurrent calls mix each other's chunks or crash.
    texts = ["Thôn 1 họp lúc 19h.", "Thôn 2 họp lúc 20h.", "Thôn 3 nghỉ.", "Thôn 4 họp lúc 7h30."] * 2
    serial = [synthesize(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(synthesize, texts))
    for one, other in zip(serial, parallel, strict=True):
        assert abs(one.duration_s - other.duration_s) < 0.02 * one.duration_s
        assert abs(rms_db(one) - rms_db(other)) < 0.5
