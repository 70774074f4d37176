"""Village streams as third-party players hear them, on a real server: MP3 with ICY titles and Ogg/Opus
joined mid-stream while a bulletin airs, each listener in the listener evidence and on the fleet page."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import numpy as np

from tests.audio_checks import WINDOW_S, window_rms_db
from tests.conftest import LiveServer
from tests.web.stream_clients import Player, decode, parse_icy

TITLE = "Thông báo: lịch tiêm chủng đợt 2 ở nhà văn hoá thôn"
SPEECH_DB = -40.0
SILENCE_DB = -70.0


def _speech_then_silence(samples: np.ndarray, label: str) -> None:
    levels = window_rms_db(samples)
    speech = np.flatnonzero(levels > SPEECH_DB)
    assert len(speech) * WINDOW_S > 3.0, f"{label}: no speech heard"
    assert levels[: max(speech[0] - 3, 1)].max() < SILENCE_DB, f"{label}: not silent before the bulletin"
    assert levels[-5:].max() < SILENCE_DB, f"{label}: not silent after the bulletin"


def test_mp3_with_icy_titles_and_ogg_joined_mid_stream(live_server: LiveServer) -> None:
    client = live_server.client()
    time.sleep(1.0)  # both encoders have long sent their first pages: the Ogg player joins mid-stream
    mp3 = Player(f"{live_server.url}/zones/thon-dong/live.mp3", icy=True)
    ogg = Player(f"{live_server.url}/zones/thon-dong/live.ogg", user_agent="IP-Speaker/1.0")
    mp3.start()
    ogg.start()
    time.sleep(1.0)
    response = client.post(
        "/api/bulletins",
        json={"title": TITLE, "text": "Trạm y tế xã tiêm chủng cho trẻ em dưới 5 tuổi vào sáng thứ bảy.",
              "voice": "vi", "zones": ["thon-dong"], "air_at": (datetime.now(UTC) + timedelta(seconds=2)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    bulletin_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = [r for r in client.get("/api/broadcasts").json() if r["bulletin_id"] == bulletin_id]
        if rows and rows[0]["status"] == "aired":
            break
        time.sleep(0.5)
    time.sleep(2.5)  # the silence after it, and at least two more metadata points
    mp3.finish()
    ogg.finish()

    assert mp3.status == ogg.status == 200
    assert mp3.headers is not None and ogg.headers is not None
    assert ogg.headers["content-type"] == "audio/ogg" and "icy-metaint" not in ogg.headers
    metaint = int(mp3.headers["icy-metaint"])
    audio, titles = parse_icy(bytes(mp3.raw), metaint)
    announced = [title for _, title in titles]
    assert announced[0] == "" and TITLE in announced and announced[-1] == "", announced
    assert announced.count(TITLE) == 1, "a title is announced once, when it changes"
    _speech_then_silence(decode(audio, "mp3"), "mp3")
    # the title came with the speech: its metadata point falls within a second of where the speech starts
    offset = next(at for at, title in titles if title == TITLE)
    speech_at = np.flatnonzero(window_rms_db(decode(audio, "mp3")) > SPEECH_DB)[0] * WINDOW_S
    assert abs(offset / (64000 / 8) - speech_at) < 1.5
    assert bytes(ogg.raw[:4]) == b"OggS"
    _speech_then_silence(decode(bytes(ogg.raw), "ogg"), "ogg")

    listeners = _listeners_when_closed(client, 2)
    by_format = {row["format"]: row for row in listeners}
    assert by_format["mp3"]["user_agent"].startswith("VLC/") and by_format["ogg"]["user_agent"] == "IP-Speaker/1.0"
    for fmt, player in (("mp3", mp3), ("ogg", ogg)):
        row = by_format[fmt]
        assert row["zone"] == "thon-dong" and row["speaker"] is None and row["remote"] == "127.0.0.1"
        assert 0.9 * len(player.raw) <= row["bytes_sent"]
        assert datetime.fromisoformat(row["disconnected_at"]) > datetime.fromisoformat(row["connected_at"])
    page = client.get("/fleet").text
    assert "Người nghe luồng phát trực tiếp" in page and "IP-Speaker/1.0" in page and "OGG" in page


def _listeners_when_closed(client: httpx.Client, count: int) -> list[dict]:
    deadline = time.monotonic() + 15
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = client.get("/api/listeners", params={"zone": "thon-dong"}).json()
        if len(rows) >= count and all(row["disconnected_at"] for row in rows[:count]):
            return rows[:count]
        time.sleep(0.2)
    raise AssertionError(f"listener sessions not closed: {rows}")


def test_unknown_format_is_not_found(live_server: LiveServer) -> None:
    assert httpx.get(f"{live_server.url}/zones/thon-dong/live.wav").status_code == 404
