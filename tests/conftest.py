"""Fixtures shared by the suite: settings on a temporary data directory, and a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from radio.config import Settings

ADMIN_PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # no quiet hours: tests that air "now" must pass at any hour CI runs; rule tests set them explicitly
    return Settings(data_dir=tmp_path / "data", admin_password=ADMIN_PASSWORD, stream_sample_rate=22050, quiet_hours="")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def client(self) -> httpx.Client:
        """A client logged in as the demo admin."""
        client = httpx.Client(base_url=self.url, timeout=30)
        login = client.post("/api/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]  # as a script or the page's meta tag would
        return client

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(data_dir: Path, **env: str) -> LiveServer:
    """Run `radio serve` as its own process, as a user would, and wait until it answers."""
    port = free_port()
    log_path = data_dir.parent / f"server-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {
        **os.environ,
        "RADIO_DATA_DIR": str(data_dir),
        "RADIO_PORT": str(port),
        "RADIO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "RADIO_CONFIG": str(data_dir / "absent.toml"),
        "RADIO_QUIET_HOURS": "",  # "air now" must work whatever hour CI runs; rule tests set quiet hours
        **env,
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "radio.cli", "serve"], env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", data_dir, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/login", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not answer in 60 s:\n{server.output()}")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("station") / "data")
    yield server
    stop_server(server)
