"""Installing voices into a voices directory: published Piper voices downloaded, others from disk.

Every install is atomic: files are written under temporary names in the voices directory, checked
(exact size, sha256 where it is pinned, and the voice must load through Piper's own loader), and only
then renamed into place, the model last, so the catalogue never sees half a voice. Messages of
``VoiceInstallError`` are Vietnamese: the CLI and the web page show them as they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from piper import PiperVoice

from tts.catalogue import (
    COQUI_PREFIX,
    PIPER_PREFIX,
    PublishedFile,
    PublishedVoice,
    VoiceCatalogue,
    VoiceInfo,
    known_coqui_models,
    published_piper_voices,
)

_CHUNK = 1 << 20
_NAME = re.compile(r"^[\w.-]+$")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(file_name, bytes_done, bytes_total)`` while downloading."""


class VoiceInstallError(RuntimeError):
    """A voice could not be installed; nothing was changed in the voices directory."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _staging(voices_dir: Path) -> Iterator[Path]:
    """A temporary folder inside the voices directory (same file system, so renames are atomic)."""
    voices_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=voices_dir))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _download(file: PublishedFile, target: Path, timeout_s: float, progress: Progress | None) -> None:
    """Stream ``file`` to ``target``, checking its size and pinned sha256."""
    digest, done = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(file.url, timeout=timeout_s) as response, target.open("wb") as out:
            while block := response.read(_CHUNK):
                done += len(block)
                if done > file.size:
                    raise VoiceInstallError(f"Tệp {file.name} lớn hơn kích thước đã biết ({file.size} byte).")
                digest.update(block)
                out.write(block)
                if progress:
                    progress(file.name, done, file.size)
    except OSError as error:  # URLError, timeouts and refused connections are all OSErrors
        raise VoiceInstallError(f"Không tải được {file.name} ({error}). Máy có kết nối Internet không?") from error
    if done != file.size:
        raise VoiceInstallError(f"Tệp {file.name} tải về được {done} byte, cần {file.size} byte.")
    if file.sha256 and digest.hexdigest() != file.sha256:
        raise VoiceInstallError(f"Tệp {file.name} sai mã kiểm tra sha256: tệp hỏng hoặc bị thay đổi.")


def _check_loads(model: Path, config: Path) -> int:
    """Load the voice with Piper's own loader (as the engine will); returns its sample rate."""
    try:
        return PiperVoice.load(model, config_path=config).config.sample_rate
    except Exception as error:  # onnxruntime and json raise many types; all mean "not a usable voice"
        raise VoiceInstallError(f"Tệp {model.name} không phải giọng Piper dùng được: {error}") from error


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _commit(staged_model: Path, staged_config: Path, stem: str, voices_dir: Path, about: dict) -> VoiceInfo:
    """Move a checked voice into place: config and description first, the model (which makes it visible) last."""
    os.replace(staged_config, voices_dir / f"{stem}.onnx.json")
    _write_json(voices_dir / f"{stem}.about.json", about)
    os.replace(staged_model, voices_dir / f"{stem}.onnx")
    return VoiceCatalogue(voices_dir).info(PIPER_PREFIX + stem)


def install_voice(
    name: str,
    voices_dir: Path,
    *,
    published: PublishedVoice | None = None,
    timeout_s: float = 60.0,
    progress: Progress | None = None,
) -> VoiceInfo:
    """Download the published Piper voice ``name`` (e.g. ``vi_VN-vais1000-medium``) into ``voices_dir``.

    ``published`` replaces the catalogue's entry (a mirror, or a test server). Raises VoiceInstallError.
    """
    if published is None:
        if name not in published_piper_voices():
            known = ", ".join(published_piper_voices())
            raise VoiceInstallError(f"Không có giọng “{name}” trong danh mục. Các giọng có thể tải: {known}.")
        published = published_piper_voices()[name]
    model_file = next((f for f in published.files if f.name.endswith(".onnx")), None)
    config_file = next((f for f in published.files if f.name.endswith(".onnx.json")), None)
    if model_file is None or config_file is None:
        raise VoiceInstallError(f"Giọng “{name}” trong danh mục thiếu tệp .onnx hoặc .onnx.json.")
    with _staging(voices_dir) as staging:
        model, config = staging / model_file.name, staging / config_file.name
        _download(config_file, config, timeout_s, progress)
        _download(model_file, model, timeout_s, progress)
        _check_loads(model, config)
        about = {
            "label": published.label,
            "source": published.source,
            "licence": published.licence,
            "sha256": _sha256(model),
        }
        return _commit(model, config, model_file.name.removesuffix(".onnx"), voices_dir, about)


