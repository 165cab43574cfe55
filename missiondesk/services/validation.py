"""Checks every service applies before writing; failures are `InvalidValue` codes, not text."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from missiondesk.store.errors import InvalidValue


def required_text(field: str, value: str | None, *, max_length: int = 300) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue(field=field, reason="required")
    if len(text) > max_length:
        raise InvalidValue(field=field, reason="too_long", max_length=max_length)
    return text


def optional_text(field: str, value: str | None, *, max_length: int = 300) -> str | None:
    text = (value or "").strip()
    if len(text) > max_length:
        raise InvalidValue(field=field, reason="too_long", max_length=max_length)
    return text or None


def vocabulary(field: str, value: str | None, vocab: type[StrEnum]) -> str:
    allowed = [v.value for v in vocab]
    if value not in allowed:
        raise InvalidValue(field=field, reason="not_in_vocabulary", value=value, allowed=allowed)
    return value


def time_zone(field: str, value: str | None) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    key = (value or "").strip()
    try:
        if not key:
            raise ValueError(key)
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidValue(field=field, reason="unknown_time_zone", value=key) from exc
    return key


def optional_date(field: str, value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidValue(field=field, reason="not_a_date", value=str(value)) from exc
