"""Clock times: 7h, 7h30, 17h00, 7g30, 8:15, 8:15:30.

espeak-ng reads "7h30" as "bảy hát ba mươi"; a reader says "bảy giờ ba mươi phút". Whole hours drop
the minutes ("17h00" -> "mười bảy giờ"). "19 giờ 30" needs nothing: the number rules read it.
"""

from __future__ import annotations

import re

from tts.frontend.spoken_numbers import integer_words

# "g" (7g30) is only a time with minutes: a lone "5g" is five grams.
_H_TIME = re.compile(r"(?<![\w.,])(?P<hour>\d{1,2})(?:h(?P<minute>[0-5]\d)?|g(?P<gminute>[0-5]\d))(?!\w)")
_COLON_TIME = re.compile(
    r"(?<![\w.,:])(?P<hour>[01]?\d|2[0-4]):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?![\w:]|[.,]\d)"
)


def _clock(hour: str, minute: str | None, second: str | None = None) -> str:
    words = [integer_words(int(hour)), "giờ"]
    if minute and int(minute):
        words += [integer_words(int(minute)), "phút"]
    if second and int(second):
        words += [integer_words(int(second)), "giây"]
    return " ".join(words)


def expand_times(text: str) -> str:
    """Read clock times as "<h> giờ <m> phút"."""
    text = _H_TIME.sub(lambda m: _clock(m["hour"], m["minute"] or m["gminute"]), text)
    return _COLON_TIME.sub(lambda m: _clock(m["hour"], m["minute"], m["second"]), text)
