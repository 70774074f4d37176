"""Speaker agents end to end: six real `radio speaker` processes on loopback play planned items from their
cache on the station's clock, keep playing through a station power cut (and a box rebooting meanwhile),
and deliver each receipt once."""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from radio.agent.sinks import sound_starts
from tests import conftest
from tests.agent.agents import (
    SAMPLE_RATE,
    Agent,
    add_speaker,
    add_speakers,
    radio_cli,
    receipts,
    start_agent,
    wait_until,
)
from tests.conftest import LiveServer, start_server, stop_server
from tests.web.test_programmes_api import _wav

SKEW_BOUND_S = 0.05  # the issue asks for 20 ms; measured in bench/sync.py, kept generous on a loaded CI machine
ON_TIME_BOUND_S = 0.1


def _plan(client: httpx.Client, title: str, sha256: str, at: datetime) -> tuple[list[int], float]:
    """A one-item programme in Thôn Đông and Thôn Tây; returns its airings' ids and the planned instant."""
    programme = client.post(
        "/api/programmes",
        json={"title": title, "zones": ["thon-dong", "thon-tay"], "one_off_at": at.isoformat(),
              "items": [{"kind": "audio", "audio_sha256": sha256, "title": title}]},
    )  # fmt: skip
    assert programme.status_code == 201, programme.text
    rows = [row for row in client.get("/api/broadcasts").json() if row["programme_id"] == programme.json()["id"]]
    return [row["id"] for row in rows], at.timestamp()


def _online(client: httpx.Client) -> int:
    return client.get("/fleet").text.count("trực tuyến")


def _ended_once(server: LiveServer, broadcast_ids: list[int], speakers: int) -> bool:
    rows = [row for row in receipts(server) if row[1] in broadcast_ids]
    return len(rows) == speakers and all(row[2] == "ended" for row in rows)


def test_agents_play_on_time_through_a_station_power_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    speakers = add_speakers(data_dir, [("thon-dong", f"Loa Đông {n}") for n in range(1, 6)] + [("thon-tay", "Loa Tây")])
    agents: list[Agent] = [
        start_agent(server.url, token, tmp_path / f"agent-{speaker_id}", f"agent-{speaker_id}")
        for speaker_id, token in speakers
    ]
    try:
        client = server.client()
        wait_until(lambda: _online(client) == len(agents), 30, "every agent online on the fleet page")
        first_sha = client.post("/api/audio", files={"file": ("a.wav", _wav(2.0), "audio/wav")}).json()["sha256"]
        second_sha = client.post("/api/audio", files={"file": ("b.wav", _wav(1.5), "audio/wav")}).json()["sha256"]
        now = datetime.now(UTC)
        first_ids, first_at = _plan(client, "Mục trước khi mất điện", first_sha, now + timedelta(seconds=6))
        second_ids, second_at = _plan(client, "Mục lúc mất điện", second_sha, now + timedelta(seconds=16))
        wait_until(lambda: _ended_once(server, first_ids, len(agents)), 30, "receipts of the first item")
        wait_until(lambda: all(agent.cached(second_sha) for agent in agents), 10, "the second item in every cache")

        server.process.send_signal(signal.SIGKILL)  # a power cut at the station, with an item still planned
        server.process.wait(timeout=10)
        rebooted = agents[0]  # and one box reboots while the station is down: it plays from its disk alone
        rebooted.process.send_signal(signal.SIGKILL)
        rebooted.process.wait(timeout=10)
        agents[0] = start_agent(server.url, speakers[0][1], rebooted.directory, rebooted.name)
        wait_until(lambda: all(len(sound_starts(a.sink, SAMPLE_RATE)) == 2 for a in agents), 20, "the second item")
        monkeypatch.setattr(conftest, "free_port", lambda: int(server.url.rsplit(":", 1)[1]))  # same address
        server = start_server(data_dir)
        wait_until(lambda: _ended_once(server, second_ids, len(agents)), 40, "receipts after the restart")
        fleet = server.client().get("/fleet").text
        assert "Mục lúc mất điện" in fleet
        during = [r for r in server.client().get("/api/broadcasts").json() if r["id"] in second_ids]
        assert sorted(len(r["receipts"]) for r in during) == [1, 5]  # the log holds what each box said it played
        assert all(receipt["outcome"] == "ended" for r in during for receipt in r["receipts"])
        log_page = server.client().get("/log").text
        assert all(f"Loa Đông {n}: " in log_page for n in range(1, 6)) and "– đã phát" in log_page
    finally:
        for agent in agents:
            agent.stop()
        stop_server(server)

    starts = {agent.name: sound_starts(agent.sink, SAMPLE_RATE) for agent in agents}
    assert all(len(played) == 2 for played in starts.values()), starts  # each item once, none replayed
    for index, planned in enumerate((first_at, second_at)):
        village = [played[index] for played in list(starts.values())[:5]]  # the five agents of Thôn Đông
        assert max(village) - min(village) < SKEW_BOUND_S, village
        assert all(abs(played[index] - planned) < ON_TIME_BOUND_S for played in starts.values()), starts
    rows = receipts(server)
    assert len(rows) == 2 * len(agents)  # one receipt per speaker and airing, none lost, none twice
    for speaker_id, _ in speakers:
        played = {broadcast for speaker, broadcast, *_ in rows if speaker == speaker_id}
        assert len(played & set(first_ids)) == 1 and len(played & set(second_ids)) == 1, rows


