"""Who may do what: the five roles of a commune station and one permission matrix for pages, API and CLI.

Kept as data in one place so the UI (which buttons to show), the API (what to refuse) and the test that
walks every endpoint for every role all read the same table.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from radio.storage.models import User, Zone


class Role(enum.StrEnum):
    admin = "admin"
    editor = "editor"
    approver = "approver"
    village_head = "village_head"
    viewer = "viewer"


ROLE_LABELS = {
    Role.admin: "Quản trị",
    Role.editor: "Biên tập",
    Role.approver: "Duyệt",
    Role.village_head: "Trưởng thôn",
    Role.viewer: "Xem",
}


class Permission(enum.StrEnum):
    view = "view"  # dashboard, calendar, as-run log, fleet, reports
    draft = "draft"  # write bulletins and submit them for approval (a village head: own villages only)
    approve = "approve"  # listen to a submitted bulletin and approve or send it back
    emergency = "emergency"  # air a khẩn cấp bulletin at once, with a reason, flagged for review
    programmes = "programmes"  # standing programmes: their content airs without per-bulletin approval
    live = "live"  # go live from the microphone or relay a stream
    speakers = "speakers"  # remote control of loudspeakers, speaker tokens
    settings = "settings"  # airing rules, voices, pronunciation lexicon
    users = "users"  # accounts and roles
    audit = "audit"  # the audit trail


_EVERYONE = frozenset({Permission.view})
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.approver: _EVERYONE
    | {Permission.draft, Permission.approve, Permission.emergency, Permission.programmes, Permission.live},
    Role.editor: _EVERYONE | {Permission.draft, Permission.emergency},
    Role.village_head: _EVERYONE | {Permission.draft, Permission.emergency},
    Role.viewer: _EVERYONE,
}

PERMISSION_REFUSED = "Tài khoản của bạn không có quyền làm việc này."


def role_of(user: User) -> Role:
    """An unknown role stored by hand grants nothing beyond viewing."""
    try:
        return Role(user.role)
    except ValueError:
        return Role.viewer


def can(user: User, permission: Permission) -> bool:
    return permission in MATRIX[role_of(user)]


def limited_to_own_villages(user: User) -> bool:
    """A village head acts for the villages assigned to them; every other role for the whole commune."""
    return role_of(user) is Role.village_head


def may_target(user: User, zones: Iterable[Zone]) -> bool:
    if not limited_to_own_villages(user):
        return True
    own = {zone.id for zone in user.zones}
    return all(zone.id in own for zone in zones)
