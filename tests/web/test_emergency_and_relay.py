"""Real-clock airing over HTTP: an emergency cuts into an ordinary bulletin, which then resumes; a relay
item carries another station's stream into a village."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.audio_checks import RATE, decode_mp3
from tests.conftest import LiveServer
from tests.web.streams import StreamRecorder, wait_for

LONG_TEXT = (
    "Ủy ban nhân dân xã thông báo về việc thu thuế đất phi nông nghiệp năm 2026. "
    "Các hộ gia đình nộp thuế tại nhà văn hóa thôn từ ngày 1/12 đến ngày 15/12/2026. "
    "Đề nghị bà con mang theo thông báo nộp thuế và căn cước công dân."
)


def _airing(rows: list[dict], title: str) -> dict:
    return next((row for row in rows if row["title"] == title), {"status": "absent"})


def test_emergency_cuts_in_and_the_interrupted_bulletin_resumes(live_server: LiveServer) -> None:
    client = live_server.client()
    recorder = StreamRecorder(f"{live_server.url}/zones/thon-dong/live.mp3")
    recorder.start()
    planned = datetime.now(UTC) + timedelta(seconds=2)
    ordinary = client.post(
        "/api/bulletins",
        json={"title": "Thu thuế", "text": LONG_TEXT, "zones": ["thon-dong"], "air_at": planned.isoformat()},
    )
    assert ordinary.status_code == 201, ordinary.text
    wait_for(client, lambda rows: _airing(rows, "Thu thuế")["status"] == "on_air")
    time.sleep(3)
    urgent = client.post(
        "/api/bulletins",
        json={"title": "Cháy rừng", "text": "Cháy rừng ở đồi thông. Bà con không vào rừng.", "zones": ["thon-dong"],
              "priority": "emergency"},
    )  # fmt: skip
    assert urgent.status_code == 201, urgent.text
    rows = wait_for(client, lambda rows: all(_airing(rows, t)["status"] == "aired" for t in ("Thu thuế", "Cháy rừng")))
    levels = recorder.finish()

    interrupted, emergency = _airing(rows, "Thu thuế"), _airing(rows, "Cháy rừng")
    assert "interrupted by an emergency at" in interrupted["note"] and "resumed at" in interrupted["note"]
    log_page = client.get("/log").text
    assert "bị ngắt bởi tin khẩn cấp lúc" in log_page and "phát tiếp lúc" in log_page  # shown in Vietnamese
    start, end = (datetime.fromisoformat(interrupted[k]) for k in ("started_at", "ended_at"))
    emergency_start, emergency_end = (datetime.fromisoformat(emergency[k]) for k in ("started_at", "ended_at"))
    assert start < emergency_start < emergency_end < end
    assert emergency_start - datetime.fromisoformat(emergency["planned_at"]) < timedelta(seconds=1)

    ordinary_audio = client.get(f"/audio/{ordinary.json()['audio_sha256']}.mp3").content
    ordinary_s = len(decode_mp3(ordinary_audio)) / RATE
    aired_s = (end - start).total_seconds()
    emergency_s = (emergency_end - emergency_start).total_seconds()
    # resumed where it stopped, not restarted: its time on air is its own length plus the emergency's
    assert abs(aired_s - (ordinary_s + emergency_s)) < 0.3
    assert recorder.seconds_of_speech(levels) > emergency_s + 5


def test_relay_item_carries_another_stream(live_server: LiveServer) -> None:
    client = live_server.client()
    listener = StreamRecorder(f"{live_server.url}/zones/ban-na-hin/live.mp3")
    listener.start()
    soon = datetime.now(UTC) + timedelta(seconds=3)
    relay = client.post(
        "/api/programmes",
        json={"title": "Tiếp sóng thử", "zones": ["ban-na-hin"], "one_off_at": soon.isoformat(),
              "items": [{"kind": "relay", "relay_url": f"{live_server.url}/zones/thon-tay/live.mp3", "minutes": 0.2}]},
    )  # fmt: skip
    assert relay.status_code == 201, relay.text
    source = client.post(
        "/api/bulletins",
        json={"title": "Nguồn", "text": "Đây là đài huyện. " * 3, "zones": ["thon-tay"],
              "air_at": (soon + timedelta(seconds=2)).isoformat()},
    )  # fmt: skip
    assert source.status_code == 201
    programme_id = relay.json()["id"]
    rows = wait_for(
        client, lambda rows: [r["status"] for r in rows if r["programme_id"] == programme_id] == ["aired"], timeout=40
    )
    (relayed,) = [r for r in rows if r["programme_id"] == programme_id]
    assert relayed["kind"] == "relay" and relayed["title"].startswith("Tiếp sóng 127.0.0.1")
    started, ended = (datetime.fromisoformat(relayed[k]) for k in ("started_at", "ended_at"))
    assert abs((ended - started).total_seconds() - 12.0) < 0.2  # 0.2 minutes, however the upstream behaves
    levels = listener.finish()
    log_page = client.get("/log")
    assert log_page.status_code == 200 and "Tiếp sóng" in log_page.text  # a row with no audio file of its own
    assert listener.seconds_of_speech(levels) > 2.0  # the district speech reached this village through the relay
