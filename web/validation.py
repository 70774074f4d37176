"""What a request may carry, and refusals in Vietnamese when it carries something else.

FastAPI checks requests against the declared types but answers in English; `install` makes every such
refusal say why in Vietnamese, in the shape the services use (`{"detail": [{"field", "message"}]}`).
The types below bound what the storage and the clock can hold, so out-of-range input is refused up
front instead of failing deep down (SQLite holds 64-bit integers; a datetime near year 1 or 9999
cannot be moved to UTC; a time of day with an offset cannot be compared with the commune's clock).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import date, datetime, time
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator

from web.timefmt import check_year

MAX_ROW_ID = 2**63 - 1


def _commune_clock(moment: time) -> time:
    if moment.tzinfo is not None:
        raise ValueError("Giờ bắt đầu là giờ của xã; đừng ghi kèm múi giờ (ví dụ 07:00).")
    return moment


RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID)]
"""The number of a stored row (programme, bulletin, speaker)."""
RowCount = Annotated[int, Ge(1), Le(100_000)]
Moment = Annotated[datetime, AfterValidator(check_year)]
Day = Annotated[date, AfterValidator(check_year)]
CommuneTime = Annotated[time, AfterValidator(_commune_clock)]

PLACES = ("body", "query", "path", "header", "cookie")


def _message(error: dict[str, Any]) -> str:
    """One pydantic error in Vietnamese; the kinds a form or script meets are named, others said generally."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", "Giá trị không hợp lệ."))
    fixed = {
        "missing": "Thiếu trường này.",
        "string_type": "Phải là một chuỗi chữ.",
        "int_type": "Phải là số nguyên.",
        "int_parsing": "Phải là số nguyên.",
        "int_from_float": "Phải là số nguyên.",
        "int_parsing_size": "Số quá lớn.",
        "float_type": "Phải là một số.",
        "float_parsing": "Phải là một số.",
        "finite_number": "Phải là một số hữu hạn.",
        "bool_type": "Phải là true hoặc false.",
        "bool_parsing": "Phải là true hoặc false.",
        "list_type": "Phải là một danh sách.",
        "dict_type": "Phải là một đối tượng JSON.",
        "model_type": "Phải là một đối tượng JSON.",
        "model_attributes_type": "Phải là một đối tượng JSON.",
        "json_invalid": "Nội dung không phải JSON hợp lệ.",
        "json_type": "Nội dung không phải JSON hợp lệ.",
        "uuid_parsing": "Phải là một mã UUID.",
    }
    if kind in fixed:
        return fixed[kind]
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "lớn hơn hoặc bằng", "greater_than": "lớn hơn",
                 "less_than_equal": "nhỏ hơn hoặc bằng", "less_than": "nhỏ hơn"}  # fmt: skip
        bound = next(iter(ctx.values()), "")
        return f"Phải {words[kind]} {bound}."
    if kind.startswith("datetime"):
        return "Phải là ngày giờ, ví dụ 2025-12-14T07:30."
    if kind.startswith("date"):
        return "Phải là ngày, ví dụ 2025-12-14."
    if kind.startswith("time"):
        return "Phải là giờ, ví dụ 07:30."
    if kind in ("enum", "literal_error"):
        return f"Phải là một trong: {ctx.get('expected', '')}."
    if kind.startswith("string_too_long"):
        return f"Dài quá {ctx.get('max_length')} ký tự."
    return f"Giá trị không hợp lệ ({kind})."


def _field(location: tuple[Any, ...]) -> str:
    parts = location[1:] if location and location[0] in PLACES else location
    return ".".join(str(part) for part in parts) or "body"


async def refuse_invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """422 with each problem named in Vietnamese (`loc` and `type` kept for scripts that read them)."""
    assert isinstance(error, RequestValidationError)
    detail = [
        {"field": _field(tuple(e.get("loc", ()))), "message": _message(e), "loc": list(e.get("loc", ())),
         "type": e["type"]}
        for e in error.errors()
    ]  # fmt: skip
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": detail})


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

NOT_TEXT = "Nội dung có ký tự không hợp lệ (nửa cặp UTF-16, ví dụ “\\ud800”); hãy gõ hoặc dán lại văn bản."
NOT_UTF8 = "Nội dung JSON phải được mã hóa UTF-8."


def _text_problem(body: bytes) -> str | None:
    """Why a JSON body cannot be text (None when it can, or when it is not JSON at all: FastAPI says so)."""
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    if "\\u" not in decoded:
        return None  # a lone surrogate can only arrive escaped
    try:
        json.dumps(json.loads(decoded), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return NOT_TEXT
    except ValueError:
        return None
    return None


class RejectInvalidText:
    """JSON may escape half of a UTF-16 surrogate pair ("\\ud800"): that is no character, and nothing after
    (SQLite, hashing, the voice) can encode it. Refused here once, for every route, before any handler runs."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or ()) if scope["type"] == "http" else {}
        content_type = headers.get(b"content-type", b"").lower()
        if scope["type"] != "http" or (content_type and b"json" not in content_type):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False) and message["type"] == "http.request"
        body = b"".join(chunks)
        if body and (problem := _text_problem(body)):
            response = JSONResponse(
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
                content={"detail": [{"field": "body", "message": problem}]},
            )
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def install(app: FastAPI) -> None:
    app.add_middleware(RejectInvalidText)
    app.add_exception_handler(RequestValidationError, refuse_invalid_request)
