"""Voices: the catalogue, the real Piper engine on a tiny random-weight voice, and installing voices.

The voice in tests/fixtures/voices was made by the script next to it; it speaks noise, but through
``PiperVoice.load`` and onnxruntime exactly as a real voice does. Downloads are served from loopback.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.tts.signals import rms_db
from tts import (
    VoiceCatalogue,
    VoiceInstallError,
    install_voice,
    install_voice_file,
    register_coqui_voice,
    remove_voice,
    speak_sentences,
    synthesize,
)
from tts.catalogue import PublishedFile, PublishedVoice, published_piper_voices

FIXTURES = Path(__file__).parents[1] / "fixtures" / "voices"
TINY = FIXTURES / "tiny-vi.onnx"
TINY_ID = "piper:tiny-vi"
TEXT = "Kính thưa bà con. Thôn 4 họp lúc 19h30.\n\nĐề nghị bà con đến đúng giờ."


@pytest.fixture
def voices_dir(tmp_path: Path) -> Path:
    install_voice_file(TINY, tmp_path / "voices")
    return tmp_path / "voices"


@pytest.fixture
def catalogue(voices_dir: Path) -> VoiceCatalogue:
    return VoiceCatalogue(voices_dir)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback web server over a folder (base URL, folder), standing in for Hugging Face."""
    root = tmp_path / "mirror"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def _published(base_url: str, root: Path, name: str = "vi_VN-tiny-x_low", **changes: object) -> PublishedVoice:
    files = []
    for source in (TINY, TINY.with_name(TINY.name + ".json")):
        target = root / source.name.replace("tiny-vi", name)
        shutil.copyfile(source, target)
        data = target.read_bytes()
        files.append(
            PublishedFile(target.name, f"{base_url}/{target.name}", len(data), hashlib.sha256(data).hexdigest())
        )
    if "model_sha256" in changes:
        files[0] = PublishedFile(files[0].name, files[0].url, files[0].size, str(changes["model_sha256"]))
    if "model_size" in changes:
        files[0] = PublishedFile(files[0].name, files[0].url, int(str(changes["model_size"])), files[0].sha256)
    return PublishedVoice(name, "Giọng thử", "CC0", "máy chủ thử", tuple(files))


def _leftovers(voices_dir: Path) -> list[str]:
    return sorted(p.name for p in voices_dir.iterdir()) if voices_dir.exists() else []


def test_catalogue_without_a_directory_has_the_espeak_voices() -> None:
    voices = VoiceCatalogue().voices()
    assert [v.id for v in voices] == ["vi", "vi-VN-x-central", "vi-VN-x-south"]
    assert all(v.engine == "espeak" and v.licence == "GPL-3.0-or-later" for v in voices)


def test_installed_piper_voice_is_listed_with_source_and_licence(catalogue: VoiceCatalogue) -> None:
    info = catalogue.info(TINY_ID)
    assert (info.engine, info.installed, info.problem) == ("piper", True, None)
    assert "tiny-vi.onnx" in info.source and "Chưa rõ" in info.licence
    assert TINY_ID in [v.id for v in catalogue.voices()]


def test_piper_voice_speaks_through_the_real_loader(catalogue: VoiceCatalogue) -> None:
    audio = synthesize(TEXT, TINY_ID, catalogue=catalogue)
    assert audio.sample_rate == 16000
    assert 1.0 < audio.duration_s < 30
    assert rms_db(audio) > -60  # random weights make quiet noise, but not silence
    assert np.all(np.isfinite(audio.samples))


def test_speed_changes_the_piper_duration(catalogue: VoiceCatalogue) -> None:
    slow = synthesize(TEXT, TINY_ID, 0.5, catalogue=catalogue).duration_s
    fast = synthesize(TEXT, TINY_ID, 2.0, catalogue=catalogue).duration_s
    assert fast < 0.5 * slow


def test_one_bulletin_switches_between_espeak_and_piper(catalogue: VoiceCatalogue) -> None:
    espeak = synthesize(TEXT, "vi", catalogue=catalogue)
    piper = synthesize(TEXT, TINY_ID, catalogue=catalogue)
    assert (espeak.sample_rate, piper.sample_rate) == (22050, 16000)
    assert espeak.duration_s > 1 and piper.duration_s > 1


def test_audio_comes_sentence_by_sentence(catalogue: VoiceCatalogue) -> None:
    for voice in ("vi", TINY_ID):
        pieces = list(speak_sentences(TEXT, voice, catalogue=catalogue))
        assert len(pieces) == 3
        assert all(p.duration_s > 0.2 for p in pieces)


def test_unknown_voice_names_the_installed_ones(catalogue: VoiceCatalogue) -> None:
    with pytest.raises(ValueError, match="piper:tiny-vi"):
        synthesize("Xin chào", "piper:missing", catalogue=catalogue)


