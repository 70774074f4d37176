"""The voices a station can speak with: the embedded espeak-ng ones, Piper and Coqui voices installed in
a voices directory, and the published voices it could install.

A voice id names its engine: ``vi`` (and the other espeak-ng ids), ``piper:<file stem>``,
``coqui:<name>``. The voices directory is passed in, never read from a global, so tests, the CLI and
the web app each say which one they mean. Keep one catalogue per directory in a process: it keeps the
loaded models, which take a second or more to load.

In the directory, a Piper voice is ``<stem>.onnx`` with ``<stem>.onnx.json`` (any voice dropped there
works) and optionally ``<stem>.about.json`` (label, source, licence, sha256, written by the installer);
a Coqui voice is ``<name>.coqui.json`` (a model name, or a checkpoint and config path).
"""

from __future__ import annotations

import importlib.util
import json
import threading
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from tts.engines.base import Engine
from tts.engines.coqui import INSTALL_HINT, CoquiEngine
from tts.engines.espeak import EspeakEngine
from tts.engines.piper import PiperEngine
from tts.voices import VOICES

PIPER_PREFIX, COQUI_PREFIX = "piper:", "coqui:"
_UNKNOWN_LICENCE = "Chưa rõ: hãy kiểm tra giấy phép trước khi phát sóng"


@dataclass(frozen=True)
class VoiceInfo:
    """What the voice picker and the catalogue page show about one voice."""

    id: str
    label: str
    engine: str
    """``espeak``, ``piper`` or ``coqui``."""
    source: str
    licence: str
    installed: bool = True
    problem: str | None = None
    """Why an installed voice cannot speak now (a missing optional package), in Vietnamese; None if it can."""


@dataclass(frozen=True)
class PublishedFile:
    """One file of a published voice; ``sha256`` is None where the hash could not be pinned."""

    name: str
    url: str
    size: int
    sha256: str | None = None


@dataclass(frozen=True)
class PublishedVoice:
    """A voice that ``install_voice`` can download."""

    name: str
    label: str
    licence: str
    source: str
    files: tuple[PublishedFile, ...]


@cache
def _data() -> dict:
    return tomllib.loads((files("tts") / "data" / "voice_catalogue.toml").read_text(encoding="utf-8"))


@cache
def published_piper_voices() -> dict[str, PublishedVoice]:
    """The published Vietnamese Piper voices, by name (``vi_VN-vais1000-medium``…)."""
    piper = _data()["piper"]
    voices = {}
    for name, voice in piper["voices"].items():
        base = f"{piper['base_url']}/{voice['path']}"
        published = tuple(
            PublishedFile(f["name"], f"{base}/{f['name']}?download=true", f["size"], f.get("sha256"))
            for f in voice["files"]
        )
        source = f"rhasspy/piper-voices trên Hugging Face ({base})"
        voices[name] = PublishedVoice(name, voice["label"], voice["licence"], source, published)
    return voices


@cache
def known_coqui_models() -> dict[str, dict[str, str]]:
    """Coqui model names the catalogue knows the licence of, with their label and licence."""
    return dict(_data()["coqui"]["models"])


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def coqui_problem() -> str | None:
    """Why Coqui voices cannot speak here, or None when the ``TTS`` package is importable."""
    if importlib.util.find_spec("TTS") is None:
        return f"Chưa cài Coqui TTS: {INSTALL_HINT}"
    return None


