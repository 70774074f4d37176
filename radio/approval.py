"""The approval workflow of a bulletin: nháp → chờ duyệt → đã duyệt → đã lên lịch → đã phát.

An approval names the sha256 of the audio the approver listened to; the station airs a bulletin only
when the audio it is about to play is that audio, or when it is a khẩn cấp bulletin aired with a
written reason (then it is flagged until an approver reviews it). Planning lives in `schedules`;
this module only decides who may move a bulletin to which state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from radio.bulletins import BulletinDraft, create_bulletin, rerender_bulletin
from radio.config import Settings
from radio.errors import Refusal
from radio.labels import BULLETIN_STATUS_LABELS
from radio.roles import Permission, can, may_target
from radio.storage.models import Broadcast, Bulletin, BulletinStatus, Priority, User, Zone

EDITABLE = {BulletinStatus.draft, BulletinStatus.pending, BulletinStatus.approved, BulletinStatus.scheduled}


def _check_author(author: User, draft: BulletinDraft, zones: list[Zone], emergency_reason: str) -> None:
    errors: dict[str, str] = {}
    if not can(author, Permission.draft):
        errors["user"] = "Tài khoản của bạn không được soạn bản tin."
    elif not may_target(author, zones):
        own = ", ".join(zone.name for zone in author.zones) or "chưa được giao thôn nào"
        errors["zones"] = f"Bạn chỉ được soạn bản tin cho thôn của mình ({own})."
    if draft.priority is Priority.emergency:
        if not can(author, Permission.emergency):
            errors["priority"] = "Tài khoản của bạn không được phát khẩn cấp."
        elif not emergency_reason.strip() and not can(author, Permission.approve):
            errors["emergency_reason"] = "Hãy ghi lý do phát khẩn cấp (sẽ được lưu và xem xét lại sau)."
    if errors:
        raise Refusal(errors)


def _send(bulletin: Bulletin, author: User, now: datetime, emergency_reason: str) -> None:
    """Move a complete bulletin on from nháp: approved at once when its author may approve, cleared at once
    in an emergency with a reason (and flagged for review), otherwise waiting for an approver."""
    bulletin.return_note = ""
    if bulletin.priority is Priority.emergency:
        bulletin.emergency_reason = emergency_reason.strip()[:2000]
    if can(author, Permission.approve):
        approve(bulletin, author, bulletin.audio_sha256 or "", now)
    elif bulletin.priority is Priority.emergency:
        bulletin.status = BulletinStatus.approved
        bulletin.needs_review = True
    else:
        bulletin.status = BulletinStatus.pending


def submit_bulletin(
    session: Session, settings: Settings, draft: BulletinDraft, author: User, now: datetime, *,
    emergency_reason: str = "", send: bool = True,
) -> Bulletin:  # fmt: skip
    """Store a new bulletin as nháp, or (send=True) send it on; Refusal (nothing stored) if not allowed."""
    bulletin, zones = create_bulletin(session, settings, draft, author, now)
    _check_author(author, draft, zones, emergency_reason)
    if send:
        _send(bulletin, author, now, emergency_reason)
    return bulletin


def edit_bulletin(
    session: Session, settings: Settings, bulletin: Bulletin, draft: BulletinDraft, editor: User, now: datetime, *,
    emergency_reason: str = "", send: bool = True,
) -> None:  # fmt: skip
    """Change a bulletin not yet aired; any approval is void (the audio changes), so it goes back to chờ duyệt.

    The caller cancels airings already planned (schedules owns them) before calling this.
    """
    if bulletin.status not in EDITABLE:
        raise Refusal({"status": "Bản tin đã phát, không sửa được. Hãy sao chép thành bản tin mới."})
    if not may_target(editor, bulletin.zones):
        raise Refusal({"zones": "Bản tin này có thôn không thuộc phạm vi của bạn."})
    zones = rerender_bulletin(session, settings, bulletin, draft, now)
    _check_author(editor, draft, zones, emergency_reason)
    bulletin.status = BulletinStatus.draft
    bulletin.approved_sha256 = bulletin.approved_by_id = bulletin.approved_at = None
    bulletin.needs_review, bulletin.emergency_reason = False, ""
    if send:
        _send(bulletin, editor, now, emergency_reason)


def approve(bulletin: Bulletin, approver: User, heard_sha256: str, now: datetime) -> None:
    """Approve exactly the audio the approver heard; if the bulletin changed since, they must listen again."""
    if not can(approver, Permission.approve):
        raise Refusal({"user": "Tài khoản của bạn không được duyệt bản tin."})
    if bulletin.status not in (BulletinStatus.draft, BulletinStatus.pending):
        state = BULLETIN_STATUS_LABELS[bulletin.status]
        raise Refusal({"status": f"Bản tin đang ở trạng thái “{state}”, không cần duyệt."})
    if not heard_sha256 or heard_sha256 != bulletin.audio_sha256:
        raise Refusal({"sha256": "Âm thanh của bản tin đã thay đổi so với bản bạn nghe. Hãy nghe lại rồi duyệt."})
    if bulletin.air_at is not None and bulletin.air_at < now:
        raise Refusal({"air_at": "Thời điểm phát đã qua. Hãy trả lại để người soạn chọn thời điểm mới."})
    bulletin.status = BulletinStatus.approved
    bulletin.approved_sha256, bulletin.approved_by_id, bulletin.approved_at = heard_sha256, approver.id, now
    bulletin.return_note = ""


def send_back(bulletin: Bulletin, approver: User, note: str) -> None:
    """Return a waiting bulletin to its author as nháp, with the reason they must read."""
    if not can(approver, Permission.approve):
        raise Refusal({"user": "Tài khoản của bạn không được duyệt bản tin."})
    if bulletin.status is not BulletinStatus.pending:
        raise Refusal({"status": "Chỉ trả lại được bản tin đang chờ duyệt."})
    if not note.strip():
        raise Refusal({"note": "Hãy ghi lý do trả lại để người soạn biết cần sửa gì."})
    bulletin.status, bulletin.return_note = BulletinStatus.draft, note.strip()[:2000]


def review(bulletin: Bulletin, reviewer: User, note: str, now: datetime) -> None:
    """Close the after-the-fact review of a khẩn cấp bulletin that aired without approval."""
    if not can(reviewer, Permission.approve):
        raise Refusal({"user": "Tài khoản của bạn không được xem xét bản tin khẩn cấp."})
    if not bulletin.needs_review:
        raise Refusal({"status": "Bản tin này không cần xem xét."})
    bulletin.needs_review = False
    bulletin.reviewed_by_id, bulletin.reviewed_at, bulletin.review_note = reviewer.id, now, note.strip()[:2000]


NoteDecision = Literal["return", "review"]


def decide_with_note(decision: NoteDecision, bulletin: Bulletin, approver: User, note: str, now: datetime) -> None:
    """The approver's two decisions that carry a note: send a waiting bulletin back, or close an emergency's review."""
    if decision == "return":
        send_back(bulletin, approver, note)
    else:
        review(bulletin, approver, note, now)


def waiting_counts(session: Session) -> tuple[int, int]:
    """(bulletins waiting for approval, khẩn cấp bulletins aired unapproved and not yet reviewed)."""
    pending = session.scalar(select(func.count(Bulletin.id)).where(Bulletin.status == BulletinStatus.pending))
    unreviewed = session.scalar(select(func.count(Bulletin.id)).where(Bulletin.needs_review.is_(True)))
    return pending or 0, unreviewed or 0


def cleared_to_air(bulletin: Bulletin, broadcast: Broadcast) -> bool:
    """The last check before sound: the audio about to air is the approved audio, or a reasoned emergency."""
    if bulletin.approved_sha256 is not None and bulletin.approved_sha256 == broadcast.audio_sha256:
        return True
    return bulletin.priority is Priority.emergency and bool(bulletin.emergency_reason)
