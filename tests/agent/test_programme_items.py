"""A speaker agent plays a whole programme, not only its files: the chime from a prefetched, sha256-checked
file, the gap as silence, and the relay pulled by the box itself for the item's length."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from radio.agent.sinks import read_file_sink
from tests.agent.agents import SAMPLE_RATE, add_speakers, receipts, start_agent, wait_until
from tests.conftest import start_server, stop_server
from tests.web.streams import wait_for


def _sounding(path: Path, start: float, end: float) -> np.ndarray:
    """The samples the box played between two instants (silent blocks are not in the file)."""
    blocks = [samples for instant, samples in read_file_sink(path) if start <= instant < end]
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)


def test_agent_plays_chime_gap_and_relay(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    ((_, token),) = add_speakers(data_dir, [("ban-na-hin", "Loa bản")])
    agent = start_agent(server.url, token, tmp_path / "agent", "agent")
    try:
        client = server.client()
        wait_until(lambda: client.get("/fleet").text.count("trực tuyến") == 1, 30, "the agent online")
        at = datetime.now(UTC) + timedelta(seconds=8)
        programme = client.post(
            "/api/programmes",
            json={"title": "Buổi thử", "zones": ["ban-na-hin"], "one_off_at": at.isoformat(),
                  "items": [{"kind": "chime"}, {"kind": "gap", "seconds": 3},
                            {"kind": "relay", "relay_url": f"{server.url}/zones/thon-tay/live.mp3", "minutes": 0.2}]},
        )  # fmt: skip
        assert programme.status_code == 201, programme.text
        rows = sorted(
            (r for r in client.get("/api/broadcasts").json() if r["programme_id"] == programme.json()["id"]),
            key=lambda r: r["planned_at"],
        )  # fmt: skip
        chime, gap, relay = rows
        relay_at = datetime.fromisoformat(relay["planned_at"])
        source = client.post(
            "/api/bulletins",
            json={"title": "Nguồn", "text": "Đây là đài huyện. " * 4, "zones": ["thon-tay"],
                  "air_at": (relay_at + timedelta(seconds=2)).isoformat()},
        )  # fmt: skip
        assert source.status_code == 201, source.text
        ids = {chime["id"], gap["id"], relay["id"]}
        wait_for(client, lambda r: {x["status"] for x in r if x["id"] in ids} == {"aired"}, timeout=60)
        wait_until(lambda: {b for _, b, o, _ in receipts(server) if o == "ended"} >= ids, 20, "the box's receipts")
    finally:
        agent.stop()
        stop_server(server)

    cached = list((agent.directory / "cache" / "audio").glob("*.mp3"))
    assert len(cached) == 1 and hashlib.sha256(cached[0].read_bytes()).hexdigest() == cached[0].stem  # the chime
    chime_pcm = np.fromfile(cached[0].with_suffix(f".{SAMPLE_RATE}.pcm"), dtype="<i2")
    gap_at, relay_start = (datetime.fromisoformat(r["planned_at"]).timestamp() for r in (gap, relay))
    chime_at = datetime.fromisoformat(chime["planned_at"]).timestamp()
    played_chime = _sounding(agent.sink, chime_at - 0.5, gap_at)
    assert abs(len(played_chime) - np.count_nonzero(chime_pcm)) < SAMPLE_RATE  # about the chime's length
    assert np.abs(played_chime).max() == np.abs(chime_pcm).max()  # the file itself, at full volume
    assert _sounding(agent.sink, gap_at + 0.1, relay_start - 0.1).size == 0  # the gap was silence
    relayed = _sounding(agent.sink, relay_start, relay_start + 12.5).astype(np.float64) / 32768
    assert np.sqrt(np.mean(relayed**2)) > 0.01 and len(relayed) > 2 * SAMPLE_RATE  # the district's speech came through
    assert _sounding(agent.sink, relay_start + 12.6, relay_start + 30).size == 0  # and stopped with the item
