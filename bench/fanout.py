"""Fan-out of one village stream: how many listeners one station process sustains, and at what CPU per listener,
side by side with Icecast 2 serving the same stream (pushed to it by the station's own source client).

A real `radio serve` (5 villages, default 64 kbit/s MP3) pushes its streams to a real Icecast on loopback. For
each server in turn, N listeners connect to `thon-dong`'s MP3 (ours: /zones/thon-dong/live.mp3, Icecast:
/thon-dong.mp3), N doubling from 400 (with one step back halfway after the first failure). After 2 s of warm-up,
every listener's bytes are counted over a 10 s window. A level is SUSTAINED when every listener received at least
0.98 × real time (8,000 B/s) over the window and none was dropped. CPU is the server process's own user+system
time over the window (ours: the Python process, not its ffmpeg encoders, which cost the same with 0 or 10,000
listeners; Icecast: its one process), minus its idle rate with no listener, divided by N.

The listeners are this process: non-blocking sockets drained every 0.2 s (cheap, so that the 2 cores go to the
servers); its own CPU is printed too. Everything shares this 2-core machine, so figures are for this machine.
Last line: listeners=<largest sustained N> icecast_listeners=<same for Icecast>
cpu_per_listener_vs_icecast=<ours / Icecast's CPU per listener at the largest N both sustained>
"""

from __future__ import annotations

import math
import os
import resource
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import start_server, stop_server  # noqa: E402
from tests.radio.icecast_server import running_icecast  # noqa: E402

BYTES_PER_S = 64_000 // 8
SUSTAINED = 0.98
WARMUP_S = 2.0
WINDOW_S = 10.0
POLL_S = 0.2
FIRST, LAST = 400, 6400
CONNECT_BUDGET_S = 60.0  # a server that cannot even answer N new listeners in this time does not sustain N
CONNECT_PACE_S = 0.002  # Icecast listens with a backlog of 5: a connection beyond it waits a second to be retried
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


class Overloaded(Exception):
    """The server did not answer the listeners' requests in time."""


class Listeners:
    """N plain HTTP clients of one stream, drained by polling rather than one wake-up per packet."""

    def __init__(self, url: str, count: int) -> None:
        self.url = url
        self.sockets: list[socket.socket] = []
        self.received = [0] * count
        self.closed = [False] * count
        self._buffer = bytearray(256 * 1024)

    def connect(self) -> None:
        """Open every listener; Overloaded if the server does not answer them in time."""
        host, port = self.url.split("//")[1].split("/")[0].split(":")
        path = "/" + self.url.split("//")[1].split("/", 1)[1]
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: fanout-bench\r\n\r\n".encode()
        count = len(self.received)
        deadline = time.monotonic() + CONNECT_BUDGET_S
        for index in range(count):
            try:
                sock = socket.create_connection((host, int(port)), timeout=5)
                self.sockets.append(sock)
                sock.sendall(request)
            except OSError as error:
                raise Overloaded(f"listener {index} could not connect: {error!r}") from error
            sock.setblocking(False)
            time.sleep(CONNECT_PACE_S)
            if index % 200 == 199:
                self.drain()
        while not all(self.received):  # every one answered (Icecast answers with its next block of audio)
            if time.monotonic() > deadline:
                answered = sum(1 for got in self.received if got)
                raise Overloaded(f"only {answered} listeners answered in {CONNECT_BUDGET_S:.0f} s")
            time.sleep(POLL_S)
            self.drain()

    def drain(self) -> None:
        """Read whatever each socket holds now."""
        buffer = self._buffer
        for index, sock in enumerate(self.sockets):
            if self.closed[index]:
                continue
            while True:
                try:
                    count = sock.recv_into(buffer)
                except BlockingIOError:
                    break
                except OSError:
                    count = 0
                if count == 0:
                    self.closed[index] = True
                    break
                self.received[index] += count

    def run_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.drain()
            time.sleep(POLL_S)

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


