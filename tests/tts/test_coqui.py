"""The Coqui engine through the real ``TTS(model_path=…, config_path=…)`` loader, on a tiny random-weight VITS.

The model is built here with Coqui's own classes (about 260k parameters, a second to build), saved as a
checkpoint and a config the way Coqui saves trained models, then registered and spoken like any voice.
Needs the optional extra ``commune-radio[coqui]`` (torch, torchaudio, torchcodec); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    import torch
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits
except (ImportError, OSError) as error:  # torchaudio's CUDA-only build fails with OSError, not ImportError
    pytest.skip(
        f"Coqui TTS is not importable here ({type(error).__name__}: {str(error).strip().splitlines()[0]}); "
        "install it with: pip install 'commune-radio[coqui]'",
        allow_module_level=True,
    )

from tests.tts.signals import rms_db
from tts import VoiceCatalogue, register_coqui_voice, speak_sentences, synthesize

LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵfjwz"
TEXT = "Kính thưa bà con. Thôn 4 họp lúc 19h30."


@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A character-based VITS (like the MMS models) with very small layers, saved as model.pth + config.json."""
    torch.manual_seed(1234)
    characters = CharactersConfig(
        characters_class="TTS.tts.models.vits.VitsCharacters",
        pad="<PAD>", eos="<EOS>", bos="<BOS>", blank="<BLNK>",
        characters=LETTERS, punctuations=" !,.?-:;", phonemes=None, is_unique=True, is_sorted=True,
    )  # fmt: skip
    args = VitsArgs(
        hidden_channels=16, hidden_channels_ffn_text_encoder=32, num_heads_text_encoder=2,
        num_layers_text_encoder=1, num_layers_flow=1, num_layers_posterior_encoder=1,
        upsample_rates_decoder=[8, 8, 4], upsample_initial_channel_decoder=32,
        upsample_kernel_sizes_decoder=[16, 16, 8], resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3, 5]], use_sdp=False, init_discriminator=False,
    )  # fmt: skip
    config = VitsConfig(
        model_args=args, characters=characters, use_phonemes=False, text_cleaner="multilingual_cleaners"
    )
    config.audio.sample_rate = 16000
    model = Vits.init_from_config(config)
    folder = tmp_path_factory.mktemp("coqui")
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder / "model.pth", folder / "config.json"


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
