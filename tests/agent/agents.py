"""Speaker agents in tests: real `radio speaker` processes on loopback with file sinks, and the CLI that
issues their tokens, driven the way an installer would."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from radio.config import Settings
from radio.fleet import add_speaker as add_speaker_row
from radio.storage.database import make_engine, make_session_factory
from tests.conftest import LiveServer

SAMPLE_RATE = 22050


def radio_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "RADIO_DATA_DIR": str(data_dir), "RADIO_CONFIG": str(data_dir / "absent.toml")}
    return subprocess.run(
        [sys.executable, "-m", "radio.cli", *args], env=environment, capture_output=True, text=True, timeout=60
    )


def add_speaker(data_dir: Path, village: str, name: str) -> tuple[int, str]:
    """(speaker id, token) from `radio speakers add`, which prints the token alone on its last line."""
    result = radio_cli(data_dir, "speakers", "add", village, name)
    assert result.returncode == 0, result.stderr
    first, token = result.stdout.strip().splitlines()[-2:]
    added = re.search(r"speaker (\d+) ", first)  # "speaker 5 (…) added" or "agent speaker 5 (…) added"
    assert added is not None, result.stdout
    return int(added[1]), token


def add_speakers(data_dir: Path, names: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """(speaker id, token) for each (village, name), straight through the service `radio speakers add` uses:
    a CLI process per speaker would cost seconds each on a loaded machine."""
    engine = make_engine(Settings(data_dir=data_dir))
    try:
        with make_session_factory(engine).begin() as session:
            added = [add_speaker_row(session, village, name) for village, name in names]
            return [(speaker.id, token) for speaker, token in added]
    finally:
        engine.dispose()


@dataclass
class Agent:
    name: str
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def sink(self) -> Path:
        return self.directory / "out.wav"

    def cached(self, sha256: str) -> bool:
        return (self.directory / "cache" / "audio" / f"{sha256}.{SAMPLE_RATE}.pcm").exists()

    def output(self) -> str:
        return (self.directory / "agent.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_agent(server_url: str, token: str, directory: Path, name: str) -> Agent:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "agent.log").open("ab") as log_file:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "radio.cli", "speaker", "--server", server_url, f"--token={token}",
                "--cache", str(directory / "cache"), "--sink", f"file:{directory / 'out.wav'}",
                "--sample-rate", str(SAMPLE_RATE), "--heartbeat-s", "1", "--max-backoff-s", "2",
            ],
            env={**os.environ, "RADIO_CONFIG": str(directory / "absent.toml")}, stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Agent(name, directory, process)


def receipts(server: LiveServer) -> list[tuple[int, int, str, str | None]]:
    """(speaker id, broadcast id, outcome, started_at) of every receipt, read from the station's database."""
    with sqlite3.connect(server.data_dir / "radio.db") as db:
        return db.execute("SELECT speaker_id, broadcast_id, outcome, started_at FROM receipts").fetchall()


def wait_until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
