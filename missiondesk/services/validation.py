"""Checks every service applies before writing; failures are `InvalidValue` codes, not text."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from enum import StrEnum

# The character class lives in the store, which checks every text before each flush; the
# services keep these names (forms check early, writers strip text stored before).
from missiondesk.store.errors import InvalidValue
from missiondesk.store.text import first_invalid_char, strip_invalid_chars, valid_text

__all__ = ["first_invalid_char", "strip_invalid_chars", "valid_text"]


def required_text(field: str, value: str | None, *, max_length: int = 300) -> str:
    text = (valid_text(field, value) or "").strip()
    if not text:
        raise InvalidValue(field=field, reason="required")
    if len(text) > max_length:
        raise InvalidValue(field=field, reason="too_long", max_length=max_length)
    return text


def optional_text(field: str, value: str | None, *, max_length: int = 300) -> str | None:
    text = (valid_text(field, value) or "").strip()
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


@contextmanager
def for_table(table: str):
    """Name `table` in an InvalidValue raised inside (so the sentence names the record's own
    field), unless the error already names one."""
    try:
        yield
    except InvalidValue as exc:
        exc.params.setdefault("table", table)
        raise
