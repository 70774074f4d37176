"""Backup while the station runs, restore into a new place, and find the same log, chain and audio."""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

from tests.conftest import start_server, stop_server
from tests.radio.test_cli import radio
from tests.web.streams import wait_for


def test_backup_of_a_running_station_restores_whole(tmp_path: Path) -> None:
    server = start_server(tmp_path / "station" / "data")
    try:
        client = server.client()
        made = client.post("/api/bulletins", json={"text": "Mời bà con họp.", "zones": ["thon-dong", "thon-tay"]})
        assert made.status_code == 201
        wait_for(client, lambda rows: rows and all(r["status"] == "aired" for r in rows))
        archive = tmp_path / "sao-luu.tar.gz"
        result = radio("backup", "-o", str(archive), data_dir=server.data_dir)  # while the server runs
        assert result.returncode == 0, result.stderr
        log_before = client.get("/api/broadcasts").json()
    finally:
        stop_server(server)

    with tarfile.open(archive) as packed:
        assert {"radio.db", "secret_key"} <= set(packed.getnames())
    restored = tmp_path / "elsewhere" / "data"
    done = radio("restore", str(archive), data_dir=restored)
    assert done.returncode == 0, done.stderr
    verified = radio("log", "verify", data_dir=restored)
    assert verified.returncode == 0 and "2 entries verified" in verified.stdout
    sha = made.json()["audio_sha256"]
    assert hashlib.sha256((restored / "audio" / f"{sha}.mp3").read_bytes()).hexdigest() == sha

    again = radio("restore", str(archive), data_dir=restored)
    assert again.returncode == 2 and "--force" in again.stderr  # never overwrites by surprise
    bad = tmp_path / "not-a-backup.tar.gz"
    with tarfile.open(bad, "w:gz") as packed:
        packed.add(archive, arcname="other.bin")
    refused = radio("restore", str(bad), data_dir=tmp_path / "third" / "data")
    assert refused.returncode == 2 and "not a station backup" in refused.stderr
    assert not (tmp_path / "third" / "data").exists()

    server = start_server(restored)
    try:
        assert server.client().get("/api/broadcasts").json() == log_before
    finally:
        stop_server(server)


def test_restore_refuses_under_a_running_station_and_keeps_what_it_replaces(tmp_path: Path) -> None:
    server = start_server(tmp_path / "station" / "data")
    try:
        archive = tmp_path / "sao-luu.tar.gz"
        assert radio("backup", "-o", str(archive), data_dir=server.data_dir).returncode == 0
        refused = radio("restore", str(archive), "--force", data_dir=server.data_dir)
        assert refused.returncode == 2 and "a station is already running" in refused.stderr
        second = radio("serve", data_dir=server.data_dir)  # nor can a second station share its data
        assert second.returncode == 2 and "already running" in second.stderr
        assert server.client().get("/api/zones").status_code == 200  # the running one is untouched
    finally:
        stop_server(server)
    done = radio("restore", str(archive), "--force", data_dir=server.data_dir)
    assert done.returncode == 0, done.stderr
    kept = [path for path in server.data_dir.parent.iterdir() if path.name.startswith("data.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "radio.db").exists() and kept[0].name in done.stdout
