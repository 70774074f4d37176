"""Stream tokens on a real server: with RADIO_STREAM_TOKEN_REQUIRED a village stream opens only to the token of a
"stream" speaker of that village (from `radio speakers add … --kind stream`), a revoked one is refused, and the
listener evidence names the speaker that listened. (Without the setting anonymous players get the stream:
tests/web/test_live_streams.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.conftest import LiveServer, start_server, stop_server
from tests.web.stream_clients import decode


def _radio(server: LiveServer, *args: str) -> str:
    """The `radio` command beside the running server, as an integrator would run it."""
    environment = {**os.environ, "RADIO_DATA_DIR": str(server.data_dir), "RADIO_CONFIG": "absent.toml"}
    result = subprocess.run([sys.executable, "-m", "radio.cli", *args], env=environment, capture_output=True,
                            text=True, check=True)  # fmt: skip
    return result.stdout


def _add(server: LiveServer, village: str, name: str, kind: str) -> tuple[int, str]:
    lines = _radio(server, "speakers", "add", village, name, "--kind", kind).splitlines()
    assert lines[0].startswith(f"{kind} speaker ") and "shown only once" in lines[0]
    return int(lines[0].split()[2]), lines[1]


def _get(url: str) -> tuple[int, bytes]:
    """Status and up to ~2 s of stream; a refusal must carry no audio at all."""
    with httpx.stream("GET", url, timeout=10) as response:
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > 16000:
                break
        if response.status_code != 200:
            assert not response.headers["content-type"].startswith("audio/") and len(data) < 5000
        return response.status_code, bytes(data)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("guarded") / "data", RADIO_STREAM_TOKEN_REQUIRED="true")
    yield server
    stop_server(server)


def test_only_a_live_stream_token_of_the_village_opens_its_stream(guarded: LiveServer) -> None:
    speaker_id, token = _add(guarded, "thon-dong", "Loa IP chợ Đông", "stream")
    _, agent_token = _add(guarded, "thon-dong", "Cụm loa đầu làng", "agent")
    _, other_village = _add(guarded, "thon-tay", "Loa IP Thôn Tây", "stream")
    stream = f"{guarded.url}/zones/thon-dong/live.mp3"

    status, body = _get(stream)
    assert status == 401 and "token" in body.decode()
    for wrong in ("0" * 64, agent_token, other_village):
        status, body = _get(f"{stream}?token={wrong}")
        assert status == 403 and "Mã cụm loa không đúng" in body.decode(), wrong

    for fmt in ("mp3", "ogg"):
        status, audio = _get(f"{guarded.url}/zones/thon-dong/live.{fmt}?token={token}")
        assert status == 200 and len(decode(audio, fmt)) > 0

    client = guarded.client()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        rows = client.get("/api/listeners", params={"zone": "thon-dong"}).json()
        if len(rows) == 2 and all(row["disconnected_at"] for row in rows):
            break
        time.sleep(0.2)
    assert sorted(row["format"] for row in rows) == ["mp3", "ogg"]
    assert {row["speaker"] for row in rows} == {"Loa IP chợ Đông"}, "the speaker's own evidence"
    assert "Loa IP chợ Đông" in client.get("/fleet").text

    assert "token revoked" in _radio(guarded, "speakers", "revoke", str(speaker_id))
    status, body = _get(f"{stream}?token={token}")
    assert status == 403 and "Mã cụm loa không đúng" in body.decode()
    assert len(client.get("/api/listeners", params={"zone": "thon-dong"}).json()) == 2, "refusals are not listeners"
    assert token not in guarded.output() and "token=***" in guarded.output()  # the access log keeps no secret


def test_a_stream_token_does_not_open_the_agent_link(guarded: LiveServer) -> None:
    from websockets.sync.client import connect

    _, token = _add(guarded, "thon-dong", "Loa IP trường học", "stream")
    url = f"{guarded.url.replace('http', 'ws')}/agents/ws"
    with (
        connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as link,
        pytest.raises(ConnectionClosed) as closed,
    ):
        link.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
