"""ICY (SHOUTcast) in-stream metadata: the title of what is on air, between audio bytes, for players that ask.

A player that sends `Icy-MetaData: 1` is told `icy-metaint: N`; after every N audio bytes it then reads
one length byte L and L × 16 bytes of `StreamTitle='…';` padded with NULs (L = 0: no change). Titles
are UTF-8 (VLC, ffmpeg, mpv and most IP speakers read them so).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing

METAINT = 8000  # one metadata point a second at 64 kbit/s
_MAX_TITLE_BYTES = 255 * 16 - len("StreamTitle='';")


def metadata_block(title: str) -> bytes:
    """One metadata block announcing `title` (cut to fit; a quote would end the value early, so it is curled)."""
    encoded = title.replace("'", "’").encode()[:_MAX_TITLE_BYTES].decode(errors="ignore").encode()
    text = b"StreamTitle='" + encoded + b"';"
    length = -(-len(text) // 16)
    return bytes([length]) + text.ljust(length * 16, b"\0")


class _Interleaver:
    """Counts audio bytes across chunks and inserts a block at every metadata point."""

    def __init__(self, title: Callable[[], str], metaint: int) -> None:
        self.title = title
        self.metaint = metaint
        self.until_block = metaint
        self.announced: str | None = None

    def __call__(self, chunk: bytes) -> bytes:
        out = bytearray()
        view = memoryview(chunk)
        while len(view) >= self.until_block:
            out += view[: self.until_block]
            view = view[self.until_block :]
            current = self.title()
            out += metadata_block(current) if current != self.announced else b"\0"
            self.announced = current
            self.until_block = self.metaint
        out += view
        self.until_block -= len(view)
        return bytes(out)


async def with_metadata(
    audio: AsyncIterator[bytes], title: Callable[[], str], metaint: int = METAINT
) -> AsyncIterator[bytes]:
    """Interleave a metadata block after every `metaint` audio bytes: the title when it changed, else a 0."""
    interleave = _Interleaver(title, metaint)
    async with aclosing(audio) as chunks:
        async for chunk in chunks:
            yield interleave(chunk)