@dataclass
class Level:
    listeners: int
    sustained: bool
    worst_ratio: float  # slowest listener's bytes / real time
    cpu_per_s: float  # the server's CPU seconds per second over the window
    client_cpu_per_s: float


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(url: str, pid: int, count: int) -> Level:
    listeners = Listeners(url, count)
    try:
        try:
            listeners.connect()
        except Overloaded as error:
            print(f"  {count} listeners: {error}", flush=True)
            return Level(count, False, 0.0, float("nan"), float("nan"))
        listeners.run_for(WARMUP_S)
        listeners.drain()
        before = list(listeners.received)
        cpu, client, start = cpu_seconds(pid), _client_cpu(), time.monotonic()
        listeners.run_for(WINDOW_S)
        listeners.drain()
        elapsed = time.monotonic() - start
        cpu, client = (cpu_seconds(pid) - cpu) / elapsed, (_client_cpu() - client) / elapsed
        got = zip(before, listeners.received, strict=True)
        ratios = [(after - first) / (BYTES_PER_S * elapsed) for first, after in got]
        worst = min(ratios)
        return Level(count, worst >= SUSTAINED and not any(listeners.closed), worst, cpu, client)
    finally:
        listeners.close()
        time.sleep(1.0)  # let the server notice and forget them before the next level


def idle_cpu(pid: int, seconds: float = 5.0) -> float:
    start, cpu = time.monotonic(), cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - cpu) / (time.monotonic() - start)


def ramp(name: str, url: str, pid: int) -> tuple[float, dict[int, Level]]:
    """Idle CPU, then doubling levels until one fails, then one step back halfway."""
    idle = idle_cpu(pid)
    print(f"{name}: idle CPU {idle * 100:.1f} % of a core", flush=True)
    levels: dict[int, Level] = {}
    count = FIRST
    while count <= LAST:
        level = levels[count] = measure(url, pid, count)
        if math.isnan(level.cpu_per_s):  # never got to the window
            print(f"{name}: {count} listeners: NOT sustained (not all answered)", flush=True)
        else:
            print(f"{name}: {count} listeners: slowest got {level.worst_ratio:.3f} x real time, "
              f"{'sustained' if level.sustained else 'NOT sustained'}; server CPU {level.cpu_per_s * 100:.0f} %, "
              f"per listener {(level.cpu_per_s - idle) / count * 1e6:.0f} µs/s; bench client CPU "
              f"{level.client_cpu_per_s * 100:.0f} %", flush=True)  # fmt: skip
        if not level.sustained:
            if count > FIRST and (count // 2) in levels and levels[count // 2].sustained:
                middle = count * 3 // 4
                level = levels[middle] = measure(url, pid, middle)
                print(f"{name}: {middle} listeners: slowest {level.worst_ratio:.3f}, "
                      f"{'sustained' if level.sustained else 'NOT sustained'}", flush=True)  # fmt: skip
            break
        count *= 2
    return idle, levels


def best(levels: dict[int, Level]) -> int:
    return max((n for n, level in levels.items() if level.sustained), default=0)


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as directory, running_icecast(Path(directory) / "icecast", 20000) as icecast:
        pushing = {"RADIO_ICECAST_URL": icecast.url, "RADIO_ICECAST_SOURCE_PASSWORD": icecast.source_password}
        server = start_server(Path(directory) / "data", RADIO_LOG_LEVEL="WARNING", **pushing)
        try:
            icecast.wait_for_mounts({"/thon-dong.mp3"})
            our_idle, ours = ramp("station", f"{server.url}/zones/thon-dong/live.mp3", server.process.pid)
            ice_idle, theirs = ramp("icecast", f"{icecast.url}/thon-dong.mp3", icecast.process.pid)
        finally:
            stop_server(server)
    common = max((n for n in ours if n in theirs and ours[n].sustained and theirs[n].sustained), default=0)
    ratio = float("nan")
    if common:
        per_ours = (ours[common].cpu_per_s - our_idle) / common
        per_theirs = (theirs[common].cpu_per_s - ice_idle) / common
        ratio = per_ours / per_theirs if per_theirs > 0 else float("inf")
        print(f"at {common} listeners: station {per_ours * 1e6:.0f} µs CPU per listener-second, "
              f"icecast {per_theirs * 1e6:.0f} µs (sustained means every listener >= {SUSTAINED} x real time over "
              f"{WINDOW_S:.0f} s); run took {time.monotonic() - started:.0f} s")  # fmt: skip
    print(f"listeners={best(ours)} icecast_listeners={best(theirs)} cpu_per_listener_vs_icecast={ratio:.1f}")


if __name__ == "__main__":
    main()
