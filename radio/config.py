"""The one settings object: `RADIO_*` environment variables over an optional TOML file over defaults.

Settings are built once (by the CLI or the test) and passed down; nothing deep inside reads the
environment, so tests can run several stations side by side in one process.
"""

from __future__ import annotations

import os
import secrets
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    """Station configuration; every field can be set as `RADIO_<FIELD>` or in the TOML file."""

    model_config = SettingsConfigDict(env_prefix="RADIO_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Database, audio files and the secret key live here.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite in the data directory.")
    host: str = "127.0.0.1"
    port: int = 8000
    timezone: str = "Asia/Ho_Chi_Minh"
    default_voice: str = "vi"
    loudness_target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    stream_bitrate: str = "64k"
    stream_sample_rate: int = 44100
    local_output_zone: str = Field(
        "", description="Slug of the village whose programme also plays on this computer's sound card."
    )
    local_output_device: str | None = Field(None, description="sounddevice device name or index; empty: the default.")
    late_grace_s: int = Field(300, description="An airing missed by less than this (e.g. after a restart) airs late.")
    resume_interrupted: bool = Field(
        True, description="After an emergency, resume the interrupted item where it stopped (else restart it)."
    )
    quiet_hours: str = Field("21:00-05:00", description="Default quiet hours of a new commune; empty for none.")
    max_session_minutes: int = Field(
        45, description="Default longest session of a new commune (Hà Nội: 15 urban, 45 rural)."
    )
    relay_national_url: str = Field(
        "", description="Stream URL of the national station (VOV) for the morning template."
    )
    relay_district_url: str = Field("", description="Stream URL of the district station for the morning template.")
    plan_horizon_days: int = Field(7, description="How far ahead recurring programmes are planned into airings.")
    speaker_offline_alert_s: int = Field(
        600, description="A speaker agent offline longer than this is flagged on the fleet page."
    )
    max_text_chars: int = 10_000
    max_upload_mb: int = Field(50, description="Largest pre-recorded audio file accepted.")
    retention_months: int = Field(
        12, ge=0, description="Audio, as-run log and audit rows older than this are removed daily; 0 keeps everything."
    )
    morning_session: str = Field(
        "04:00-09:00", description="Commune-time window of the morning session counted by the report's coverage."
    )
    stream_token_required: bool = Field(
        False, description="Village streams need ?token= of a speaker of kind 'stream' (off: anyone on the LAN)."
    )
    icecast_url: str = Field("", description="Icecast 2.4+ server to push every village stream to; empty: none.")
    icecast_source_password: str = Field("", description="Icecast's <source-password>.")
    icecast_mount: str = Field("/{slug}.{format}", description="Mount of each village and format (mp3, ogg).")
    admin_password: str | None = Field(None, description="First-run admin password; generated when empty.")
    cookie_secure: bool = Field(
        False, description="Send the login cookie over HTTPS only; turn on when the station is served through HTTPS."
    )
    log_level: str = "INFO"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)  # a typo fails at start-up, not at airtime
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r}; use an IANA name such as Asia/Ho_Chi_Minh") from error
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_range(cls, value: str) -> str:
        if value.strip():
            parts = value.split("-")
            try:
                [time.fromisoformat(part.strip()) for part in parts]
            except ValueError as error:
                raise ValueError(f"quiet_hours must look like 21:00-05:00, got {value!r}") from error
            if len(parts) != 2:
                raise ValueError(f"quiet_hours must look like 21:00-05:00, got {value!r}")
        return value

    @field_validator("morning_session")
    @classmethod
    def _morning_session_range(cls, value: str) -> str:
        parts = value.split("-")
        try:
            start, end = (time.fromisoformat(part.strip()) for part in parts)
        except ValueError as error:
            raise ValueError(f"morning_session must look like 04:00-09:00, got {value!r}") from error
        if start >= end:
            raise ValueError(f"morning_session must start before it ends, got {value!r}")
        return value

    @property
    def morning_window(self) -> tuple[time, time]:
        start, end = (time.fromisoformat(part.strip()) for part in self.morning_session.split("-"))
        return start, end

    @property
    def quiet_hours_range(self) -> tuple[time, time] | None:
        if not self.quiet_hours.strip():
            return None
        start, end = (time.fromisoformat(part.strip()) for part in self.quiet_hours.split("-"))
        return start, end

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("RADIO_CONFIG", "radio.toml")
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))

    @field_validator("icecast_mount")
    @classmethod
    def _mount_names_village_and_format(cls, value: str) -> str:
        if not value.startswith("/") or "{slug}" not in value or "{format}" not in value:
            raise ValueError(f"icecast_mount must start with / and contain {{slug}} and {{format}}, got {value!r}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @property
    def voices_dir(self) -> Path:
        """Installed Piper and Coqui voices (`radio voices install`)."""
        return self.data_dir / "voices"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'radio.db').resolve()}"

    def secret_key(self) -> str:
        """The session-signing key, generated on first run and kept in the data directory."""
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
