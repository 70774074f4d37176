"""One running station per data directory: the server holds a lock file for its lifetime.

`radio restore` swaps the data directory; done under a running server, the server keeps writing to the
old, deleted database and everything it records is lost. The lock lets restore (and a second server)
refuse with the reason instead.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".station.lock"


class StationRunning(RuntimeError):
    pass


def _lock(data_dir: Path) -> FileLock:
    # beside the data directory, so that swapping the directory in a restore does not swap the lock
    return FileLock(str(data_dir.resolve().with_name(data_dir.resolve().name + LOCK_NAME)))


def hold(data_dir: Path) -> FileLock:
    """Take the lock for a server's lifetime (release it at shutdown); StationRunning if another holds it."""
    data_dir.resolve().parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(data_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout as error:
        raise StationRunning(f"a station is already running on {data_dir}") from error
    return lock


def ensure_stopped(data_dir: Path) -> None:
    """StationRunning unless no server holds this data directory right now."""
    hold(data_dir).release()
