"""Issue-3 features through the UI and API of a real server: a Piper voice next to espeak, the commune
lexicon with its listen button, preview warnings, legacy-encoded text, the voice catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import tts
from tests.audio_checks import RATE, decode_mp3, window_rms_db
from tests.conftest import start_server, stop_server

FIXTURES = Path(__file__).parents[1] / "fixtures" / "voices"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data_dir = tmp_path_factory.mktemp("voices") / "data"
    tts.install_voice_file(FIXTURES / "tiny-vi.onnx", data_dir / "voices")  # as `radio voices install --file` does
    server = start_server(data_dir)
    yield server.client()
    stop_server(server)


def _preview_audio(client: httpx.Client, **form: str) -> tuple[str, bytes]:
    page = client.post("/bulletins/new", data={"text": "Xin chào bà con.", "action": "preview", **form})
    assert page.status_code == 200, page.text
    sha = re.search(r'<audio controls src="/audio/([0-9a-f]{64})\.mp3"', page.text).group(1)
    return page.text, client.get(f"/audio/{sha}.mp3").content


def test_a_bulletin_switches_between_espeak_and_a_piper_voice(client: httpx.Client) -> None:
    page = client.get("/bulletins/new").text
    assert 'value="piper:tiny-vi"' in page and 'value="vi-VN-x-south"' in page
    _, espeak = _preview_audio(client, voice="vi")
    _, piper = _preview_audio(client, voice="piper:tiny-vi")
    assert espeak != piper
    for audio in (espeak, piper):
        samples = decode_mp3(audio)
        assert len(samples) / RATE > 0.3 and window_rms_db(samples).max() > -40
    _, slow = _preview_audio(client, voice="vi", speed="0.8")
    assert len(decode_mp3(slow)) > len(decode_mp3(espeak)) * 1.1
    _, twice = _preview_audio(client, voice="vi", readings="2", chimes="1")
    assert len(decode_mp3(twice)) > 2 * len(decode_mp3(espeak))


def test_preview_warns_about_what_the_reader_may_get_wrong(client: httpx.Client) -> None:
    response = client.post("/api/preview", json={"text": "Đề nghị các hộ liên hệ HTXNN Đông Phong trước 17h."})
    assert response.status_code == 200
    warnings = response.json()["warnings"]
    assert [w["token"] for w in warnings if w["kind"] == "unknown_acronym"] == ["HTXNN"]
    page = client.post("/bulletins/new", data={"text": "Liên hệ HTXNN.", "voice": "vi", "action": "preview"}).text
    assert "Cần xem lại trước khi phát" in page and "HTXNN" in page


def test_lexicon_is_heard_before_saving_and_applied_after(client: httpx.Client) -> None:
    entries = "Nà Hin\tNà Hỉn\nVNeID\tvê en e ai đi\n"
    heard = client.post("/lexicon", data={"text": entries, "phrase": "Bản Nà Hin dùng VNeID.", "action": "listen"})
    assert heard.status_code == 200 and "Bản Nà Hỉn dùng vê en e ai đi." in heard.text
    assert "<audio controls" in heard.text
    assert client.get("/api/lexicon").json()["text"] == ""  # listening saves nothing
    saved = client.post("/lexicon", data={"text": entries, "action": "save"}, follow_redirects=True)
    assert "Đã lưu từ điển phát âm" in saved.text
    spoken = client.post("/api/preview", json={"text": "Họp ở bản Nà Hin."}).json()["spoken_text"]
    assert "Nà Hỉn" in spoken
    bad = client.put("/api/lexicon", json={"text": "/[unclosed/\tx\n"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "text"
    assert client.get("/api/lexicon").json()["text"] == entries


def test_text_pasted_in_tcvn3_is_converted(client: httpx.Client) -> None:
    legacy = "Th«ng b¸o häp th«n"  # "Thông báo họp thôn" in the TCVN3 (ABC) encoding
    response = client.post("/api/bulletins", json={"text": legacy, "zones": ["thon-dong"]})
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "Thông báo họp thôn"


def test_catalogue_shows_sources_and_licences(client: httpx.Client) -> None:
    voices = {v["id"]: v for v in client.get("/api/voices").json()}
    assert voices["piper:tiny-vi"]["installed"] and voices["vi"]["licence"] == "GPL-3.0-or-later"
    assert voices["coqui:tts_models/vie/fairseq/vits"]["licence"].startswith("CC-BY-NC")
    page = client.get("/voices").text
    assert "CC-BY-NC 4.0" in page and "Sẵn sàng" in page
