"""A power cut in the middle of a programme: SIGKILL the server, start it again on the same data, and find
nothing lost and nothing aired twice."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import start_server, stop_server
from tests.web.streams import wait_for
from tests.web.test_programmes_api import _wav


def test_sigkill_mid_programme_then_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    client = first.client()
    tone = client.post("/api/audio", files={"file": ("tone.wav", _wav(4.0), "audio/wav")}).json()["sha256"]
    start = datetime.now(UTC) + timedelta(seconds=3)
    item = {"kind": "audio", "audio_sha256": tone}
    session = client.post(
        "/api/programmes",
        json={"title": "Ba mục", "zones": ["thon-dong"], "one_off_at": start.isoformat(),
              "items": [{**item, "title": "Mục 1"}, {**item, "title": "Mục 2"}, {**item, "title": "Mục 3"}]},
    ).json()  # fmt: skip
    later = client.post(
        "/api/programmes",
        json={"title": "Sau khi khởi động lại", "zones": ["thon-dong"], "items": [item],
              "one_off_at": (start + timedelta(seconds=25)).isoformat()},
    ).json()  # fmt: skip

    wait_for(client, lambda rows: any(r["title"] == "Mục 2" and r["status"] == "on_air" for r in rows))
    time.sleep(1.0)
    first.process.send_signal(signal.SIGKILL)  # no shutdown code runs: as a power cut
    first.process.wait(timeout=10)

    second = start_server(data_dir)
    try:
        client = second.client()
        dashboard = client.get("/").text
        assert "Lượt phát không thành" in dashboard and "Mục 2" in dashboard and "Bị ngắt" in dashboard
        rows = wait_for(
            client,
            lambda rows: {r["status"] for r in rows if r["programme_id"] in (session["id"], later["id"])} <= {
                "aired", "interrupted", "missed"},
            timeout=60,
        )  # fmt: skip
    finally:
        stop_server(second)

    by_title = {r["title"]: r for r in rows if r["programme_id"] == session["id"]}
    assert len([r for r in rows if r["programme_id"] == session["id"]]) == 3  # one row per item, none duplicated
    assert by_title["Mục 1"]["status"] == "aired"
    assert by_title["Mục 2"]["status"] == "interrupted"
    assert by_title["Mục 2"]["note"] == "interrupted: the station stopped while on air"
    assert by_title["Mục 3"]["status"] == "aired"  # restarted within the grace window: aired, late if need be
    late_note = by_title["Mục 3"]["note"]
    assert late_note == "" or late_note.startswith("late by ")
    (after,) = [r for r in rows if r["programme_id"] == later["id"]]
    assert after["status"] == "aired" and after["note"] == ""
    started = datetime.fromisoformat(after["started_at"])
    assert abs((started - datetime.fromisoformat(after["planned_at"])).total_seconds()) < 0.05