def test_wrong_or_revoked_token_gets_nothing(live_server: LiveServer, tmp_path: Path) -> None:
    wrong = start_agent(live_server.url, "not-a-token", tmp_path / "wrong", "wrong")
    assert wrong.process.wait(timeout=30) == 3
    assert "refused this speaker (invalid or revoked speaker token)" in wrong.output()
    assert not (wrong.directory / "cache" / "schedule.json").exists()
    assert "refused: invalid or revoked speaker token" in live_server.output()

    speaker_id, token = add_speaker(live_server.data_dir, "thon-dong", "Loa bị thu hồi")
    agent = start_agent(live_server.url, token, tmp_path / "revoked", "revoked")
    try:
        client = live_server.client()
        wait_until(lambda: _online(client) == 1, 30, "the agent online")
        revoke = radio_cli(live_server.data_dir, "speakers", "revoke", str(speaker_id))
        assert revoke.returncode == 0, revoke.stderr
        assert agent.process.wait(timeout=15) == 3  # closed by the station, with the reason
    except subprocess.TimeoutExpired:
        pytest.fail(f"the revoked agent kept running:\n{agent.output()}")
    finally:
        agent.stop()
    assert "refused this speaker" in agent.output()
    audio = httpx.get(f"{live_server.url}/agents/audio/{'0' * 64}", headers={"Authorization": f"Bearer {token}"})
    assert audio.status_code == 401
    assert "đã thu hồi" in client.get("/fleet").text


def test_a_rotated_token_closes_the_old_box_and_opens_the_new_one(live_server: LiveServer, tmp_path: Path) -> None:
    speaker_id, old_token = add_speaker(live_server.data_dir, "thon-tay", "Loa đổi mã")
    old = start_agent(live_server.url, old_token, tmp_path / "old", "old")
    client = live_server.client()
    try:
        wait_until(lambda: _online(client) >= 1, 30, "the agent online")
        rotated = client.post(f"/api/speakers/{speaker_id}/token")
        assert rotated.status_code == 200, rotated.text
        assert old.process.wait(timeout=15) == 3  # the copied token stops working at once
    except subprocess.TimeoutExpired:
        pytest.fail(f"the agent with the old token kept running:\n{old.output()}")
    finally:
        old.stop()
    new = start_agent(live_server.url, rotated.json()["token"], tmp_path / "new", "new")
    try:
        wait_until(lambda: (new.directory / "cache" / "schedule.json").exists(), 30, "the new token's schedule")
    finally:
        new.stop()
    assert client.post("/api/speakers/999999/token").status_code == 404
    actions = client.get("/audit.csv").text
    assert "speaker.rotate_token" in actions
