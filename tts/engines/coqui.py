"""Coqui TTS models (the optional extra ``commune-radio[coqui]``), by model name or local checkpoint.

Imported lazily: Coqui needs torch and torchaudio (gigabytes), which a station without this extra does
not have; listing or choosing other voices must not pay for it. A named model is downloaded by Coqui
itself into its own cache the first time it is used, so that needs a connection once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from tts.audio import Audio

INSTALL_HINT = "pip install 'commune-radio[coqui]'"


class EngineUnavailable(RuntimeError):
    """The engine's optional packages are not installed; the message says how to install them."""


def load_coqui(model: str | None = None, model_path: Path | None = None, config_path: Path | None = None) -> Any:
    """``TTS.api.TTS`` for a model name, or for a local checkpoint and its config."""
    try:
        from TTS.api import TTS
    except ImportError as error:
        raise EngineUnavailable(f"Coqui TTS is not installed ({error}); install it with: {INSTALL_HINT}") from error
    if model_path is not None:
        return TTS(model_path=str(model_path), config_path=str(config_path), progress_bar=False)
    return TTS(model_name=model or "", progress_bar=False)


class CoquiEngine:
    """One Coqui model, loaded on first use; ``speed`` scales a VITS model's length scale."""

    def __init__(
        self, voice_id: str, model: str | None = None, model_path: Path | None = None, config_path: Path | None = None
    ) -> None:
        self.voices = frozenset({voice_id})
        self._source = (model, model_path, config_path)
        self._tts: Any = None
        self._normal_length = 1.0
        self._lock = threading.Lock()  # the model's length scale is state shared by all calls

    def speak(self, sentence: str, voice: str, speed: float) -> Audio:
        """Synthesise one sentence (Coqui's own sentence splitting is off: it gets one already)."""
        if voice not in self.voices:
            raise ValueError(f"this Coqui engine speaks {sorted(self.voices)}, not {voice!r}")
        with self._lock:
            if self._tts is None:
                self._tts = load_coqui(*self._source)
                self._normal_length = getattr(self._tts.synthesizer.tts_model, "length_scale", 1.0)
            rate = self._tts.synthesizer.output_sample_rate
            if not sentence.strip():
                return Audio(np.zeros(0, dtype=np.float32), rate)
            model = self._tts.synthesizer.tts_model
            if hasattr(model, "length_scale"):
                model.length_scale = self._normal_length / speed
            samples = np.asarray(self._tts.tts(text=sentence, split_sentences=False), dtype=np.float32)
            return Audio(samples, rate)
