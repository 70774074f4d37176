"""Vietnamese text-to-speech for commune radio bulletins (bản tin).

Written bulletin text goes through a text front end (numbers, dates, times, units, abbreviations,
phone numbers) and a speech engine, then is mastered to broadcast loudness and encoded:

    audio = finish(synthesize(text, voice="vi"))
    mp3 = encode_mp3(audio)

The package depends on no other part of the product.
"""

from tts.audio import Audio
from tts.chime import chime
from tts.codec import decode, encode_mp3
from tts.frontend import normalize
from tts.frontend.analysis import TextWarning, analyze
from tts.frontend.pronunciation import Lexicon, LexiconEntry, LexiconError, check_entry, format_lexicon, parse_lexicon
from tts.mastering import finish, measure_loudness
from tts.synthesis import synthesize
from tts.voices import DEFAULT_VOICE, VOICES

__all__ = [
    "DEFAULT_VOICE",
    "VOICES",
    "Audio",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "TextWarning",
    "analyze",
    "check_entry",
    "chime",
    "decode",
    "encode_mp3",
    "finish",
    "format_lexicon",
    "measure_loudness",
    "normalize",
    "parse_lexicon",
    "synthesize",
]
