"""Real-time factor of the default text-to-speech pipeline on the shared bulletin corpus.

Runs normalize -> synthesize -> finish -> encode_mp3 on every bulletin in ../shared/corpus/bulletins,
prints one line per bulletin and, last, ``rtf=<pipeline wall seconds / audio seconds>``.

    .venv/bin/python bench/tts_rtf.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BULLETINS = REPO.parent / "shared" / "corpus" / "bulletins"
if not BULLETINS.is_dir():
    BULLETINS = REPO / "tests" / "fixtures" / "corpus" / "bulletins"  # the copy kept in the repository

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(REPO))

import tts  # noqa: E402


def main() -> int:
    paths = sorted(BULLETINS.glob("*.txt"))
    if not paths:
        print(f"no bulletins found in {BULLETINS}", file=sys.stderr)
        return 1
    tts.synthesize("Xin chào.")  # load espeak-ng and its Vietnamese data outside the timing
    total_wall = total_audio = 0.0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        spoken = tts.normalize(text)
        normalized = time.perf_counter()
        audio = tts.synthesize(text)
        synthesized = time.perf_counter()
        finished = tts.finish(audio)
        mastered = time.perf_counter()
        mp3 = tts.encode_mp3(finished)
        encoded = time.perf_counter()
        wall = encoded - started
        total_wall += wall
        total_audio += finished.duration_s
        print(
            f"{path.stem}: {len(spoken.split())} words, {finished.duration_s:.1f} s audio, "
            f"{tts.measure_loudness(finished):.1f} LUFS, {len(mp3) // 1024} KiB mp3; "
            f"normalize {normalized - started:.3f} s, synthesize {synthesized - normalized:.3f} s, "
            f"finish {mastered - synthesized:.3f} s, encode {encoded - mastered:.3f} s, "
            f"rtf {wall / finished.duration_s:.4f}"
        )
    print(f"rtf={total_wall / total_audio:.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
