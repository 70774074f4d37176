"""Write the intro and outro chimes as WAV files: ``python -m tts.write_chimes [FOLDER]`` (default audio_samples)."""

from __future__ import annotations

import sys
from pathlib import Path

from tts.chime import write_chimes

if __name__ == "__main__":
    for path in write_chimes(Path(sys.argv[1] if len(sys.argv) > 1 else "audio_samples")):
        print(path)
