"""Programmes over real HTTP: create, list the week's airings, refuse a clash, clone, edit, cancel, upload audio."""

from __future__ import annotations

import io
import wave

import httpx
import numpy as np
import pytest

from tests.conftest import LiveServer, start_server, stop_server

MORNING = {
    "title": "Buổi sáng",
    "zones": ["thon-dong", "thon-tay"],
    "items": [{"kind": "chime"}, {"kind": "gap", "seconds": 60}],
    "start_time": "06:00",
    "repeat": "weekdays",
    "weekdays": [1, 2, 3, 4, 5, 6],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    server = start_server(tmp_path_factory.mktemp("programmes") / "data", RADIO_QUIET_HOURS="21:00-05:00")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def client(server: LiveServer) -> httpx.Client:
    return server.client()


def test_programme_lifecycle(client: httpx.Client) -> None:
    created = client.post("/api/programmes", json=MORNING)
    assert created.status_code == 201, created.text
    programme = created.json()
    assert [i["kind"] for i in programme["items"]] == ["chime", "gap"]
    assert programme["rrule"] == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"

    week = client.get("/api/airings", params={"zone": "thon-dong"}).json()
    mine = [a for a in week if a["programme_id"] == programme["id"]]
    assert 5 * 2 <= len(mine) <= 7 * 2  # six mornings a week, two items each, seen from any weekday
    assert {a["status"] for a in mine} == {"planned"}

    clash = client.post("/api/programmes", json={**MORNING, "title": "Tin xã", "zones": ["thon-dong"]})
    assert clash.status_code == 422
    message = clash.json()["detail"][0]["message"]
    assert "trùng với chương trình “Buổi sáng”" in message and "Khung giờ trống gần nhất: 06:02" in message

    other_village = client.post("/api/programmes", json={**MORNING, "title": "Tin bản", "zones": ["ban-na-hin"]})
    assert other_village.status_code == 201

    copy = client.post(f"/api/programmes/{programme['id']}/clone", params={"start_time": "17:00"})
    assert copy.status_code == 201 and copy.json()["title"] == "Buổi sáng (bản sao)"

    edited = client.put(f"/api/programmes/{programme['id']}", json={**MORNING, "start_time": "06:30"})
    assert edited.status_code == 200, edited.text
    times = {a["planned_at"][11:16] for a in client.get("/api/airings", params={"zone": "thon-dong"}).json()
             if a["programme_id"] == programme["id"] and a["status"] == "planned"}  # fmt: skip
    assert times == {"23:30"}  # 06:30 commune time, in UTC

    cancelled = client.post(f"/api/programmes/{programme['id']}/cancel").json()["cancelled_airings"]
    assert cancelled >= 10
    statuses = {a["status"] for a in client.get("/api/airings", params={"zone": "thon-tay"}).json()
                if a["programme_id"] == programme["id"]}  # fmt: skip
    assert statuses == {"cancelled"}


def test_quiet_hours_refusal_and_emergency_exemption(client: httpx.Client) -> None:
    night = {**MORNING, "title": "Đêm", "zones": ["to-dan-pho-5"], "start_time": "22:00", "repeat": "daily"}
    refused = client.post("/api/programmes", json=night)
    assert refused.status_code == 422 and "giờ không phát (21:00–05:00)" in refused.json()["detail"][0]["message"]
    urgent = client.post("/api/programmes", json={**night, "priority": "emergency"})
    assert urgent.status_code == 201


def _wav(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        tone = (np.sin(np.arange(int(16000 * seconds)) * 2 * np.pi * 330 / 16000) * 3000).astype("<i2")
        writer.writeframes(tone.tobytes())
    return out.getvalue()


def test_audio_upload_is_decoded_normalised_and_usable_in_a_programme(client: httpx.Client) -> None:
    uploaded = client.post("/api/audio", files={"file": ("loi-chao.wav", _wav(3.0), "audio/wav")})
    assert uploaded.status_code == 201, uploaded.text
    asset = uploaded.json()
    assert abs(asset["duration_s"] - 3.0) < 0.1 and abs(asset["loudness_lufs"] + 16) < 1
    item = {"kind": "audio", "audio_sha256": asset["sha256"], "title": "Lời chào"}
    created = client.post(
        "/api/programmes", json={**MORNING, "title": "Có tệp", "zones": ["xom-dong-bai"], "items": [item]}
    )
    assert created.status_code == 201 and created.json()["items"][0]["duration_s"] == pytest.approx(3.0, abs=0.1)

    garbage = client.post("/api/audio", files={"file": ("x.mp3", b"\x00not audio" * 1000, "audio/mpeg")})
    assert garbage.status_code == 422 and "Không đọc được tệp âm thanh" in garbage.json()["detail"]


def test_oversize_upload_is_refused_before_it_is_stored(tmp_path_factory: pytest.TempPathFactory) -> None:
    server = start_server(tmp_path_factory.mktemp("small") / "data", RADIO_MAX_UPLOAD_MB="1")
    try:
        client = server.client()
        before = (
            {p.name for p in (server.data_dir / "audio").glob("*")} if (server.data_dir / "audio").exists() else set()
        )
        response = client.post("/api/audio", files={"file": ("big.wav", _wav(40.0), "audio/wav")})
        assert response.status_code == 413 and "giới hạn 1 MB" in response.json()["detail"]
        after = (
            {p.name for p in (server.data_dir / "audio").glob("*")} if (server.data_dir / "audio").exists() else set()
        )
        assert after == before
    finally:
        stop_server(server)
