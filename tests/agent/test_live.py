"""Phát trực tiếp end to end: a tone burst spoken into the live WebSocket comes out of a real `radio speaker`
process (file sink) and the village's zone stream in under 2 s, not out of another village; the airing is in
the log with the recording's sha256; a browser that hangs up ends the session cleanly."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from pathlib import Path

import httpx
import numpy as np
from websockets.exceptions import ConnectionClosed

from radio.agent.sinks import read_file_sink
from tests.agent.agents import SAMPLE_RATE, add_speakers, receipts, start_agent, wait_until
from tests.agent.microphone import Microphone, open_socket, silence, tone
from tests.audio_checks import RATE, decode_mp3
from tests.conftest import LiveServer, start_server, stop_server
from tests.web.streams import StreamRecorder

LATENCY_BOUND_S = 2.0  # microphone → loudspeaker, as promised to communes; a correctness bound, not a benchmark
LOUD = 0.1  # full scale: the tone is at 0.5, silence and codec noise far below


def _onset_in_sink(path: Path, after: float) -> float | None:
    for instant, samples in read_file_sink(path):
        loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > LOUD * 32767)
        if instant >= after and loud.size:
            return instant + loud[0] / SAMPLE_RATE
    return None


def _onset_in_stream(recorder: StreamRecorder, samples: np.ndarray) -> float | None:
    loud = np.flatnonzero(np.abs(samples) > LOUD)
    return recorder.connected_at + loud[0] / RATE if loud.size else None


def _tone_energy(samples: np.ndarray, rate: int, hz: float = 1000.0) -> float:
    """Share of the signal's energy within 50 Hz of `hz`."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(freqs - hz) < 50].sum() / max(spectrum.sum(), 1e-12))


def _live_rows(server: LiveServer) -> list[tuple]:
    with sqlite3.connect(server.data_dir / "radio.db") as db:
        return db.execute(
            "SELECT s.id, s.end_reason, s.audio_sha256, s.ended_at IS NOT NULL, b.id, z.slug, b.status, b.started_at,"
            " b.ended_at, b.audio_sha256 FROM live_sessions s JOIN live_session_broadcasts l ON l.live_session_id ="
            " s.id JOIN broadcasts b ON b.id = l.broadcast_id JOIN zones z ON z.id = b.zone_id ORDER BY s.id"
        ).fetchall()


def test_live_reaches_agent_and_stream_within_two_seconds(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    ((_, token),) = add_speakers(data_dir, [("thon-dong", "Loa nhà văn hóa")])
    agent = start_agent(server.url, token, tmp_path / "agent", "agent")
    here = StreamRecorder(f"{server.url}/zones/thon-dong/live.mp3")
    elsewhere = StreamRecorder(f"{server.url}/zones/thon-tay/live.mp3")
    try:
        client = server.client()
        wait_until(lambda: client.get("/fleet").text.count("trực tuyến") == 1, 30, "the agent online")
        here.start()
        elsewhere.start()
        wait_until(lambda: here.connected_at and elsewhere.connected_at, 10, "both streams connected")

        microphone = Microphone(server, client, ["thon-dong"])
        assert microphone.answer == {"type": "on_air", "live_id": 1, "villages": ["Thôn Đông"]}, microphone.answer
        microphone.speak(silence(1.5))
        spoken = microphone.speak(np.concatenate([tone(0.6), silence(2.0)]))
        answer = microphone.stop()
        assert answer["type"] == "ended" and answer["reason"] == "stopped" and answer["seconds"] > 3.5, answer
        wait_until(lambda: _live_rows(server) and _live_rows(server)[0][6] == "aired", 15, "the live airing ended")
        time.sleep(1)  # the stream's encoder and the sink catch up
        in_village, in_other = decode_mp3(bytes(here.data)), decode_mp3(bytes(elsewhere.data))
        here.finish()
        elsewhere.finish()

        loudspeaker = _onset_in_sink(agent.sink, spoken)
        stream = _onset_in_stream(here, in_village)
        assert loudspeaker is not None and stream is not None, (loudspeaker, stream)
        print(f"live latency: loudspeaker {loudspeaker - spoken:.2f} s, zone stream {stream - spoken:.2f} s")
        assert 0 < loudspeaker - spoken < LATENCY_BOUND_S
        assert 0 < stream - spoken < LATENCY_BOUND_S
        assert np.abs(in_other).max() < 0.01  # the other village heard nothing
        assert _tone_energy(in_village, RATE) > 0.5

        ((live_id, reason, sha256, ended, broadcast_id, slug, status, started_at, ended_at, row_sha),) = _live_rows(
            server
        )
        assert (reason, ended, slug, status, row_sha) == ("stopped", 1, "thon-dong", "aired", sha256)
        assert started_at < ended_at
        recording = client.get(f"/audio/{sha256}.mp3")
        assert recording.status_code == 200 and hashlib.sha256(recording.content).hexdigest() == sha256
        said = decode_mp3(recording.content)
        assert 3.5 < len(said) / RATE < 5.0 and _tone_energy(said, RATE) > 0.5
        wait_until(lambda: (broadcast_id, "ended") in {(r[1], r[2]) for r in receipts(server)}, 15, "agent receipt")
        assert "live.start" in client.get("/audit.csv").text and "live.end" in client.get("/audit.csv").text
        page = client.get("/live").text
        assert sha256 in page and "Kết thúc" in page

        # a browser that hangs up mid-sentence: the session ends by itself, with its evidence
        again = Microphone(server, client, ["thon-dong", "thon-tay"])
        assert again.answer["type"] == "on_air", again.answer
        busy = Microphone(server, client, ["thon-tay"])
        busy.hang_up()
        assert busy.answer == {"type": "refused", "message": "Đang có người phát trực tiếp tới: Thôn Tây."}
        again.speak(tone(1.0))
        again.hang_up()
        wait_until(lambda: len(_live_rows(server)) == 3 and all(r[6] == "aired" for r in _live_rows(server)), 20,
                   "the hung-up session ended")  # fmt: skip
        assert {r[1] for r in _live_rows(server)[1:]} == {"disconnected"}
        assert live_id == 1
    finally:
        agent.stop()
        stop_server(server)


def test_live_socket_refuses_without_login_permission_or_csrf(live_server: LiveServer) -> None:
    client = live_server.client()
    anonymous = httpx.Client(base_url=live_server.url)
    anonymous.headers["X-CSRF-Token"] = "x"
    for who, start in ((anonymous, {}), (client, {"csrf_token": "wrong"})):
        socket = open_socket(live_server, who)
        with contextlib.suppress(ConnectionClosed):  # an anonymous socket may be refused before it speaks
            socket.send(f'{{"type": "start", "zones": ["thon-dong"], "csrf_token": "{start.get("csrf_token", "")}"}}')
        answer = socket.recv(timeout=10)  # the refusal was sent before the close, so it is still there to read
        assert '"refused"' in answer, answer
        socket.close()
    assert client.get("/live").status_code == 200
    assert anonymous.get("/live", follow_redirects=False).status_code == 303
