"""Backup and restore of a station's data directory, consistent while the station runs.

The SQLite database is copied with SQLite's online backup API (a consistent snapshot even while
playout writes evidence); audio files are immutable (named by sha256), so copying them as they are
is safe. A restore unpacks beside the data directory and swaps it in, so a failed restore leaves
the old data untouched, and a successful one keeps the replaced directory beside the new one.
"""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from radio.config import Settings
from radio.station_lock import StationRunning, ensure_stopped

DATABASE = "radio.db"
KEPT = ("audio", "voices", "secret_key")


class BackupError(RuntimeError):
    pass


def backup(settings: Settings, output: Path | None = None) -> Path:
    """Write a .tar.gz of the data directory and return its path."""
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise BackupError("the database is not SQLite: back it up with its own tools (pg_dump), then the data dir")
    database = settings.data_dir / DATABASE
    if not database.exists():
        raise BackupError(f"no station database at {database}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = output or Path(f"radio-backup-{stamp}.tar.gz")
    with tempfile.TemporaryDirectory() as folder:
        snapshot = Path(folder) / DATABASE
        with sqlite3.connect(database) as source, sqlite3.connect(snapshot) as target:
            source.backup(target)
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(snapshot, arcname=DATABASE)
            for name in KEPT:
                if (settings.data_dir / name).exists():
                    archive.add(settings.data_dir / name, arcname=name)
        partial.replace(output)
    return output


def restore(settings: Settings, archive_path: Path, force: bool = False) -> Path | None:
    """Replace the data directory with the archive's content; the station must be stopped.

    Returns where the replaced data was kept (nothing is thrown away), or None if there was none.
    """
    if not archive_path.is_file():
        raise BackupError(f"no backup file at {archive_path}")
    target = settings.data_dir.resolve()
    try:
        ensure_stopped(target)
    except StationRunning as error:
        message = f"{error}; stop it first (a restore under a running station loses what it records)"
        raise BackupError(message) from error
    if target.exists() and any(target.iterdir()) and not force:
        raise BackupError(f"{target} is not empty; stop the station and pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            names = archive.getnames()
            if DATABASE not in names:
                raise BackupError(f"{archive_path} is not a station backup (no {DATABASE})")
            archive.extractall(staging, filter="data")  # "data" refuses absolute paths and links out of the folder
        with sqlite3.connect(staging / DATABASE) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"the database in {archive_path} is damaged")
        kept = None
        if target.exists() and any(target.iterdir()):
            kept = target.with_name(f"{target.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
            target.rename(kept)
        elif target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return kept
