"""Settings come from RADIO_* variables over a TOML file over defaults; the secret key is made once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from radio.config import Settings


def test_environment_overrides_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "radio.toml"
    config.write_text('timezone = "Asia/Bangkok"\nport = 9000\n')
    monkeypatch.setenv("RADIO_CONFIG", str(config))
    monkeypatch.setenv("RADIO_PORT", "8100")
    settings = Settings()
    assert settings.timezone == "Asia/Bangkok"
    assert settings.port == 8100


def test_defaults_are_the_commune_timezone_and_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADIO_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("RADIO_TIMEZONE", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve()}/radio.db"


def test_unknown_timezone_is_refused_at_start() -> None:
    with pytest.raises(ValidationError):
        Settings(timezone="Asia/Hanoi_Typo")


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = settings.secret_key()
    assert len(first) > 40
    assert settings.secret_key() == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
