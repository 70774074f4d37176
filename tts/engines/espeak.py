"""espeak-ng through ctypes, using the library and data that the ``espeakng-loader`` wheel ships.

No system package is needed. The PyPI wrappers for espeak-ng call the ``espeak-ng`` program instead,
which a pip-only install lacks, hence the few direct ctypes calls here.

espeak-ng keeps global state (current voice, rate, one synthesis callback) and is not thread-safe:
every call into it holds ``_LOCK``, and the library is initialised once, lazily, on first use.
"""

from __future__ import annotations

import ctypes
import threading

import espeakng_loader
import numpy as np

from tts.audio import Audio
from tts.voices import VOICES

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_EE_OK = 0
# espeak-ng's own words-per-minute default and the limits it accepts.
_NORMAL_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_LOCK = threading.Lock()


class _Library:
    """The loaded, initialised library and the buffer its callback fills."""

    def __init__(self) -> None:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int

        data_path = espeakng_loader.get_data_path().encode()
        self.sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if self.sample_rate <= 0:
            raise RuntimeError(f"espeak-ng failed to initialise with data at {data_path!r}")
        self.chunks: list[np.ndarray] = []
        # Kept as an attribute: ctypes does not keep the callback alive, and espeak would call freed memory.
        self._callback = _SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        self.lib = lib

    def _collect(self, wav: ctypes._Pointer, count: int, _events: int | None) -> int:
        if count > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0 = keep synthesising


_library: _Library | None = None


def _get_library() -> _Library:
    """Load and initialise espeak-ng on first use (caller holds ``_LOCK``)."""
    global _library
    if _library is None:
        _library = _Library()
    return _library


class EspeakEngine:
    """The espeak-ng voices for Northern, Central and Southern Vietnamese."""

    voices = frozenset(VOICES)

    def speak(self, sentence: str, voice: str, speed: float) -> Audio:
        """Synthesise one sentence; ``speed`` scales espeak's 175 words-per-minute default."""
        if voice not in self.voices:
            raise ValueError(f"espeak-ng has no voice {voice!r}; choose one of {sorted(self.voices)}")
        words_per_minute = min(max(round(_NORMAL_WPM * speed), _MIN_WPM), _MAX_WPM)
        text = sentence.encode("utf-8")
        with _LOCK:
            library = _get_library()
            lib = library.lib
            if lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise RuntimeError(f"espeak-ng could not load voice {voice!r}")
            lib.espeak_SetParameter(_RATE, words_per_minute, 0)
            library.chunks = []
            status = lib.espeak_Synth(text, len(text) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            chunks, library.chunks = library.chunks, []
        if status != _EE_OK:
            raise RuntimeError(f"espeak-ng failed to synthesise (status {status})")
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Audio(samples.astype(np.float32) / 32768.0, library.sample_rate)
