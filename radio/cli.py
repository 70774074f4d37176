"""The `radio` command: serve the station, and small tools for officials and integrators."""

from __future__ import annotations

import argparse
import logging
import sys

from radio.config import Settings


def _serve(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    from web.app import create_app  # the one upward import: the entry point assembles every layer

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

    audio = tts.finish(tts.synthesize(args.text, args.voice), settings.loudness_target_lufs, settings.true_peak_dbtp)
    with open(args.output, "wb") as handle:
        handle.write(tts.encode_mp3(audio, settings.stream_bitrate))
    print(f"wrote {args.output} ({audio.duration_s:.1f} s)")
    return 0


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
    say.add_argument("-o", "--output", default="say.mp3")
    say.add_argument("--voice", default="vi", help="vi, vi-VN-x-central or vi-VN-x-south")
    say.set_defaults(handler=_say)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides = {key: value for key in ("host", "port") if (value := getattr(args, key, None)) is not None}
    settings = Settings(**overrides)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return args.handler(settings, args)


if __name__ == "__main__":
    sys.exit(main())
