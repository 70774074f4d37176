"""Phát trực tiếp in Debian's Chromium: a fake microphone playing a 1 kHz tone goes live to one village; the
tone is in that village's stream and not in another's, and the session is in the list with its recording."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.audio_checks import RATE as STREAM_RATE
from tests.audio_checks import decode_mp3
from tests.conftest import ADMIN_PASSWORD, LiveServer
from tests.web.streams import StreamRecorder
from tests.web.test_browser import CHROMIUM, CHROMIUM_FLAGS

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser
RATE = 48000


def _tone_bursts(path: Path) -> Path:
    """1 kHz in 0.3 s bursts (speech-like, so the browser's noise suppression keeps it); Chromium loops it."""
    t = np.arange(3 * RATE) / RATE
    on = (t % 0.5) < 0.3
    samples = (np.sin(2 * np.pi * 1000 * t) * 0.5 * on * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())
    return path


def _tone_share(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(freqs - 1000) < 50].sum() / max(spectrum.sum(), 1e-12))


@pytest.fixture(scope="module")
def page(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it (scripts/install-test-system-deps.sh)")
    wav = _tone_bursts(tmp_path_factory.mktemp("microphone") / "tone.wav")
    flags = [*CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
             f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="vi-VN")
        yield context.new_page()
        browser.close()


def test_officer_goes_live_to_one_village(page: object, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("text=Phát trực tiếp")
    page.wait_for_url(f"{live_server.url}/live")

    here = StreamRecorder(f"{live_server.url}/zones/thon-dong/live.mp3")
    elsewhere = StreamRecorder(f"{live_server.url}/zones/thon-tay/live.mp3")
    here.start()
    elsewhere.start()
    page.check("input.live-zone[value=thon-dong]")
    page.click("#live-start")
    page.wait_for_selector("#live-status:has-text('Đang phát trực tiếp tới: Thôn Đông')", timeout=15000)
    page.wait_for_timeout(5000)
    page.click("#live-stop")
    page.wait_for_selector("#live-status:has-text('Đã kết thúc phát trực tiếp')", timeout=20000)
    page.wait_for_timeout(1500)  # the last second reaches the stream
    in_village, in_other = decode_mp3(bytes(here.data)), decode_mp3(bytes(elsewhere.data))
    here.finish()
    elsewhere.finish()

    assert np.abs(in_village).max() > 0.05 and _tone_share(in_village, STREAM_RATE) > 0.3
    assert np.abs(in_other).max() < 0.01
    page.reload()
    row = page.locator("tbody tr").first
    assert "Thôn Đông" in row.inner_text() and "Kết thúc" in row.inner_text()
    assert row.locator("audio").count() == 1  # the recording of what was said
