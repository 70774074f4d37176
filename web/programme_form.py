"""The programme form: a fixed number of item rows so it works without JavaScript, read into a ProgrammeSpec."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from radio.errors import Refusal
from radio.storage.models import ItemKind, Priority, Programme
from schedules.programmes import ItemSpec, ProgrammeSpec
from schedules.recurrence import WEEKDAY_CODES
from web.timefmt import check_year

ITEM_ROWS = 6
KIND_LABELS = {
    "chime": "Nhạc hiệu",
    "bulletin": "Bản tin",
    "audio": "Tệp âm thanh",
    "relay": "Tiếp sóng (phút)",
    "gap": "Khoảng lặng (giây)",
}
WEEKDAY_LABELS = {1: "T2", 2: "T3", 3: "T4", 4: "T5", 5: "T6", 6: "T7", 7: "CN"}


def _date(text: str) -> date:
    """Officials type 14/12/2026; the date picker sends 2026-12-14."""
    text = text.strip()
    return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text)


def empty_form() -> dict[str, Any]:
    return {
        "title": "", "priority": "ordinary", "zones": [], "when": "recurring", "one_off_at": "", "start_time": "05:00",
        "repeat": "weekdays", "weekdays": [1, 2, 3, 4, 5, 6], "rrule": "", "valid_from": "", "valid_until": "",
        "skip_dates": "", "items": [{"kind": "", "ref": "", "value": "", "title": ""} for _ in range(ITEM_ROWS)],
    }  # fmt: skip


def form_of(programme: Programme, tz: ZoneInfo) -> dict[str, Any]:
    """Pre-fill the form from a stored programme (edit, clone)."""
    form = empty_form()
    form.update(
        title=programme.title, priority=programme.priority.value, zones=[z.slug for z in programme.zones],
        when="once" if programme.one_off_at else "recurring",
        one_off_at=programme.one_off_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if programme.one_off_at else "",
        start_time=programme.start_time.strftime("%H:%M") if programme.start_time else "", repeat="rrule",
        rrule=programme.rrule or "", valid_from=programme.valid_from.isoformat() if programme.valid_from else "",
        valid_until=programme.valid_until.isoformat() if programme.valid_until else "",
        skip_dates=", ".join(_date(d).strftime("%d/%m/%Y") for d in programme.skip_dates.split(",") if d),
    )  # fmt: skip
    for row, item in zip(form["items"], programme.items, strict=False):
        ref = item.bulletin_id or item.audio_sha256 or item.relay_url or ""
        value = item.duration_s / 60 if item.kind == ItemKind.relay else item.duration_s
        row.update(kind=item.kind.value, ref=str(ref), value=f"{value:g}", title=item.title)
    return form


def read_form(raw: FormData) -> dict[str, Any]:
    form = empty_form()
    for name in ("title", "priority", "when", "one_off_at", "start_time", "repeat", "rrule", "valid_from",
                 "valid_until", "skip_dates"):  # fmt: skip
        form[name] = str(raw.get(name, form[name] if name != "title" else ""))
    form["zones"] = [str(slug) for slug in raw.getlist("zones")]
    form["weekdays"] = [int(day) for day in raw.getlist("weekdays") if str(day).isascii() and str(day).isdigit()]
    for index, row in enumerate(form["items"]):
        kind = str(raw.get(f"item{index}_kind", ""))
        ref = str(raw.get(f"item{index}_{kind}", "")) if kind in {"bulletin", "audio", "relay"} else ""
        row.update(kind=kind, ref=ref, value=str(raw.get(f"item{index}_value", "")),
                   title=str(raw.get(f"item{index}_title", "")))  # fmt: skip
    return form


def spec_from_form(form: dict[str, Any], tz: ZoneInfo) -> ProgrammeSpec:
    """Refusal names the fields that cannot be read; the rest is checked by build_programme."""
    errors: dict[str, str] = {}
    items = []
    for index, row in enumerate(form["items"]):
        if not row["kind"]:
            continue
        if row["kind"] not in ItemKind.__members__:
            errors["items"] = f"Mục {index + 1}: loại mục không hợp lệ."
            continue
        try:
            value = float(row["value"].replace(",", ".")) if row["value"].strip() else None
        except ValueError:
            errors["items"] = f"Mục {index + 1}: thời lượng phải là một số."
            continue
        items.append(ItemSpec(
            kind=ItemKind(row["kind"]), title=row["title"],
            bulletin_id=int(row["ref"]) if row["kind"] == "bulletin" and row["ref"].isascii() and row["ref"].isdigit()
            else None,
            audio_sha256=row["ref"] if row["kind"] == "audio" else None,
            relay_url=row["ref"] if row["kind"] == "relay" else None,
            minutes=value if row["kind"] == "relay" else None, seconds=value if row["kind"] == "gap" else None,
        ))  # fmt: skip
    one_off_at = start_time = None
    try:
        if form["when"] == "once":
            one_off_at = check_year(datetime.fromisoformat(form["one_off_at"])).replace(tzinfo=tz)
        else:
            start_time = time.fromisoformat(form["start_time"])
            if start_time.tzinfo is not None:
                raise ValueError("an offset on a commune time of day")
    except ValueError:
        errors["when"] = "Hãy chọn ngày giờ phát (một lần) hoặc giờ bắt đầu (lặp lại)."
    try:
        valid_from = _date(form["valid_from"]) if form["valid_from"].strip() else None
        valid_until = _date(form["valid_until"]) if form["valid_until"].strip() else None
        skip_dates = [_date(part) for part in form["skip_dates"].split(",") if part.strip()]
    except ValueError:
        errors["dates"] = "Ngày phải viết dạng ngày/tháng/năm, ví dụ 02/09/2026."
        valid_from = valid_until = None
        skip_dates = []
    if errors:
        raise Refusal(errors)
    return ProgrammeSpec(
        title=form["title"], zone_slugs=form["zones"], items=items,
        priority=Priority(form["priority"]) if form["priority"] in Priority.__members__ else Priority.ordinary,
        one_off_at=one_off_at, start_time=start_time, repeat=form["repeat"], weekdays=form["weekdays"],
        rrule=form["rrule"], valid_from=valid_from, valid_until=valid_until, skip_dates=skip_dates,
    )  # fmt: skip


def rule_label(rrule: str | None) -> str:
    """ "FREQ=WEEKLY;BYDAY=MO,TU" as an officer says it ("T2, T3"); other rules are shown as written."""
    if rrule == "FREQ=DAILY":
        return "Hằng ngày"
    if rrule and rrule.startswith("FREQ=WEEKLY;BYDAY=") and rrule.count(";") == 1:
        codes = rrule.removeprefix("FREQ=WEEKLY;BYDAY=").split(",")
        if all(code in WEEKDAY_CODES for code in codes):
            return ", ".join(WEEKDAY_LABELS[WEEKDAY_CODES.index(code) + 1] for code in codes)
    return rrule or ""
