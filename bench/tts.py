"""Text-to-speech benchmark on the shared bulletins: each installed engine's real-time factor and time to
first audio, the text front end's throughput, and the whole broadcast rendering.

    .venv/bin/python bench/tts.py [--voices-dir DIR]

RTF is synthesis wall time (front end included) over seconds of audio, engines warmed up first. Time to
first audio is from the call to the first spoken sentence (``speak_sentences``), median over bulletins.
Piper is measured on the first real Piper voice in DIR; without one, on the tiny random-weight test
voice (which says nothing about a real voice's speed), and the line above the last says so. Coqui,
when its extra is installed, likewise on a registered voice or a tiny random-weight VITS.
The last line is ``espeak_rtf=<v> piper_rtf=<v> first_audio_ms=<v> normalize_chars_per_s=<v>``, where
first_audio_ms is the default (espeak-ng) voice's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = REPO / "tests" / "fixtures" / "corpus"  # the copy kept in the repository
TINY_VOICE = REPO / "tests" / "fixtures" / "voices" / "tiny-vi.onnx"
NORMALIZE_ROUNDS = 20

sys.path.insert(0, str(REPO))  # runnable from a checkout without installing the package

import tts  # noqa: E402
from tts.catalogue import coqui_problem  # noqa: E402


def _engine_figures(texts: list[str], voice: str, catalogue: tts.VoiceCatalogue) -> tuple[float, float, float]:
    """(RTF, median ms to first audio, seconds of audio) for one voice over all texts."""
    tts.synthesize("Xin chào bà con.", voice, catalogue=catalogue)  # load the model outside the timing
    wall = audio_s = 0.0
    first_ms = []
    for text in texts:
        started = time.perf_counter()
        first = None
        for piece in tts.speak_sentences(text, voice, catalogue=catalogue):
            if first is None:
                first = time.perf_counter() - started
            audio_s += piece.duration_s
        wall += time.perf_counter() - started
        first_ms.append(1000 * (first or 0.0))
    return wall / audio_s, statistics.median(first_ms), audio_s


def _normalize_throughput(texts: list[str]) -> float:
    tts.normalize(texts[0])  # load the data files
    started = time.perf_counter()
    for _ in range(NORMALIZE_ROUNDS):
        for text in texts:
            tts.normalize(text)
    return NORMALIZE_ROUNDS * sum(map(len, texts)) / (time.perf_counter() - started)


def _render_rtf(texts: list[str]) -> float:
    options = tts.RenderOptions(intro_chime=True, outro_chime=True)
    wall = audio_s = 0.0
    for text in texts:
        started = time.perf_counter()
        rendered = tts.render(text, options)
        wall += time.perf_counter() - started
        audio_s += rendered.duration_s
    return wall / audio_s


def _coqui(texts: list[str], registered: list[str], catalogue: tts.VoiceCatalogue, scratch: Path) -> None:
    """Coqui's figures on a registered voice, or on a tiny random-weight VITS built for the occasion."""
    if problem := coqui_problem():
        print(f"coqui: not measured ({problem})")
        return
    if registered:
        voice, note = registered[0], ""
    else:
        from tests.fixtures.voices.make_tiny_coqui_vits import build_tiny_vits

        model, config = build_tiny_vits(scratch / "coqui")
        voice = tts.register_coqui_voice("tiny", scratch, model_path=model, config_path=config).id
        catalogue, note = tts.VoiceCatalogue(scratch), " (tiny random-weight test model)"
    rtf, first_ms, _ = _engine_figures(texts, voice, catalogue)
    print(f"{voice}: rtf {rtf:.4f}, first audio {first_ms:.0f} ms{note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices-dir", type=Path, help="voices directory with installed Piper or Coqui voices")
    args = parser.parse_args()
    paths = sorted((CORPUS / "bulletins").glob("*.txt"))
    if not paths:
        print(f"no bulletins found in {CORPUS / 'bulletins'}", file=sys.stderr)
        return 1
    texts = [p.read_text(encoding="utf-8") for p in paths]
    print(f"{len(texts)} bulletins, {sum(map(len, texts))} characters")

    chars_per_s = _normalize_throughput(texts)
    print(f"front end: {chars_per_s:,.0f} characters/s ({NORMALIZE_ROUNDS} rounds)")

    espeak_rtf, espeak_first_ms, espeak_audio_s = _engine_figures(texts, tts.DEFAULT_VOICE, tts.VoiceCatalogue())
    print(f"espeak (vi): rtf {espeak_rtf:.4f}, first audio {espeak_first_ms:.0f} ms, {espeak_audio_s:.0f} s of audio")

    catalogue = tts.VoiceCatalogue(args.voices_dir) if args.voices_dir else None
    installed = catalogue.voices() if catalogue else []
    piper_voices = [v.id for v in installed if v.engine == "piper"]
    with tempfile.TemporaryDirectory() as scratch:
        if piper_voices:
            piper_voice, piper_note = piper_voices[0], f"piper measured on {piper_voices[0]}"
        else:
            catalogue = tts.VoiceCatalogue(Path(scratch))
            piper_voice = tts.install_voice_file(TINY_VOICE, Path(scratch)).id
            piper_note = "piper: no real Piper voice installed; measured on the tiny random-weight test voice"
        piper_rtf, piper_first_ms, piper_audio_s = _engine_figures(texts, piper_voice, catalogue)
        print(f"{piper_voice}: rtf {piper_rtf:.4f}, first audio {piper_first_ms:.0f} ms, {piper_audio_s:.0f} s audio")
        _coqui(texts, [v.id for v in installed if v.engine == "coqui"], catalogue, Path(scratch))

    print(f"render (espeak, chimes, -16 LUFS, MP3): rtf {_render_rtf(texts):.4f}")
    print(piper_note)
    print(
        f"espeak_rtf={espeak_rtf:.4g} piper_rtf={piper_rtf:.4g} "
        f"first_audio_ms={espeak_first_ms:.3g} normalize_chars_per_s={chars_per_s:.4g}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
