"""Vietnamese text-to-speech for commune radio bulletins (bản tin).

Written bulletin text goes through a text front end (numbers, dates, times, units, abbreviations,
phone numbers) and a speech engine, then is mastered to broadcast loudness and encoded:

    audio = finish(synthesize(text, voice="vi"))
    mp3 = encode_mp3(audio)

The package depends on no other part of the product.
"""

from tts.audio import Audio
from tts.catalogue import VoiceCatalogue, VoiceInfo
from tts.chime import chime
from tts.codec import decode, encode_mp3, encode_opus
from tts.frontend import normalize
from tts.frontend.analysis import TextWarning, analyze
from tts.frontend.encodings import LegacyEncodingError, to_unicode
from tts.frontend.pronunciation import Lexicon, LexiconEntry, LexiconError, check_entry, format_lexicon, parse_lexicon
from tts.install import VoiceInstallError, install_voice, install_voice_file, register_coqui_voice, remove_voice
from tts.mastering import finish, measure_loudness
from tts.render import Rendered, RenderOptions, render
from tts.synthesis import MAX_SPEED, MIN_SPEED, speak_sentences, synthesize
from tts.voices import DEFAULT_VOICE, VOICES

__all__ = [
    "DEFAULT_VOICE",
    "MAX_SPEED",
    "MIN_SPEED",
    "VOICES",
    "Audio",
    "Lexicon",
    "RenderOptions",
    "Rendered",
    "LexiconEntry",
    "LegacyEncodingError",
    "LexiconError",
    "TextWarning",
    "VoiceCatalogue",
    "VoiceInfo",
    "VoiceInstallError",
    "analyze",
    "check_entry",
    "chime",
    "decode",
    "encode_mp3",
    "encode_opus",
    "finish",
    "format_lexicon",
    "install_voice",
    "install_voice_file",
    "measure_loudness",
    "normalize",
    "parse_lexicon",
    "register_coqui_voice",
    "remove_voice",
    "render",
    "speak_sentences",
    "synthesize",
    "to_unicode",
]
