"""A real Icecast 2 (Debian's `icecast2`) on loopback for tests and the fan-out bench.

Its configuration is generated into a temporary directory on a free port. Icecast refuses to run as
root, so as root (CI, containers) the config asks it to drop to Debian's `icecast2` user after binding.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import httpx

from tests.conftest import free_port

SOURCE_PASSWORD = "nguon-thu-nghiem"


@dataclass
class Icecast:
    url: str
    source_password: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def mounts(self) -> set[str]:
        """Mounts that have a source connected now (from the admin XML: 2.4's status JSON breaks without sources)."""
        answer = httpx.get(f"{self.url}/admin/listmounts", auth=("admin", self.source_password), timeout=5)
        answer.raise_for_status()
        return {source.attrib["mount"] for source in ElementTree.fromstring(answer.content).iter("source")}

    def wait_for_mounts(self, mounts: set[str], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not mounts <= self.mounts():
            if time.monotonic() > deadline:
                raise AssertionError(f"mounts {mounts} not up; icecast has {self.mounts()}:\n{self.output()[-3000:]}")
            time.sleep(0.1)


def _config(port: int, max_clients: int) -> str:
    owner = ""
    if os.geteuid() == 0:
        owner = "<security><changeowner><user>icecast2</user><group>icecast</group></changeowner></security>"
    return f"""<icecast>
  <location>loopback</location><admin>test@localhost</admin>
  <limits><clients>{max_clients}</clients><sources>20</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>0</burst-on-connect><burst-size>0</burst-size></limits>
  <authentication><source-password>{SOURCE_PASSWORD}</source-password><admin-user>admin</admin-user>
    <admin-password>{SOURCE_PASSWORD}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>/tmp</logdir><webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>-</accesslog><errorlog>-</errorlog><loglevel>3</loglevel></logging>
  {owner}
</icecast>
"""


@contextmanager
def running_icecast(directory: Path, max_clients: int = 100, port: int = 0) -> Iterator[Icecast]:
    """Start Icecast with a generated config in `directory` (on `port`, or a free one), wait until it answers,
    stop it afterwards. With a free port chosen here, a start that exits at once (seen about once in a few full
    runs, silently, after "server started") is tried again on another port."""
    executable = shutil.which("icecast2")
    if executable is None:
        raise RuntimeError("icecast2 is not installed; run scripts/install-test-system-deps.sh")
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(1 if port else 3):
        server = _start(executable, directory, max_clients, port or free_port())
        try:
            _wait_until_it_answers(server)
            break
        except _ExitedEarly:
            if attempt == (0 if port else 2):
                raise
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


class _ExitedEarly(RuntimeError):
    pass


def _start(executable: str, directory: Path, max_clients: int, port: int) -> Icecast:
    config = directory / "icecast.xml"
    config.write_text(_config(port, max_clients))
    log_path = directory / "icecast.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen([executable, "-c", str(config)], stdout=log_file, stderr=subprocess.STDOUT)
    return Icecast(f"http://127.0.0.1:{port}", SOURCE_PASSWORD, process, log_path)


def _wait_until_it_answers(server: Icecast) -> None:
    deadline = time.monotonic() + 20
    while True:
        if server.process.poll() is not None:
            raise _ExitedEarly(f"icecast exited early:\n{server.output()}")
        try:
            httpx.get(f"{server.url}/status-json.xsl", timeout=1)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                server.process.kill()
                raise RuntimeError(f"icecast did not answer in 20 s:\n{server.output()}") from None
            time.sleep(0.1)
