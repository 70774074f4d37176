"""The Coqui engine through the real ``TTS(model_path=…, config_path=…)`` loader, on a tiny random-weight VITS.

The model is built by tests/fixtures/voices/make_tiny_coqui_vits.py with Coqui's own classes, saved as a
checkpoint and config the way Coqui saves trained models, then registered and spoken like any voice.
Needs the optional extra ``commune-radio[coqui]`` (torch, torchaudio, torchcodec); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    from tests.fixtures.voices.make_tiny_coqui_vits import build_tiny_vits
except (ImportError, OSError) as error:  # torchaudio's CUDA-only build fails with OSError, not ImportError
    pytest.skip(
        f"Coqui TTS is not importable here ({type(error).__name__}: {str(error).strip().splitlines()[0]}); "
        "install it with: pip install 'commune-radio[coqui]'",
        allow_module_level=True,
    )

from tests.tts.signals import rms_db
from tts import VoiceCatalogue, register_coqui_voice, speak_sentences, synthesize

TEXT = "Kính thưa bà con. Thôn 4 họp lúc 19h30."


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build_tiny_vits(tmp_path_factory.mktemp("coqui"))


@pytest.fixture(scope="module")
def catalogue(tiny_vits: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> VoiceCatalogue:
    voices_dir = tmp_path_factory.mktemp("voices")
    register_coqui_voice("tiny", voices_dir, model_path=tiny_vits[0], config_path=tiny_vits[1], label="Coqui thử")
    return VoiceCatalogue(voices_dir)


def test_registered_model_is_catalogued_and_usable(catalogue: VoiceCatalogue) -> None:
    info = catalogue.info("coqui:tiny")
    assert (info.engine, info.label, info.problem) == ("coqui", "Coqui thử", None)


def test_coqui_voice_speaks_through_the_real_loader(catalogue: VoiceCatalogue) -> None:
    audio = synthesize(TEXT, "coqui:tiny", catalogue=catalogue)
    assert audio.sample_rate == 16000
    assert 0.5 < audio.duration_s < 30
    assert rms_db(audio) > -80
    assert len(list(speak_sentences(TEXT, "coqui:tiny", catalogue=catalogue))) == 2


def test_speed_changes_the_coqui_duration(catalogue: VoiceCatalogue) -> None:
    slow = synthesize(TEXT, "coqui:tiny", 0.5, catalogue=catalogue).duration_s
    fast = synthesize(TEXT, "coqui:tiny", 2.0, catalogue=catalogue).duration_s
    assert fast < 0.5 * slow
