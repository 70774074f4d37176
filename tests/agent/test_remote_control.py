"""Remote control end to end: real `radio speaker` processes on loopback with file sinks, commanded from the API
and the fleet page's forms; the samples they write show what the loudspeakers would really have played."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest

from radio.agent.agent import EXIT_RESTART
from radio.agent.cache import AudioCache
from radio.agent.clock import ClockOffset
from radio.agent.player import TEST_TONE_PEAK, Player
from radio.agent.receipts import ReceiptQueue
from radio.agent.sinks import NullSink, read_file_sink
from radio.errors import Refusal
from radio.remote_control import Command, parse_command
from tests.agent.agents import SAMPLE_RATE, Agent, add_speakers, receipts, start_agent, wait_until
from tests.conftest import LiveServer, start_server, stop_server
from tests.web.test_programmes_api import _wav


def _speaker_row(server: LiveServer, speaker_id: int) -> tuple[int | None, int | None]:
    """(volume, muted) as the agent last reported them applied, read from the station's database."""
    with sqlite3.connect(server.data_dir / "radio.db") as db:
        return db.execute("SELECT volume, muted FROM speakers WHERE id = ?", (speaker_id,)).fetchone()


def _blocks_since(agent: Agent, since: float) -> list[tuple[float, np.ndarray]]:
    if not agent.sink.exists():
        return []
    return [(instant, samples) for instant, samples in read_file_sink(agent.sink) if instant >= since]


def _played(agent: Agent, since: float) -> np.ndarray:
    blocks = [samples for _, samples in _blocks_since(agent, since)]
    return np.concatenate(blocks).astype(np.int64) if blocks else np.zeros(0, dtype=np.int64)


def _online(client: httpx.Client) -> int:
    return client.get("/fleet").text.count("trực tuyến")


def _command(client: httpx.Client, path: str, command: str, value: object = None) -> httpx.Response:
    body = {"command": command} if value is None else {"command": command, "value": value}
    return client.post(path, json=body)


