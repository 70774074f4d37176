"""The whole path on a real server: log in, plan a bulletin for two villages 2 s ahead, listen to
the live streams of a targeted and an untargeted village, and check speech, silence and the log."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from tests.audio_checks import RATE, WINDOW_S, decode_mp3, window_rms_db
from tests.conftest import LiveServer
from tests.web.streams import StreamRecorder

SPEECH_DB = -40.0  # speech windows at -16 LUFS sit far above this
SILENCE_DB = -70.0


def test_bulletin_airs_in_targeted_villages_only(live_server: LiveServer) -> None:
    client = live_server.client()
    targeted = StreamRecorder(f"{live_server.url}/zones/thon-dong/live.mp3")
    untargeted = StreamRecorder(f"{live_server.url}/zones/ban-na-hin/live.mp3")
    targeted.start()
    untargeted.start()
    time.sleep(0.5)

    planned = datetime.now(UTC) + timedelta(seconds=2)
    response = client.post(
        "/api/bulletins",
        json={
            "title": "Thông báo tiêm chủng",
            "text": "UBND xã thông báo: ngày 20/3, từ 7h30 đến 11h, trạm y tế tiêm chủng cho trẻ em dưới 5 tuổi.",
            "voice": "vi",
            "zones": ["thon-dong", "thon-tay"],
            "air_at": planned.isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    bulletin = response.json()
    assert [b["zone"] for b in bulletin["broadcasts"]] == ["thon-dong", "thon-tay"]

    deadline = time.monotonic() + 60
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = [r for r in client.get("/api/broadcasts").json() if r["bulletin_id"] == bulletin["id"]]
        if rows and all(r["status"] == "aired" for r in rows):
            break
        time.sleep(0.5)
    time.sleep(1.0)
    targeted.stop.set()
    untargeted.stop.set()
    targeted.join(10)
    untargeted.join(10)

    assert targeted.headers is not None and targeted.headers["content-type"] == "audio/mpeg"
    assert "icy-name" in targeted.headers

    # The targeted stream: silence, then speech starting at the planned instant (±1 s), then silence.
    levels = window_rms_db(decode_mp3(bytes(targeted.data)))
    speech = np.flatnonzero(levels > SPEECH_DB)
    assert len(speech) * WINDOW_S > 3.0, "the targeted village heard no speech"
    onset = targeted.connected_at + speech[0] * WINDOW_S
    assert abs(onset - planned.timestamp()) < 1.0
    assert levels[: speech[0] - 3].max() < SILENCE_DB
    assert levels[-5:].max() < SILENCE_DB

    # The untargeted stream carried only silence the whole time.
    other = decode_mp3(bytes(untargeted.data))
    assert len(other) / RATE > 4.0
    assert window_rms_db(other).max() < SILENCE_DB

    # The as-run log: both villages aired, with real times and the audio's sha256.
    assert sorted(r["zone"] for r in rows) == ["thon-dong", "thon-tay"]
    audio = client.get(f"/audio/{bulletin['audio_sha256']}.mp3").content
    assert hashlib.sha256(audio).hexdigest() == bulletin["audio_sha256"]
    duration = len(decode_mp3(audio)) / RATE
    for row in rows:
        assert row["status"] == "aired"
        assert row["audio_sha256"] == bulletin["audio_sha256"]
        started = datetime.fromisoformat(row["started_at"])
        ended = datetime.fromisoformat(row["ended_at"])
        assert abs((started - datetime.fromisoformat(row["planned_at"])).total_seconds()) < 0.05
        assert abs((ended - started).total_seconds() - duration) < 0.3

    csv_text = client.get("/api/broadcasts.csv").text
    assert csv_text.count(bulletin["audio_sha256"]) == 2
