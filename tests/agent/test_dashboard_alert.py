"""A speaker agent that has not been heard from is flagged on the dashboard, not only on the fleet page."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import start_server, stop_server
from tests.radio.test_cli import radio


def test_silent_speaker_is_on_the_dashboard(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir, RADIO_SPEAKER_OFFLINE_ALERT_S="60")
    try:
        added = radio("speakers", "add", "ban-na-hin", "Loa đầu bản", data_dir=data_dir)
        assert added.returncode == 0, added.stderr
        page = server.client().get("/").text
        assert "Cụm loa mất kết nối" in page and "Bản Nà Hin: Loa đầu bản" in page
    finally:
        stop_server(server)
