"""Voices offered to editors: id -> Vietnamese label shown in the UI (giọng đọc)."""

from __future__ import annotations

VOICES: dict[str, str] = {
    "vi": "Giọng miền Bắc",
    "vi-VN-x-central": "Giọng miền Trung",
    "vi-VN-x-south": "Giọng miền Nam",
}

# Northern speech is the standard broadcast reading.
DEFAULT_VOICE = "vi"
