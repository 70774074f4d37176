"""The one refusal type shown to officials: a form field → Vietnamese message map, nothing saved."""

from __future__ import annotations


class Refusal(ValueError):
    """Input the station will not accept; `errors` maps each form field to a message an official can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
