"""Vietnamese labels of stored states that pages, the audit trail and reports all show (glossary: one English
name in code, one Vietnamese label in the UI); kept apart so that reading them loads no speech stack."""

from __future__ import annotations

from radio.storage.models import BulletinStatus, Priority

BULLETIN_STATUS_LABELS = {
    BulletinStatus.draft: "Nháp",
    BulletinStatus.pending: "Chờ duyệt",
    BulletinStatus.approved: "Đã duyệt",
    BulletinStatus.scheduled: "Đã lên lịch",
    BulletinStatus.aired: "Đã phát",
}
PRIORITY_NAMES = {Priority.ordinary: "Thông thường", Priority.priority: "Ưu tiên", Priority.emergency: "Khẩn cấp"}
