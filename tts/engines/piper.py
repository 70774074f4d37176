"""Piper voices (VITS models run by onnxruntime) from any local ``.onnx`` + ``.onnx.json`` pair.

Piper phonemises with its own embedded espeak-ng and splits text into sentences itself; the front end
already hands it one normalised sentence, so the chunks it yields are simply joined. Loudness is left
to ``finish``: Piper's per-sentence peak normalisation is turned off so sentences keep their levels.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from piper import PiperVoice
from piper.config import SynthesisConfig

from tts.audio import Audio


class PiperEngine:
    """One Piper voice, loaded on first use."""

    def __init__(self, voice_id: str, model_path: Path) -> None:
        self.voices = frozenset({voice_id})
        self.model_path = model_path
        self._voice: PiperVoice | None = None
        self._lock = threading.Lock()

    def _load(self) -> PiperVoice:
        with self._lock:
            if self._voice is None:
                self._voice = PiperVoice.load(self.model_path)
            return self._voice

    @property
    def sample_rate(self) -> int:
        """The voice's output rate (16 or 22.05 kHz for the published voices)."""
        return self._load().config.sample_rate

    def speak(self, sentence: str, voice: str, speed: float) -> Audio:
        """Synthesise one sentence; ``speed`` divides the voice's own phoneme length scale."""
        if voice not in self.voices:
            raise ValueError(f"this Piper engine speaks {sorted(self.voices)}, not {voice!r}")
        piper_voice = self._load()
        settings = SynthesisConfig(length_scale=piper_voice.config.length_scale / speed, normalize_audio=False)
        chunks = [chunk.audio_float_array for chunk in piper_voice.synthesize(sentence, syn_config=settings)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return Audio(samples, piper_voice.config.sample_rate)
