"""``tts.render``: chimes, reading twice, loudness, MP3 and Ogg/Opus, and the synthesis cache; all measured
on the decoded audio."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tests.tts.signals import peak_db, silent_gaps_s
from tts import Audio, RenderOptions, VoiceCatalogue, chime, decode, install_voice_file, measure_loudness, render
from tts.chime import write_chimes

TEXT = "Kính thưa bà con. Thôn 4 họp lúc 19h30 tại nhà văn hóa."
TINY = Path(__file__).parents[1] / "fixtures" / "voices" / "tiny-vi.onnx"


def _decoded(rendered_format: str, data: bytes) -> Audio:
    return decode(data, "mp3" if rendered_format == "mp3" else "ogg")


def _strongest_hz(audio: Audio, start_s: float, end_s: float) -> float:
    part = audio.samples[round(start_s * audio.sample_rate) : round(end_s * audio.sample_rate)]
    spectrum = np.abs(np.fft.rfft(part * np.hanning(part.size)))
    return float(np.argmax(spectrum) * audio.sample_rate / part.size)


@pytest.fixture(scope="module")
def plain() -> tuple[float, Audio]:
    rendered = render(TEXT)
    return rendered.duration_s, _decoded("mp3", rendered.data)


@pytest.mark.parametrize("fmt", ["mp3", "opus"])
def test_output_is_at_broadcast_loudness_in_both_formats(fmt: str) -> None:
    rendered = render(TEXT, RenderOptions(format=fmt))
    assert rendered.mime_type == {"mp3": "audio/mpeg", "opus": "audio/ogg"}[fmt]
    assert rendered.data[:4] == b"OggS" if fmt == "opus" else rendered.data[:3] in (b"ID3", b"\xff\xfb")
    audio = _decoded(fmt, rendered.data)
    assert abs(audio.duration_s - rendered.duration_s) < 0.1
    assert abs(measure_loudness(audio) - -16.0) <= 1.0
    assert peak_db(audio) < -0.3  # -1 dBTP before encoding; lossy coding adds a few tenths of a dB


def test_opus_is_smaller_than_mp3() -> None:
    assert len(render(TEXT, RenderOptions(format="opus")).data) < 0.7 * len(render(TEXT).data)


def test_chimes_frame_the_bulletin(plain: tuple[float, Audio]) -> None:
    speech_s, _ = plain
    rendered = render(TEXT, RenderOptions(intro_chime=True, outro_chime=True))
    audio = _decoded("mp3", rendered.data)
    bell_s = chime().duration_s
    assert abs(audio.duration_s - (speech_s + 2 * (bell_s + 0.6))) < 0.2
    # The intro rises from C5 towards G5, the outro falls back: compare the first and last note of each.
    assert _strongest_hz(audio, 0.0, 0.25) < _strongest_hz(audio, 0.6, 0.85)
    end = audio.duration_s
    assert _strongest_hz(audio, end - bell_s, end - bell_s + 0.25) > _strongest_hz(audio, end - bell_s + 0.6, end - 0.6)
    assert abs(measure_loudness(audio) - -16.0) <= 1.0


def test_reading_twice_repeats_after_the_gap(plain: tuple[float, Audio]) -> None:
    speech_s, _ = plain
    rendered = render(TEXT, RenderOptions(readings=2, gap_between_readings_s=3.0))
    audio = _decoded("mp3", rendered.data)
    assert abs(audio.duration_s - (2 * speech_s + 3.0)) < 0.2
    assert max(silent_gaps_s(audio)) == pytest.approx(3.0, abs=0.25)


def test_preview_returns_the_spoken_form_and_warnings() -> None:
    rendered = render("Liên hệ XYZ lúc 7h.")
    assert rendered.spoken == "Liên hệ ích i dài dét lúc bảy giờ."
    assert [w.token for w in rendered.warnings] == ["XYZ"]


def test_the_lexicon_shapes_the_audio_not_only_the_text() -> None:
    plain_text, taught = render("Gọi XYZ."), render("Gọi XYZ.", lexicon={"XYZ": "công ty"})
    assert taught.spoken == "Gọi công ty." and taught.warnings == []
    assert taught.duration_s < plain_text.duration_s


def test_cache_reuses_identical_renderings_only(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = render(TEXT, cache_dir=cache)
    again = render(TEXT, cache_dir=cache)
    assert (first.from_cache, again.from_cache) == (False, True)
    assert again.data == first.data and again.sha256 == first.sha256 and again.duration_s == first.duration_s
    assert not render(TEXT, RenderOptions(speed=1.2), cache_dir=cache).from_cache
    assert not render(TEXT, RenderOptions(voice="vi-VN-x-south"), cache_dir=cache).from_cache
    assert not render(TEXT, lexicon={"nhà văn hóa": "hội trường"}, cache_dir=cache).from_cache
    assert not render(TEXT + " ", RenderOptions(format="opus"), cache_dir=cache).from_cache
    assert all(not p.name.startswith(".") for p in cache.iterdir())  # no half-written files left
    assert len(list(cache.glob("*.json"))) == 5


def test_a_piper_voice_renders_too(tmp_path: Path) -> None:
    install_voice_file(TINY, tmp_path)
    options = RenderOptions(voice="piper:tiny-vi", intro_chime=True)
    rendered = render(TEXT, options, catalogue=VoiceCatalogue(tmp_path), cache_dir=tmp_path / "cache")
    audio = _decoded("mp3", rendered.data)
    assert audio.sample_rate == 16000 and audio.duration_s > chime().duration_s + 1


@pytest.mark.parametrize("bad", [{"format": "wav"}, {"readings": 0}, {"readings": 4}, {"gap_between_readings_s": -1}])
def test_bad_options_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RenderOptions(**bad)  # type: ignore[arg-type]


def test_chime_files_are_written(tmp_path: Path) -> None:
    intro, outro = write_chimes(tmp_path)
    for path in (intro, outro):
        with wave.open(str(path)) as reader:
            assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 44100)
            assert 1.0 < reader.getnframes() / 44100 < 3.0