class VoiceCatalogue:
    """Voices of one voices directory (None: only the embedded espeak-ng voices)."""

    def __init__(self, voices_dir: Path | None = None) -> None:
        self.voices_dir = voices_dir
        self._engines: dict[tuple[str, int], Engine] = {}
        self._lock = threading.Lock()
        self._espeak = EspeakEngine()

    def _piper_files(self) -> dict[str, Path]:
        if self.voices_dir is None or not self.voices_dir.is_dir():
            return {}
        models = sorted(self.voices_dir.glob("*.onnx"))
        return {m.name.removesuffix(".onnx"): m for m in models if m.with_name(m.name + ".json").is_file()}

    def _coqui_files(self) -> dict[str, Path]:
        if self.voices_dir is None or not self.voices_dir.is_dir():
            return {}
        return {p.name.removesuffix(".coqui.json"): p for p in sorted(self.voices_dir.glob("*.coqui.json"))}

    def _piper_info(self, stem: str, model: Path) -> VoiceInfo:
        about = _read_json(model.with_name(f"{stem}.about.json"))
        published = published_piper_voices().get(stem)
        label = about.get("label") or (published.label if published else f"Piper {stem}")
        source = about.get("source") or f"Tệp trong thư mục giọng đọc ({model.name})"
        return VoiceInfo(PIPER_PREFIX + stem, label, "piper", source, about.get("licence") or _UNKNOWN_LICENCE)

    def _coqui_info(self, name: str, path: Path) -> VoiceInfo:
        spec = _read_json(path)
        known = known_coqui_models().get(spec.get("model", ""), {})
        label = spec.get("label") or known.get("label") or f"Coqui {name}"
        source = _data()["coqui"]["source"] + (f": {spec['model']}" if spec.get("model") else ": mô hình trên đĩa")
        licence = spec.get("licence") or known.get("licence") or _UNKNOWN_LICENCE
        return VoiceInfo(COQUI_PREFIX + name, label, "coqui", source, licence, problem=coqui_problem())

    def voices(self) -> list[VoiceInfo]:
        """Installed voices, espeak-ng first: what a bulletin can be read with."""
        espeak = _data()["espeak"]
        found = [VoiceInfo(v, label, "espeak", espeak["source"], espeak["licence"]) for v, label in VOICES.items()]
        found += [self._piper_info(stem, model) for stem, model in self._piper_files().items()]
        found += [self._coqui_info(name, path) for name, path in self._coqui_files().items()]
        return found

    def available(self) -> list[VoiceInfo]:
        """Installed voices, then the published ones that are not installed yet (for the catalogue page)."""
        installed = self.voices()
        ids = {v.id for v in installed}
        missing = [
            VoiceInfo(PIPER_PREFIX + name, p.label, "piper", p.source, p.licence, installed=False)
            for name, p in published_piper_voices().items()
            if PIPER_PREFIX + name not in ids
        ]
        installed_models = {_read_json(path).get("model") for path in self._coqui_files().values()}
        coqui_source = _data()["coqui"]["source"]
        missing += [
            VoiceInfo(f"{COQUI_PREFIX}{model}", about["label"], "coqui", f"{coqui_source}: {model}", about["licence"],
                      installed=False)
            for model, about in known_coqui_models().items()
            if model not in installed_models
        ]  # fmt: skip
        return installed + missing

    def info(self, voice_id: str) -> VoiceInfo:
        """The installed voice ``voice_id``; ValueError naming the installed voices otherwise."""
        for voice in self.voices():
            if voice.id == voice_id:
                return voice
        known = ", ".join(v.id for v in self.voices())
        raise ValueError(f"unknown voice {voice_id!r}; installed voices: {known}")

    def engine_for(self, voice_id: str) -> Engine:
        """The engine that speaks ``voice_id``, loaded once and kept while its files do not change."""
        if voice_id in VOICES:
            return self._espeak
        self.info(voice_id)  # raises for an unknown voice
        if voice_id.startswith(PIPER_PREFIX):
            path = self._piper_files()[voice_id.removeprefix(PIPER_PREFIX)]
        else:
            path = self._coqui_files()[voice_id.removeprefix(COQUI_PREFIX)]
        key = (voice_id, path.stat().st_mtime_ns)
        with self._lock:
            if key not in self._engines:
                self._engines[key] = self._make_engine(voice_id, path)
            return self._engines[key]

    @staticmethod
    def _make_engine(voice_id: str, path: Path) -> Engine:
        if voice_id.startswith(PIPER_PREFIX):
            return PiperEngine(voice_id, path)
        spec = _read_json(path)
        if spec.get("model_path"):
            return CoquiEngine(voice_id, model_path=Path(spec["model_path"]), config_path=Path(spec["config_path"]))
        return CoquiEngine(voice_id, model=spec["model"])