def test_shipped_catalogue_lists_the_published_vietnamese_voices() -> None:
    published = published_piper_voices()
    assert set(published) == {"vi_VN-vais1000-medium", "vi_VN-25hours_single-low", "vi_VN-vivos-x_low"}
    for name, voice in published.items():
        assert [f.name for f in voice.files] == [f"{name}.onnx", f"{name}.onnx.json"]
        for file in voice.files:
            quality, speaker = name.split("-")[2], name.split("-")[1]
            pattern = (
                rf"https://huggingface\.co/rhasspy/piper-voices/resolve/[0-9a-f]{{40}}/vi/vi_VN/{speaker}/{quality}/"
            )
            assert re.match(pattern + re.escape(file.name), file.url), file.url
            assert file.size > 1000 and (file.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", file.sha256))
    assert all(f.sha256 for f in published["vi_VN-vais1000-medium"].files)
    assert "NC" in published["vi_VN-vivos-x_low"].licence


def test_catalogue_page_shows_installable_voices(catalogue: VoiceCatalogue) -> None:
    missing = [v for v in catalogue.available() if not v.installed]
    piper = [v for v in missing if v.engine == "piper"]
    assert {v.id for v in piper} == {f"piper:{name}" for name in published_piper_voices()}
    assert all(v.licence and "huggingface.co/rhasspy/piper-voices" in v.source for v in piper)
    (mms,) = [v for v in missing if v.engine == "coqui"]
    assert mms.id == "coqui:tts_models/vie/fairseq/vits" and mms.licence.startswith("CC-BY-NC")


def test_install_voice_downloads_checks_and_installs(tmp_path: Path, mirror: tuple[str, Path]) -> None:
    seen: list[tuple[str, int, int]] = []
    voices_dir = tmp_path / "voices"
    info = install_voice(
        "vi_VN-tiny-x_low", voices_dir, published=_published(*mirror), progress=lambda *a: seen.append(a)
    )
    assert info.id == "piper:vi_VN-tiny-x_low" and (info.label, info.licence) == ("Giọng thử", "CC0")
    assert seen[-1][1] == seen[-1][2] == TINY.stat().st_size
    assert _leftovers(voices_dir) == [f"vi_VN-tiny-x_low.{ext}" for ext in ("about.json", "onnx", "onnx.json")]
    assert synthesize("Xin chào.", info.id, catalogue=VoiceCatalogue(voices_dir)).duration_s > 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"model_sha256": "0" * 64}, "sha256"), ({"model_size": 1000}, "lớn hơn"), ({"model_size": 10**7}, "cần")],
    ids=["wrong-hash", "too-big", "too-small"],
)
def test_a_bad_download_installs_nothing(
    tmp_path: Path, mirror: tuple[str, Path], changes: dict[str, object], message: str
) -> None:
    voices_dir = tmp_path / "voices"
    with pytest.raises(VoiceInstallError, match=message):
        install_voice("vi_VN-tiny-x_low", voices_dir, published=_published(*mirror, **changes))
    assert _leftovers(voices_dir) == []


def test_install_voice_offline_says_so(tmp_path: Path, mirror: tuple[str, Path]) -> None:
    published = _published(*mirror)
    gone = PublishedVoice(published.name, published.label, published.licence, published.source, tuple(
        PublishedFile(f.name, f.url.replace(mirror[0], "http://127.0.0.1:9"), f.size, f.sha256) for f in published.files
    ))  # fmt: skip
    with pytest.raises(VoiceInstallError, match="Internet"):
        install_voice(gone.name, tmp_path / "voices", published=gone, timeout_s=5)


def test_install_voice_refuses_unknown_names(tmp_path: Path) -> None:
    with pytest.raises(VoiceInstallError, match="vi_VN-vais1000-medium"):
        install_voice("en_US-lessac-medium", tmp_path)


def test_install_voice_file_refuses_what_piper_cannot_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    shutil.copyfile(TINY.with_name(TINY.name + ".json"), tmp_path / "broken.onnx.json")
    with pytest.raises(VoiceInstallError, match="không phải giọng Piper"):
        install_voice_file(broken, tmp_path / "voices")
    with pytest.raises(VoiceInstallError, match=".onnx.json"):
        install_voice_file(tmp_path / "nothing.onnx", tmp_path / "voices")
    assert _leftovers(tmp_path / "voices") == []


def test_remove_voice(voices_dir: Path) -> None:
    remove_voice(TINY_ID, voices_dir)
    assert TINY_ID not in [v.id for v in VoiceCatalogue(voices_dir).voices()]
    with pytest.raises(VoiceInstallError):
        remove_voice("vi", voices_dir)


def test_coqui_voices_are_catalogued_with_their_licence(tmp_path: Path) -> None:
    info = register_coqui_voice("mms", tmp_path, model="tts_models/vie/fairseq/vits")
    assert info.id == "coqui:mms" and info.engine == "coqui"
    assert "CC-BY-NC" in info.licence
    assert "tts_models/vie/fairseq/vits" in info.source
    with pytest.raises(VoiceInstallError):
        register_coqui_voice("bad name", tmp_path, model="x")


def test_streaming_refuses_a_bad_voice_before_the_first_sentence() -> None:
    with pytest.raises(ValueError, match="unknown voice"):
        speak_sentences("Xin chào.", "piper:missing")
    with pytest.raises(ValueError, match="speed"):
        speak_sentences("Xin chào.", "vi", 3.0)