def install_voice_file(
    path: Path, voices_dir: Path, *, label: str | None = None, licence: str | None = None
) -> VoiceInfo:
    """Install a Piper voice from disk: ``path`` is its ``.onnx`` (the ``.onnx.json`` must be beside it).

    A published voice is recognised by its sha256 and keeps its catalogue label and licence.
    Raises VoiceInstallError.
    """
    model_source = path.with_name(path.name.removesuffix(".json")) if path.name.endswith(".onnx.json") else path
    config_source = model_source.with_name(model_source.name + ".json")
    if model_source.suffix != ".onnx" or not model_source.is_file() or not config_source.is_file():
        raise VoiceInstallError(f"Cần tệp giọng .onnx và tệp .onnx.json đi kèm; không thấy ở {model_source}.")
    stem = model_source.name.removesuffix(".onnx")
    if not _NAME.match(stem):
        raise VoiceInstallError(f"Tên tệp “{model_source.name}” chỉ được gồm chữ, số, dấu chấm, gạch ngang, gạch dưới.")
    with _staging(voices_dir) as staging:
        model, config = staging / model_source.name, staging / config_source.name
        shutil.copyfile(model_source, model)
        shutil.copyfile(config_source, config)
        _check_loads(model, config)
        sha256 = _sha256(model)
        published = next((p for p in published_piper_voices().values() for f in p.files if f.sha256 == sha256), None)
        about = {
            "label": label or (published.label if published else f"Piper {stem}"),
            "source": published.source if published else f"Tệp cài từ đĩa ({model_source.name})",
            "licence": licence or (published.licence if published else None),
            "sha256": sha256,
        }
        return _commit(model, config, stem, voices_dir, {k: v for k, v in about.items() if v})


def register_coqui_voice(
    name: str,
    voices_dir: Path,
    *,
    model: str | None = None,
    model_path: Path | None = None,
    config_path: Path | None = None,
    label: str | None = None,
) -> VoiceInfo:
    """Offer a Coqui model as voice ``coqui:<name>``: a Coqui model name, or a local checkpoint and config.

    The model itself is not loaded here (a named one is downloaded by Coqui on first use). Raises VoiceInstallError.
    """
    if not _NAME.match(name):
        raise VoiceInstallError(f"Tên giọng “{name}” chỉ được gồm chữ, số, dấu chấm, gạch ngang, gạch dưới.")
    if (model is None) == (model_path is None):
        raise VoiceInstallError("Cần đúng một trong hai: tên mô hình Coqui, hoặc đường dẫn tệp mô hình.")
    if model_path is not None and not (model_path.is_file() and config_path is not None and config_path.is_file()):
        raise VoiceInstallError("Cần tệp mô hình Coqui và tệp cấu hình config.json của nó.")
    spec = {"label": label} if label else {}
    if model is not None:
        spec["model"] = model
        if model in known_coqui_models():
            spec["licence"] = known_coqui_models()[model]["licence"]
    else:
        spec |= {"model_path": str(model_path.resolve()), "config_path": str(config_path.resolve())}
    voices_dir.mkdir(parents=True, exist_ok=True)
    _write_json(voices_dir / f"{name}.coqui.json", spec)
    return VoiceCatalogue(voices_dir).info(COQUI_PREFIX + name)


def remove_voice(voice_id: str, voices_dir: Path) -> None:
    """Remove an installed Piper or Coqui voice (the embedded espeak-ng voices cannot be removed)."""
    if voice_id.startswith(PIPER_PREFIX):
        stem = voice_id.removeprefix(PIPER_PREFIX)
        names = [f"{stem}.onnx", f"{stem}.onnx.json", f"{stem}.about.json"]  # the model first: it makes the voice
    elif voice_id.startswith(COQUI_PREFIX):
        names = [f"{voice_id.removeprefix(COQUI_PREFIX)}.coqui.json"]
    else:
        raise VoiceInstallError(f"Không gỡ được giọng “{voice_id}”: giọng có sẵn của phần mềm.")
    if not (voices_dir / names[0]).is_file():
        raise VoiceInstallError(f"Chưa cài giọng “{voice_id}”.")
    for name in names:
        (voices_dir / name).unlink(missing_ok=True)
