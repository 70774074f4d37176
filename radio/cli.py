"""The `radio` command: serve the station, and small tools for officials and integrators."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from radio.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def _database(settings: Settings) -> Iterator[Session]:
    """The station's database, migrated (and seeded on first run), as one transaction for a command run
    beside the server; the connection pool is closed whatever happens."""
    from radio.station import Station

    station = Station(settings)
    station.prepare_database()
    try:
        with station.sessions.begin() as session:
            yield session
    finally:
        station.evidence.close()
        station.engine.dispose()


def _audit(session: Session, action: str, detail: str) -> None:
    """Console actions join the audit trail under the operating-system account that ran them."""
    from radio.accounts import record

    record(session, action, detail, username=f"cli:{getpass.getuser()}", remote="console")


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    from radio.station_lock import StationRunning, ensure_stopped
    from web.app import create_app  # the one upward import: the entry point assembles every layer

    try:
        ensure_stopped(settings.data_dir)
    except StationRunning as error:
        print(f"radio serve: {error}; stop it, or give this one its own RADIO_DATA_DIR", file=sys.stderr)
        return 2

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=3,
    )
    return 0


def _normalize(_settings: Settings, _args: argparse.Namespace) -> int:
    import tts

    for line in sys.stdin:
        print(tts.normalize(line.rstrip("\n")), flush=True)
    return 0


def _say(settings: Settings, args: argparse.Namespace) -> int:
    import tts

    if not any(character.isalnum() for character in args.text):
        print("radio say: the text has nothing to read aloud", file=sys.stderr)
        return 2
    try:
        audio = tts.synthesize(args.text, args.voice)
    except ValueError as error:
        print(f"radio say: {error}", file=sys.stderr)
        return 2
    mp3 = tts.encode_mp3(
        tts.finish(audio, settings.loudness_target_lufs, settings.true_peak_dbtp), settings.stream_bitrate
    )
    try:
        with open(args.output, "wb") as handle:
            handle.write(mp3)
    except OSError as error:
        print(f"radio say: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} ({audio.duration_s:.1f} s)")
    return 0


def _set_password(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from radio.accounts import MIN_PASSWORD_CHARS
    from radio.security import hash_password
    from radio.storage.models import User

    password = args.password or getpass.getpass(f"New password for {args.username}: ")
    if len(password) < MIN_PASSWORD_CHARS:
        print(f"radio users set-password: use at least {MIN_PASSWORD_CHARS} characters", file=sys.stderr)
        return 2
    with _database(settings) as session:
        user = session.scalar(select(User).where(User.username == args.username))
        if user is None:
            print(f"radio users set-password: no user {args.username!r}", file=sys.stderr)
            return 2
        user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until, user.disabled = 0, None, False
        _audit(session, "user.set_password", f"{args.username} (console)")
    print(f"password of {args.username} changed")
    return 0


def _users(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from radio.accounts import create_user
    from radio.errors import Refusal
    from radio.roles import ROLE_LABELS, Role
    from radio.storage.models import Commune, User, Zone

    with _database(settings) as session:
        if args.users_command == "list":
            for user in session.scalars(select(User).order_by(User.username)):
                villages = ", ".join(zone.slug for zone in user.zones)
                state = " (disabled)" if user.disabled else ""
                state = state or (" (must change password)" if user.must_change_password else "")
                print(f"{user.username:24} {ROLE_LABELS.get(Role(user.role), user.role):12} {villages}{state}")
            return 0
        zones = list(session.scalars(select(Zone).where(Zone.slug.in_(args.village or []))))
        if unknown := sorted(set(args.village or []) - {zone.slug for zone in zones}):
            print(f"radio users add: no village {', '.join(unknown)} (see `radio villages list`)", file=sys.stderr)
            return 2
        commune_id = session.scalars(select(Commune.id)).first()
        try:
            user, password = create_user(session, commune_id, args.username, args.full_name, args.role, zones)
        except Refusal as refusal:
            print(f"radio users add: {' '.join(refusal.errors.values())}", file=sys.stderr)
            return 2
        _audit(session, "user.create", f"{user.username} as {user.role} ({', '.join(z.slug for z in zones)})")
    print(f"user {args.username} added as {args.role}; temporary password, shown only once (to be changed at "
          f"first login):\n{password}")  # fmt: skip
    return 0


def _voices_list(settings: Settings, _args: argparse.Namespace) -> int:
    import tts

    for voice in tts.VoiceCatalogue(settings.voices_dir).available():
        state = "installed" if voice.installed else "not installed"
        if voice.problem:
            state += f" (cannot speak: {voice.problem})"
        print(f"{voice.id:42} {voice.engine:7} {state:14} {voice.licence:14} {voice.source}")
    return 0


def _voices_install(settings: Settings, args: argparse.Namespace) -> int:
    import tts

    try:
        if args.file:
            voice = tts.install_voice_file(Path(args.file), settings.voices_dir)
        elif args.name:
            voice = tts.install_voice(args.name, settings.voices_dir)
        else:
            print("radio voices install: give a published voice NAME or --file PATH", file=sys.stderr)
            return 2
    except tts.VoiceInstallError as error:
        print(f"radio voices install: failed: {error}", file=sys.stderr)
        return 1
    print(f"installed {voice.id} ({voice.label}; licence {voice.licence})")
    return 0


def _digest(text: str) -> tuple[date, str]:
    """`YYYY-MM-DD=HASH` as printed on the monthly report (at least 16 hex digits of the hash)."""
    day, _, digest = text.partition("=")
    try:
        parsed = date.fromisoformat(day.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: the day must look like 2026-03-31") from error
    digest = digest.strip().lower()
    if len(digest) < 16 or len(digest) > 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(f"{text!r}: give the day's hash as printed (16 to 64 hex digits)")
    return parsed, digest


def _log_verify(settings: Settings, args: argparse.Namespace) -> int:
    from radio.as_run_chain import verify

    with _database(settings) as session:
        result = verify(session, settings.tz, dict(args.digest or []))
    if checkpoint := result.checkpoint:
        print(
            f"verification starts at the retention checkpoint: entries up to {checkpoint.entry_id} (written before "
            f"{checkpoint.entry_created_at.astimezone(settings.tz):%Y-%m-%d %H:%M}) were removed on "
            f"{checkpoint.created_at.astimezone(settings.tz):%Y-%m-%d}; the last removed hash is {checkpoint.hash}"
        )
    for check in result.digests:
        if check.matches:
            print(f"digest {check.day} matches")
        elif check.actual is None:
            print(f"digest {check.day} CANNOT BE CHECKED: that day was removed by retention", file=sys.stderr)
        else:
            print(f"digest {check.day} MISMATCH: printed {check.expected}, the log now gives {check.actual}",
                  file=sys.stderr)  # fmt: skip
    if result.first_bad_entry is not None:
        print(f"as-run log ALTERED at entry {result.first_bad_entry}: {result.reason}", file=sys.stderr)
    if result.unchained_airings or result.unchained_receipts:
        missing = [f"airing {i}" for i in result.unchained_airings]
        missing += [f"receipt {i}" for i in result.unchained_receipts]
        print(f"as-run log INCOMPLETE: {', '.join(missing[:20])} finished but not in the chain (its newest entries "
              "were removed?)", file=sys.stderr)  # fmt: skip
    if result.intact:
        print(f"as-run log intact: {result.entries} entries verified")
        return 0
    return 1


def _retention(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from radio.retention import RetentionError, run_retention
    from radio.storage.database import make_engine, make_session_factory, migrate

    engine = make_engine(settings)
    try:
        migrate(engine)
        report = run_retention(make_session_factory(engine), settings, datetime.now(UTC), dry_run=args.dry_run)
    except RetentionError as error:
        print(f"radio retention run: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(report.summary())
    return 0


def _speaker(_settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from radio.agent.agent import EXIT_RESTART, AgentOptions, run_agent
    from radio.agent.link import Refused, RestartRequested

    options = AgentOptions(
        server=args.server, token=args.token, cache_dir=Path(args.cache), sink=args.sink,
        sample_rate=args.sample_rate, volume=args.volume, heartbeat_s=args.heartbeat_s,
        max_backoff_s=args.max_backoff_s,
    )  # fmt: skip
    try:
        options.check()
        asyncio.run(run_agent(options))
    except ValueError as error:
        print(f"radio speaker: {error}", file=sys.stderr)
        return 2
    except Refused as error:
        print(f"radio speaker: the station refused this speaker ({error}); ask for a new token", file=sys.stderr)
        return 3
    except RestartRequested:
        print(f"radio speaker: restart asked from the station; exiting with status {EXIT_RESTART}", file=sys.stderr)
        return EXIT_RESTART
    except KeyboardInterrupt:
        pass
    return 0


def _speakers(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from radio.fleet import add_speaker, revoke_speaker, rotate_token

    try:
        with _database(settings) as session:
            if args.speakers_command == "add":
                speaker, token = add_speaker(session, args.village, args.name, args.kind)
                _audit(session, "speaker.add", f"{args.kind} speaker {speaker.id} ({speaker.name}) in {args.village}")
                print(f"{args.kind} speaker {speaker.id} ({speaker.name}) added to {args.village}; its token, "
                      "shown only once:")  # fmt: skip
                print(token)
            elif args.speakers_command == "rotate":
                speaker, token = rotate_token(session, args.speaker_id)
                _audit(session, "speaker.rotate_token", f"speaker {speaker.id} ({speaker.name})")
                print(f"speaker {speaker.id} ({speaker.name}): new token, shown only once (the old one is refused):")
                print(token)
            else:
                speaker = revoke_speaker(session, args.speaker_id, datetime.now(UTC))
                _audit(session, "speaker.revoke", f"speaker {speaker.id} ({speaker.name})")
                print(f"speaker {speaker.id} ({speaker.name}): token revoked")
    except ValueError as error:
        print(f"radio speakers {args.speakers_command}: {error}", file=sys.stderr)
        return 2
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from radio.backup import BackupError, backup

    try:
        path = backup(settings, Path(args.output) if args.output else None)
    except BackupError as error:
        print(f"radio backup: {error}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from radio.backup import BackupError, restore

    try:
        kept = restore(settings, Path(args.archive), force=args.force)
    except BackupError as error:
        print(f"radio restore: {error}", file=sys.stderr)
        return 2
    print(f"restored {args.archive} into {settings.data_dir}")
    if kept is not None:
        print(f"the data it replaced is kept in {kept} (delete it once the restored station is checked)")
    return 0


def _villages(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from radio.storage.models import Zone
    from radio.villages import VillageError, add_village, rename_village

    try:
        with _database(settings) as session:
            if args.villages_command == "add":
                zone = add_village(session, args.name, args.slug)
                _audit(session, "village.add", f"{zone.slug} ({zone.name})")
                print(f"added {zone.name} (stream /zones/{zone.slug}/live.mp3; restart the station to open it, "
                      "or add it from the Thôn, xóm page of a running station)")  # fmt: skip
            elif args.villages_command == "rename":
                zone = rename_village(session, args.slug, args.name)
                _audit(session, "village.rename", f"{zone.slug} → {zone.name}")
                print(f"renamed {zone.slug} to {zone.name}")
            else:
                for zone in session.scalars(select(Zone).order_by(Zone.position)):
                    print(f"{zone.slug:24} {zone.name}")
    except VillageError as error:
        print(f"radio villages: {error}", file=sys.stderr)
        return 2
    return 0


ROLES = ("admin", "editor", "approver", "village_head", "viewer")  # radio.roles.Role, without importing the models


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="radio", description="Commune radio station (đài truyền thanh xã).")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web UI, scheduler and village streams")
    serve.add_argument("--host", help="listen address (RADIO_HOST)")
    serve.add_argument("--port", type=int, help="listen port (RADIO_PORT)")
    serve.set_defaults(handler=_serve)
    tts_parser = commands.add_parser("tts", help="text-to-speech tools").add_subparsers(
        dest="tts_command", required=True
    )
    tts_parser.add_parser("normalize", help="read lines on stdin, print their spoken form").set_defaults(
        handler=_normalize
    )
    say = commands.add_parser("say", help="speak a text into an MP3 file with the broadcast pipeline")
    say.add_argument("text")
    say.add_argument("-o", "--output", default="say.mp3", help="MP3 file to write (default: say.mp3)")
    say.add_argument("--voice", default="vi", help="vi, vi-VN-x-central or vi-VN-x-south")
    say.set_defaults(handler=_say)
    voices = commands.add_parser("voices", help="the voice catalogue").add_subparsers(
        dest="voices_command", required=True
    )
    voices.add_parser("list", help="voices installed and installable, with source and licence").set_defaults(
        handler=_voices_list
    )
    install = voices.add_parser("install", help="download a published Piper Vietnamese voice, or install one from disk")
    install.add_argument("name", nargs="?", help="e.g. vi_VN-vais1000-medium (see `radio voices list`)")
    install.add_argument("--file", help="a local .onnx voice with its .onnx.json beside it")
    install.set_defaults(handler=_voices_install)
    villages = commands.add_parser("villages", help="the commune's villages (thôn, xóm, bản)").add_subparsers(
        dest="villages_command", required=True
    )
    villages.add_parser("list", help="villages and their stream names").set_defaults(handler=_villages)
    add = villages.add_parser("add", help="add a village (restart the station to open its stream)")
    add.add_argument("name", help='e.g. "Thôn Bắc Sơn"')
    add.add_argument("--slug", help="URL name of its stream (default: from the name, e.g. thon-bac-son)")
    add.set_defaults(handler=_villages)
    rename = villages.add_parser("rename", help="rename a village (its stream URL stays)")
    rename.add_argument("slug")
    rename.add_argument("name")
    rename.set_defaults(handler=_villages)
    backup_parser = commands.add_parser("backup", help="archive the data directory (safe while the station runs)")
    backup_parser.add_argument("-o", "--output", help="archive to write (default: radio-backup-<time>.tar.gz)")
    backup_parser.set_defaults(handler=_backup)
    restore_parser = commands.add_parser("restore", help="replace the data directory with a backup (station stopped)")
    restore_parser.add_argument("archive")
    restore_parser.add_argument("--force", action="store_true", help="replace a data directory that is not empty")
    restore_parser.set_defaults(handler=_restore)
    log_parser = commands.add_parser("log", help="the as-run log").add_subparsers(dest="log_command", required=True)
    verify_parser = log_parser.add_parser("verify", help="check the hash chain; name the first altered or lost entry")
    verify_parser.add_argument(
        "--digest", action="append", type=_digest, metavar="YYYY-MM-DD=HASH",
        help="a day's digest as printed on the monthly report; fails if the log no longer reproduces it (repeatable)",
    )  # fmt: skip
    verify_parser.set_defaults(handler=_log_verify)
    retention = commands.add_parser("retention", help="remove audio and logs older than retention_months")
    retention_commands = retention.add_subparsers(dest="retention_command", required=True)
    retention_run = retention_commands.add_parser("run", help="remove now what the server removes daily")
    retention_run.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    retention_run.set_defaults(handler=_retention)
    users = commands.add_parser("users", help="station accounts").add_subparsers(dest="users_command", required=True)
    set_password = users.add_parser("set-password", help="set a user's password (e.g. a forgotten admin password)")
    set_password.add_argument("username")
    set_password.add_argument("--password", help="the new password (asked for when omitted)")
    set_password.set_defaults(handler=_set_password)
    users.add_parser("list", help="accounts with their role and villages").set_defaults(handler=_users)
    add_user = users.add_parser("add", help="add an account; prints a temporary password to change at first login")
    add_user.add_argument("username")
    add_user.add_argument("--role", required=True, choices=ROLES,
                          help="admin (quản trị), editor (biên tập), approver (duyệt), village_head (trưởng thôn), "
                          "viewer (xem)")  # fmt: skip
    add_user.add_argument("--village", action="append", help="a village head's village slug (repeatable)")
    add_user.add_argument("--full-name", default="")
    add_user.set_defaults(handler=_users)
    speaker = commands.add_parser(
        "speaker", help="run the speaker agent on a village's receiver box",
        description="Run the speaker agent on a village's receiver box: it plays the village's schedule from its "
        "cache on the station's clock and obeys the office's remote control (volume, mute, test tone, restart).",
        epilog="Exit status: 0 stopped by Ctrl+C or SIGTERM; 2 a bad option; 3 the station refused the token (wrong or "
        "revoked: do not restart, ask for a new one); 75 a restart was asked from the station (Cụm loa page or "
        "POST /api/speakers/ID/commands): the agent closes its connection, sound output and receipt queue, then "
        "exits with 75 so that its supervisor starts it again. Run it under systemd with Restart=always (or "
        "Restart=on-failure, and RestartPreventExitStatus=2 3). Volume and mute set from the office are kept in "
        "the cache directory and override --volume; emergencies always play at full volume, even when muted.",
    )  # fmt: skip
    speaker.add_argument("--server", required=True, help="the station, e.g. http://192.168.1.10:8000")
    speaker.add_argument("--token", required=True, help="this speaker's token, from `radio speakers add`")
    speaker.add_argument("--cache", default="speaker-cache", help="audio, schedule and receipts on disk")
    speaker.add_argument("--sink", default="sounddevice", help="sounddevice[:DEVICE] (default), null, or file:PATH: a "
                         "mono 16-bit WAV of everything played, silence included, and PATH.times with each sounding "
                         "block's instant (UNIX_TIME FIRST_SAMPLE COUNT); a restarted agent appends")  # fmt: skip
    speaker.add_argument("--sample-rate", type=int, default=44100)
    speaker.add_argument("--volume", type=int, default=100, help="percent of full scale")
    speaker.add_argument("--heartbeat-s", type=float, default=5.0)
    speaker.add_argument("--max-backoff-s", type=float, default=30.0, help="longest wait between reconnections")
    speaker.set_defaults(handler=_speaker)
    speakers = commands.add_parser("speakers", help="speaker agents' tokens").add_subparsers(
        dest="speakers_command", required=True
    )
    add = speakers.add_parser("add", help="add a speaker to a village and print its token once")
    add.add_argument("village", help="the village's slug, e.g. thon-dong")
    add.add_argument("name")
    add.add_argument("--kind", choices=("agent", "stream"), default="agent",
                     help="agent: runs `radio speaker`; stream: plays /zones/VILLAGE/live.mp3?token=TOKEN")  # fmt: skip
    add.set_defaults(handler=_speakers)
    revoke = speakers.add_parser("revoke", help="revoke a speaker's token: it is refused from then on")
    revoke.add_argument("speaker_id", type=int)
    revoke.set_defaults(handler=_speakers)
    rotate = speakers.add_parser("rotate", help="give a speaker a new token (printed once); the old one is refused")
    rotate.add_argument("speaker_id", type=int)
    rotate.set_defaults(handler=_speakers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {key: value for key in ("host", "port") if (value := getattr(args, key, None)) is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command != "serve":  # a console command shows its answer, not the migration framework's chatter
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return args.handler(settings, args)


if __name__ == "__main__":
    sys.exit(main())
