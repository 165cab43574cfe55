"""Checks every service applies before writing; failures are `InvalidValue` codes, not text."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from missiondesk.store.errors import InvalidValue

# C0 controls other than tab and line breaks, lone surrogates, and the Unicode non-characters
# (U+FDD0..U+FDEF and the last two code points of every plane). None of them is text a person
# typed, and XML (GraphML, GEXF, XLSX) cannot carry them.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
              for plane in range(17))
    + "]")


def first_invalid_char(value: str) -> int | None:
    """The index of the first character that is not valid text, or None."""
    match = _NOT_TEXT.search(value)
    return match.start() if match else None


def valid_text(field: str, value: str | None) -> str | None:
    """Refuse control characters (other than tab and line breaks), NUL and non-characters.

    Every text that reaches the mission file passes here, from forms, imports and JSON.
    """
    if value is None or not isinstance(value, str):
        return value
    index = first_invalid_char(value)
    if index is not None:
        raise InvalidValue(field=field, reason="invalid_character",
                           code_point="U+%04X" % ord(value[index]), position=index + 1)
    return value


def strip_invalid_chars(value: str) -> str:
    """For writers (XML, XLSX) meeting text stored before validation existed."""
    return _NOT_TEXT.sub("", value)


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
