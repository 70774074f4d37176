"""What a bulletin is about: a short fixed list, so monthly reports can count bulletins by topic.

Codes are stored in English (one name in code, see the glossary); officials see the Vietnamese labels.
"""

from __future__ import annotations

import enum


class Topic(enum.StrEnum):
    government = "government"
    health = "health"
    agriculture = "agriculture"
    disaster = "disaster"
    security = "security"
    culture = "culture"
    other = "other"


TOPIC_LABELS: dict[Topic, str] = {
    Topic.government: "Chính quyền",
    Topic.health: "Y tế",
    Topic.agriculture: "Nông nghiệp",
    Topic.disaster: "Thiên tai",
    Topic.security: "An ninh trật tự",
    Topic.culture: "Văn hoá xã hội",
    Topic.other: "Khác",
}

DEFAULT_TOPIC = Topic.other
