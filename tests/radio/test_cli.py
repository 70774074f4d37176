"""The `radio` command as a person types it: clear English errors, exit codes, files really written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.audio_checks import RATE, decode_mp3, window_rms_db


def radio(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RADIO_DATA_DIR": str(data_dir), "RADIO_CONFIG": str(data_dir / "none.toml")}
    return subprocess.run(
        [sys.executable, "-m", "radio.cli", *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def test_say_writes_speech(tmp_path: Path) -> None:
    out = tmp_path / "tin.mp3"
    result = radio("say", "Xin chào bà con thôn Đông.", "-o", str(out), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    samples = decode_mp3(out.read_bytes())
    assert len(samples) / RATE > 1.0
    assert window_rms_db(samples).max() > -30


def test_say_refuses_empty_text_and_bad_paths(tmp_path: Path) -> None:
    empty = radio("say", "...", "-o", str(tmp_path / "x.mp3"), data_dir=tmp_path)
    assert empty.returncode == 2 and "nothing to read aloud" in empty.stderr
    assert not (tmp_path / "x.mp3").exists()
    bad = radio("say", "Xin chào", "-o", str(tmp_path / "missing" / "x.mp3"), data_dir=tmp_path)
    assert bad.returncode == 2 and "cannot write" in bad.stderr and "Traceback" not in bad.stderr


def test_normalize_prints_one_line_per_input_line(tmp_path: Path) -> None:
    result = radio("tts", "normalize", data_dir=tmp_path, stdin="UBND xã\n\n7h30 ngày 20/3\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ủy ban nhân dân xã", "", "bảy giờ ba mươi phút ngày hai mươi tháng ba"]


def test_set_password_lets_the_admin_back_in(tmp_path: Path) -> None:
    from radio.config import Settings
    from radio.security import verify_password
    from radio.station import Station
    from radio.storage.models import User

    result = radio("users", "set-password", "admin", "--password", "mat-khau-moi-123", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    station = Station(Settings(data_dir=tmp_path))
    with station.sessions() as session:
        admin = session.query(User).filter_by(username="admin").one()
        assert verify_password(admin.password_hash, "mat-khau-moi-123")
    station.engine.dispose()
    short = radio("users", "set-password", "admin", "--password", "ngan", data_dir=tmp_path)
    assert short.returncode == 2
    unknown = radio("users", "set-password", "khong-co", "--password", "mat-khau-moi-123", data_dir=tmp_path)
    assert unknown.returncode == 2 and "no user" in unknown.stderr


def test_villages_can_be_added_listed_and_renamed(tmp_path: Path) -> None:
    added = radio("villages", "add", "Thôn Bắc Sơn", data_dir=tmp_path)
    assert added.returncode == 0 and "/zones/thon-bac-son/live.mp3" in added.stdout
    again = radio("villages", "add", "Thôn  Bắc Sơn", data_dir=tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr
    renamed = radio("villages", "rename", "thon-bac-son", "Thôn Bắc Sơn Mới", data_dir=tmp_path)
    assert renamed.returncode == 0
    listed = radio("villages", "list", data_dir=tmp_path).stdout.splitlines()
    assert len(listed) == 6 and listed[-1].split(None, 1) == ["thon-bac-son", "Thôn Bắc Sơn Mới"]
    assert radio("villages", "rename", "khong-co", "X", data_dir=tmp_path).returncode == 2


def test_accounts_and_speaker_tokens_from_the_console_land_in_the_audit_trail(tmp_path: Path) -> None:
    import sqlite3

    from radio.cli import ROLES
    from radio.roles import Role

    assert tuple(role.value for role in Role) == ROLES  # the parser's copy of the roles stays in step
    added = radio("users", "add", "truong-thon", "--role", "village_head", "--village", "thon-dong", data_dir=tmp_path)
    assert added.returncode == 0, added.stderr
    assert len(added.stdout.splitlines()[-1]) >= 10  # the temporary password, alone on its line
    no_village = radio("users", "add", "truong-2", "--role", "village_head", data_dir=tmp_path)
    assert no_village.returncode == 2 and "Trưởng thôn phải được giao" in no_village.stderr
    listed = radio("users", "list", data_dir=tmp_path)
    assert "truong-thon" in listed.stdout and "thon-dong" in listed.stdout and "must change password" in listed.stdout

    speaker = radio("speakers", "add", "thon-dong", "Cụm loa chợ", data_dir=tmp_path)
    speaker_id = speaker.stdout.split()[2]
    first_token = speaker.stdout.splitlines()[-1]
    rotated = radio("speakers", "rotate", speaker_id, data_dir=tmp_path)
    assert rotated.returncode == 0 and rotated.stdout.splitlines()[-1] != first_token
    assert radio("speakers", "revoke", speaker_id, data_dir=tmp_path).returncode == 0
    again = radio("speakers", "rotate", speaker_id, data_dir=tmp_path)
    assert again.returncode == 2 and "revoked" in again.stderr

    with sqlite3.connect(tmp_path / "radio.db") as db:
        actions = [row for row in db.execute("SELECT action, username, remote FROM audit_events ORDER BY id")]
    assert [action for action, _, _ in actions] == ["user.create", "speaker.add", "speaker.rotate_token",
                                                    "speaker.revoke"]  # fmt: skip
    assert all(username.startswith("cli:") and remote == "console" for _, username, remote in actions)
