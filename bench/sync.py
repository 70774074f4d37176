"""Start skew of speaker agents in one village: 20 real `radio speaker` processes on loopback against a
real station, each writing what it plays to a file sink with the wall-clock instant of every block.

For each of several planned items, every agent's lag behind the first agent to start it is one sample
(so the largest sample is the worst spread between two loudspeakers of the village). Agents share this
machine's clock, so the figure is the agents' own error (clock-offset estimate, playout clock, load),
not NTP's. Last line: skew_p50_ms=… skew_p95_ms=… skew_max_ms=…
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from radio.agent.sinks import sound_starts  # noqa: E402
from tests.agent.agents import SAMPLE_RATE, add_speakers, start_agent, wait_until  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402
from tests.web.test_programmes_api import _wav  # noqa: E402

AGENTS = 20
ITEMS = 6
SPACING_S = 4.0


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        server = start_server(root / "data")
        speakers = add_speakers(root / "data", [("thon-dong", f"Loa {n}") for n in range(AGENTS)])
        agents = [start_agent(server.url, token, root / f"agent-{n}", f"agent-{n}") for n, (_, token) in
                  enumerate(speakers)]  # fmt: skip
        try:
            client = server.client()
            wait_until(lambda: client.get("/fleet").text.count("trực tuyến") == AGENTS, 120, "every agent online")
            sha256 = client.post("/api/audio", files={"file": ("tone.wav", _wav(1.0), "audio/wav")}).json()["sha256"]
            first = datetime.now(UTC) + timedelta(seconds=8)
            for item in range(ITEMS):
                client.post(
                    "/api/programmes",
                    json={"title": f"Đồng bộ {item}", "zones": ["thon-dong"],
                          "one_off_at": (first + timedelta(seconds=item * SPACING_S)).isoformat(),
                          "items": [{"kind": "audio", "audio_sha256": sha256, "title": f"Đồng bộ {item}"}]},
                ).raise_for_status()  # fmt: skip
            time.sleep(max(0.0, (first - datetime.now(UTC)).total_seconds() + ITEMS * SPACING_S))
            wait_until(lambda: all(len(sound_starts(a.sink, SAMPLE_RATE)) == ITEMS for a in agents), 30, "all items")
        finally:
            for agent in agents:
                agent.stop()
            stop_server(server)
        starts = np.array([sound_starts(agent.sink, SAMPLE_RATE) for agent in agents])  # agents × items
        lags_ms = (starts - starts.min(axis=0)).ravel() * 1000
        planned = np.array([(first + timedelta(seconds=i * SPACING_S)).timestamp() for i in range(ITEMS)])
        error_ms = np.abs(starts - planned) * 1000
        print(f"{AGENTS} agents, {ITEMS} items; start error vs plan: p50 {np.percentile(error_ms, 50):.1f} ms,"
              f" max {error_ms.max():.1f} ms")  # fmt: skip
        print(
            f"skew_p50_ms={np.percentile(lags_ms, 50):.1f} skew_p95_ms={np.percentile(lags_ms, 95):.1f}"
            f" skew_max_ms={lags_ms.max():.1f}"
        )


if __name__ == "__main__":
    main()