def test_volume_mute_test_tone_and_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    (loud_id, loud_token), (quiet_id, quiet_token) = add_speakers(
        data_dir, [("thon-dong", "Loa chợ"), ("thon-dong", "Loa trường")]
    )
    loud = start_agent(server.url, loud_token, tmp_path / "loud", "loud")
    quiet = start_agent(server.url, quiet_token, tmp_path / "quiet", "quiet")
    try:
        client = server.client()
        wait_until(lambda: _online(client) == 2, 30, "both agents online")

        # bad input is refused with a reason an official can read, and nothing is sent or stored
        bad = [
            ({"command": "louder"}, "command"), ({"command": "volume", "value": 150}, "value"),
            ({"command": "volume", "value": "nửa"}, "value"), ({"command": "volume"}, "value"),
        ]  # fmt: skip
        for body, field in bad:
            refused = client.post(f"/api/speakers/{loud_id}/commands", json=body)
            assert refused.status_code == 422, refused.text
            (error,) = refused.json()["detail"]
            assert error["field"] == field and (
                "Lệnh không hợp lệ" in error["message"] or "Âm lượng" in error["message"]
            )
        assert client.post("/api/zones/thon-dong/commands", content=b"volume=50").status_code == 422
        assert _command(client, "/api/speakers/99999/commands", "mute").status_code == 404
        assert _command(client, "/api/zones/thon-xa/commands", "mute").status_code == 404
        no_csrf = httpx.post(f"{server.url}/api/speakers/{loud_id}/commands", json={"command": "mute"},
                             cookies=client.cookies)  # fmt: skip
        assert no_csrf.status_code == 403

        volume = _command(client, f"/api/speakers/{loud_id}/commands", "volume", 50)
        assert volume.status_code == 202, volume.text
        assert [s["id"] for s in volume.json()["reached"]] == [loud_id] and volume.json()["offline"] == []
        mute = _command(client, f"/api/speakers/{quiet_id}/commands", "mute")
        assert mute.status_code == 202 and [s["id"] for s in mute.json()["reached"]] == [quiet_id]
        wait_until(lambda: _speaker_row(server, loud_id) == (50, 0), 10, "the loud agent reporting volume 50")
        wait_until(lambda: _speaker_row(server, quiet_id) == (100, 1), 10, "the quiet agent reporting mute")

        # an item aired at volume 50 comes out at half amplitude; the muted speaker plays it silently
        sha256 = client.post("/api/audio", files={"file": ("a.wav", _wav(1.5), "audio/wav")}).json()["sha256"]
        at = datetime.now(UTC) + timedelta(seconds=5)
        programme = client.post(
            "/api/programmes",
            json={"title": "Thử âm lượng", "zones": ["thon-dong"], "one_off_at": at.isoformat(),
                  "items": [{"kind": "audio", "audio_sha256": sha256, "title": "Thử âm lượng"}]},
        )  # fmt: skip
        assert programme.status_code == 201, programme.text
        wait_until(
            lambda: sorted((r[0], r[2]) for r in receipts(server)) == [(loud_id, "ended"), (quiet_id, "ended")],
            30, "both agents' receipts of the item",
        )  # fmt: skip
        source = np.fromfile(loud.directory / "cache" / "audio" / f"{sha256}.{SAMPLE_RATE}.pcm", dtype="<i2")
        source = source.astype(np.int64)
        played = _played(loud, 0)
        assert abs(np.abs(played).max() - np.abs(source).max() // 2) <= 1
        energy_ratio = float((played**2).sum() / (source**2).sum())
        assert abs(energy_ratio - 0.25) < 0.01, energy_ratio
        assert _played(quiet, 0).size == 0  # it did play (its receipt says "ended"), but not a sample sounded

        # a test tone to the whole village sounds at once, through each box's volume and mute
        unmute = _command(client, "/api/zones/thon-dong/commands", "unmute")
        assert unmute.status_code == 202 and len(unmute.json()["reached"]) == 2
        wait_until(lambda: _speaker_row(server, quiet_id) == (100, 0), 10, "the quiet agent unmuted")
        asked = time.time()
        tone = _command(client, "/api/zones/thon-dong/commands", "test_tone")
        assert tone.status_code == 202 and {s["id"] for s in tone.json()["reached"]} == {loud_id, quiet_id}
        wait_until(lambda: all(_blocks_since(a, asked) for a in (loud, quiet)), 5, "the test tone in both sinks")
        for agent, peak in ((loud, TEST_TONE_PEAK // 2), (quiet, TEST_TONE_PEAK)):
            first = _blocks_since(agent, asked)[0][0]
            assert first - asked < 1.0, first - asked
            wait_until(lambda a=agent: len(_played(a, asked)) >= SAMPLE_RATE, 5, "the whole tone")  # type: ignore[misc]
            assert abs(np.abs(_played(agent, asked)).max() - peak) <= peak * 0.01
        # each box acknowledged it with the instant it played, shown on the fleet page and in the audit trail
        wait_until(lambda: client.get("/fleet").text.count("cụm loa xác nhận đã phát") == 2, 10, "both tone acks")
        with sqlite3.connect(server.data_dir / "radio.db") as db:
            acks = db.execute("SELECT speaker_id, outcome, acked_at FROM speaker_commands").fetchall()
        assert sorted(speaker for speaker, *_ in acks) == [loud_id, quiet_id] and {a[1] for a in acks} == {"played"}
        assert all(abs(datetime.fromisoformat(a[2]).timestamp() - asked) < 2 for a in acks), acks

        # an agent offline gets volume and mute when it reconnects, but no test tone
        quiet.stop()
        wait_until(lambda: _online(client) == 1, 15, "the quiet agent offline")
        offline = _command(client, f"/api/speakers/{quiet_id}/commands", "volume", 30)
        assert offline.status_code == 202 and offline.json()["reached"] == []
        assert [s["id"] for s in offline.json()["offline"]] == [quiet_id] and "kết nối lại" in offline.json()["message"]
        assert _command(client, f"/api/speakers/{quiet_id}/commands", "test_tone").json()["reached"] == []
        assert "không gửi được (mất kết nối)" in client.get("/fleet").text
        quiet = start_agent(server.url, quiet_token, quiet.directory, "quiet")
        wait_until(lambda: _speaker_row(server, quiet_id) == (30, 0), 30, "volume 30 applied after reconnecting")

        # the fleet page's forms carry the CSRF field; restart makes the agent exit for its supervisor
        page = client.get("/fleet").text
        assert (
            f'action="/fleet/speakers/{loud_id}/commands"' in page
            and 'action="/fleet/zones/thon-dong/commands"' in page
        )
        assert "Khởi động lại" in page and "Phát tiếng thử" in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        del client.headers["X-CSRF-Token"]  # as a browser posting the form would
        restart = client.post(f"/fleet/speakers/{loud_id}/commands", data={"csrf_token": csrf[1], "command": "restart"})
        assert restart.status_code == 303
        assert loud.process.wait(timeout=20) == EXIT_RESTART
        assert "restart asked from the station" in loud.output()
        assert "khởi động lại" in client.get("/fleet").text  # the flash message
        assert "cụm loa xác nhận đang khởi động lại" in client.get("/fleet").text  # acknowledged before it went

        audit = client.get("/audit.csv").text
        assert f"#{loud_id} Loa chợ (thon-dong) restart" in audit and " restarting at " in audit
        for line in ("speaker.volume", "speaker.mute", "speaker.unmute", "speaker.test_tone", "speaker.restart",
                     "speaker.ack"):  # fmt: skip
            assert line in audit, audit
        assert f"volume=50 to speaker #{loud_id} Loa chợ (thon-dong); reached: #{loud_id} Loa chợ" in audit
        assert f"offline: #{quiet_id} Loa trường (gets it on reconnect)" in audit and "127.0.0.1" in audit
    finally:
        loud.stop()
        quiet.stop()
        stop_server(server)


def test_commands_are_checked_and_the_tone_never_cuts_into_an_emergency(tmp_path: Path) -> None:
    assert parse_command("volume", "50") == Command("volume", 50)  # as the fleet page's form sends it
    assert parse_command("restart", None) == Command("restart")
    for command, value in (("volume", True), ("volume", -1), ("volume", 50.5), ("reboot", None), (None, None)):
        with pytest.raises(Refusal):
            parse_command(command, value)

    (tmp_path / "control.json").write_text('{"volume": 40, "muted": true}')  # set from the office before a reboot
    player = Player(
        AudioCache(tmp_path / "audio", SAMPLE_RATE), ReceiptQueue(tmp_path / "receipts.sqlite"), ClockOffset(),
        NullSink(), 100, tmp_path / "schedule.json", on_receipt=lambda: None, control_path=tmp_path / "control.json",
    )  # fmt: skip
    assert (player.volume, player.muted, player.gain) == (40, True, 0.0)
    player.set_control(70, False)
    assert player.gain == 0.7 and json.loads((tmp_path / "control.json").read_text()) == {"volume": 70, "muted": False}
    with pytest.raises(ValueError, match="0 to 100"):
        player.set_control(101, None)
    player.emergency_on_air = True
    assert player.test_tone() == "an emergency is on air"
    player.emergency_on_air = False
    assert player.test_tone() is None
    player.receipts.close()
