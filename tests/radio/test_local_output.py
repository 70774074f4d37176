"""The sound-card path through sounddevice and PortAudio, with ALSA's file plugin standing in for a card."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

PLAY_A_TONE = textwrap.dedent("""
    import time
    import numpy as np
    from radio.local_output import open_local_output
    output = open_local_output(22050, None)
    assert output is not None, "no sound output: is Debian's libportaudio2 installed?"
    tone = (np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050) * 10000).astype(np.int16)
    for start in range(0, len(tone), 1102):
        output.write(tone[start : start + 1102])
    time.sleep(1.5)
    output.close()
""")


def test_local_output_plays_exactly_what_it_is_given(tmp_path: Path) -> None:
    capture = tmp_path / "card.raw"
    # HOME decides which ~/.asoundrc PortAudio's ALSA reads; it must be set before sounddevice loads.
    (tmp_path / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{capture}"; format "raw" }}\n'
    )
    result = subprocess.run(
        [sys.executable, "-c", PLAY_A_TONE], env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    played = np.frombuffer(capture.read_bytes(), dtype="<i2")
    expected = (np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050) * 10000).astype(np.int16)
    np.testing.assert_array_equal(played[: len(expected)], expected)


def test_missing_portaudio_means_streaming_only(caplog: object, monkeypatch: object) -> None:
    import builtins

    from radio import local_output

    real_import = builtins.__import__

    def no_portaudio(name: str, *args: object, **kwargs: object) -> object:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_portaudio)
    assert local_output.open_local_output(22050, None) is None
    assert "streaming only" in caplog.text
