"""The airing-rules page on a real server: fields checked and named, village overrides obeyed by
planning, and a volume ceiling heard on the village stream (an emergency ignores it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from tests.conftest import LiveServer
from tests.web.streams import StreamRecorder, wait_for

VILLAGES = ("thon-dong", "thon-tay", "xom-dong-bai", "ban-na-hin", "to-dan-pho-5")


def rules_form(**changes: str) -> dict[str, str]:
    form = {f"{slug}.{name}": "" for slug in ("commune", *VILLAGES)
            for name in ("quiet_hours", "weekdays", "max_session_minutes", "volume_limits")}  # fmt: skip
    form.update(changes)
    return form


def test_bad_rules_are_named_and_nothing_is_saved(live_server: LiveServer) -> None:
    client = live_server.client()
    before = client.get("/rules").text
    response = client.post(
        "/rules", data=rules_form(**{"commune.quiet_hours": "9h-5h", "thon-tay.weekdays": "189",
                                     "ban-na-hin.volume_limits": "05:00-06:00=120"}),
    )  # fmt: skip
    assert response.status_code == 422
    for words in ("Cả xã: giờ không phát viết dạng 21:00-05:00.", "Thôn Tây: ngày phát là các số 1",
                  "Bản Nà Hin: Mức âm lượng"):  # fmt: skip
        assert words in response.text
    assert client.get("/rules").text == before


def test_village_rules_are_obeyed_and_the_ceiling_is_heard(live_server: LiveServer) -> None:
    client = live_server.client()
    saved = client.post(
        "/rules", data=rules_form(**{"thon-dong.volume_limits": "00:00-00:00=50", "thon-tay.max_session_minutes": "1"}),
        follow_redirects=True,
    )  # fmt: skip
    assert "Đã lưu quy định phát" in saved.text
    long_session = {"title": "Dài", "zones": ["thon-tay"], "items": [{"kind": "gap", "seconds": 120}],
                    "start_time": "08:00", "repeat": "daily"}  # fmt: skip
    refused = client.post("/api/programmes", json=long_session)
    assert refused.status_code == 422 and "vượt giới hạn 1 phút" in refused.json()["detail"][0]["message"]

    limited = StreamRecorder(f"{live_server.url}/zones/thon-dong/live.mp3")
    full = StreamRecorder(f"{live_server.url}/zones/xom-dong-bai/live.mp3")
    limited.start()
    full.start()
    at = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    text = "Mời bà con đến nhà văn hóa thôn họp bàn kế hoạch làm đường giao thông nông thôn."
    made = client.post("/api/bulletins", json={"text": text, "zones": ["thon-dong", "xom-dong-bai"], "air_at": at})
    assert made.status_code == 201, made.text
    wait_for(client, lambda rows: all(r["status"] == "aired" for r in rows if r["bulletin_id"] == made.json()["id"]))
    quiet, loud = limited.finish(), full.finish()
    speech_quiet, speech_loud = np.sort(quiet)[-20:].mean(), np.sort(loud)[-20:].mean()
    assert abs((speech_loud - speech_quiet) - 6.0) < 1.5  # 50 % amplitude is 6 dB down


def test_rules_tightened_after_planning_name_the_programmes_that_now_break_them(live_server: LiveServer) -> None:
    client = live_server.client()
    programme = client.post("/api/programmes", json={
        "title": "Phát thanh buổi trưa", "zones": ["xom-dong-bai"], "start_time": "11:30", "rrule": "FREQ=DAILY",
        "items": [{"kind": "gap", "seconds": 30}],
    })  # fmt: skip
    assert programme.status_code == 201, programme.text
    saved = client.post("/rules", data=rules_form(**{"xom-dong-bai.quiet_hours": "11:00-13:00"}), follow_redirects=True)
    assert "1 chương trình đã lên lịch trái quy định" in saved.text
    assert "Phát thanh buổi trưa</a>: Xóm Đồng Bãi:" in saved.text
    client.post("/rules", data=rules_form())  # back to no rules for the other tests of this module
    assert "trái quy định" not in client.get("/rules").text
    client.post(f"/api/programmes/{programme.json()['id']}/cancel")
