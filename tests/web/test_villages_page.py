"""The "Thôn, xóm" page: a village added on a running station is on the air at once, without a restart."""

from __future__ import annotations

import time

from tests.conftest import LiveServer
from tests.web.streams import StreamRecorder


def test_a_village_added_from_the_page_streams_at_once_and_can_be_renamed(live_server: LiveServer) -> None:
    admin = live_server.client()
    added = admin.post("/villages", data={"name": "Thôn Bắc Sơn"}, follow_redirects=True)
    assert added.status_code == 200 and "Đã thêm Thôn Bắc Sơn" in added.text
    assert "thon-bac-son" in admin.get("/api/zones").text

    recorder = StreamRecorder(f"{live_server.url}/zones/thon-bac-son/live.mp3")
    recorder.start()
    time.sleep(3)
    levels = recorder.finish()
    assert len(levels) >= 10 and levels.max() < -60  # a real MP3 stream of the new village, silent while idle

    clash = admin.post("/villages", data={"name": "Thôn Bắc Sơn"})
    assert clash.status_code == 422 and "Đã có thôn, xóm với tên đường dẫn “thon-bac-son”" in clash.text
    renamed = admin.post("/villages/thon-bac-son", data={"name": "Thôn Bắc Sơn 2"}, follow_redirects=True)
    assert "Thôn Bắc Sơn 2" in renamed.text
    assert admin.post("/villages/khong-co", data={"name": "X"}).status_code == 422
    assert "village.add" in admin.get("/audit.csv").text
