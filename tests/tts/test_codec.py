"""MP3 encoding and decoding through imageio-ffmpeg, checked by decoding and measuring."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from tests.tts.signals import rms_db
from tts import Audio, decode, encode_mp3, finish, synthesize


@pytest.fixture(scope="module")
def speech() -> Audio:
    return finish(synthesize("Trạm Y tế xã thông báo lịch tiêm chủng tháng 12/2024. Đề nghị bà con đưa trẻ đi tiêm."))


def test_mp3_round_trip_keeps_duration_and_energy(speech: Audio) -> None:
    mp3 = encode_mp3(speech)
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF
    back = decode(mp3)
    assert back.sample_rate == speech.sample_rate
    assert abs(back.duration_s - speech.duration_s) < 0.1
    assert abs(rms_db(back) - rms_db(speech)) < 1.0


def test_bitrate_sets_the_size(speech: Audio) -> None:
    small, large = encode_mp3(speech, "32k"), encode_mp3(speech, "64k")
    assert len(small) < 0.7 * len(large)
    assert abs(len(large) * 8 / speech.duration_s - 64_000) < 16_000


def test_decode_resamples(speech: Audio) -> None:
    back = decode(encode_mp3(speech), "mp3", sample_rate=16000)
    assert back.sample_rate == 16000
    assert abs(back.duration_s - speech.duration_s) < 0.1
    assert abs(rms_db(back) - rms_db(speech)) < 1.0


def test_decode_other_formats_given_explicitly(speech: Audio) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(speech.sample_rate)
        writer.writeframes((speech.samples * 32767).astype("<i2").tobytes())
    back = decode(buffer.getvalue(), "wav")
    np.testing.assert_allclose(back.samples, speech.samples, atol=1e-4)


def test_undecodable_data_raises_value_error() -> None:
    with pytest.raises(ValueError, match="could not decode"):
        decode(b"this is not audio", "mp3")
