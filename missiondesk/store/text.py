"""What counts as text in the mission file, checked centrally before every flush.

Refused: C0 control characters other than tab and line breaks (NUL included), lone
surrogates, and the Unicode non-characters (U+FDD0..U+FDEF and the last two code points of
every plane). None of them is text a person typed, and XML (GraphML, GEXF, XLSX) cannot
carry them. The unit of work checks every text attribute (and the text items of list
columns such as aliases and tags) of the records it adds or changes, whatever path the
value came by (a form, an import, a script); `services/validation.py` re-exports these.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sqlalchemy import JSON, String, inspect

from missiondesk.store.errors import InvalidValue

# Written as what IS text (a negated class of ranges): the same set of code points as listing
# the refused ones, and a dozen times faster to search, which every flush does.
_NOT_TEXT = re.compile(
    "[^\t\n\r\x20-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd"
    + "".join(chr(plane * 0x10000) + "-" + chr(plane * 0x10000 + 0xFFFD)
              for plane in range(1, 17))
    + "]")
_search = _NOT_TEXT.search


def first_invalid_char(value: str) -> int | None:
    """The index of the first character that is not valid text, or None."""
    match = _search(value)
    return match.start() if match else None


def invalid_character(field: str, value: str, index: int, **where: Any) -> InvalidValue:
    """The typed error for `value[index]` (1-based position, code point written like U+001B)."""
    return InvalidValue(field=field, reason="invalid_character",
                        code_point="U+%04X" % ord(value[index]), position=index + 1, **where)


def valid_text(field: str, value: str | None, **where: Any) -> str | None:
    """`value` unchanged, or InvalidValue(reason="invalid_character") naming the character."""
    if value is None or not isinstance(value, str):
        return value
    match = _search(value)
    if match is not None:
        raise invalid_character(field, value, match.start(), **where)
    return value


def valid_value(field: str, value: Any, **where: Any) -> None:
    """Check a column value: a text, or the text items of a list (aliases, tags, regions)."""
    if isinstance(value, str):
        if _search(value) is not None:
            valid_text(field, value, **where)
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str) and _search(item) is not None:
                valid_text(field, item, **where)


def check_row(table: str, values: dict[str, Any], *, skip: frozenset[str] = frozenset()
              ) -> None:
    """Check every text of one row about to be inserted or updated (Core inserts use it)."""
    for name, value in values.items():
        if name not in skip and value is not None:
            valid_value(name, value, table=table)


@cache
def text_columns(cls: type, skip: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The attributes of a mapped class that hold text or lists of text."""
    return tuple(attr.key for attr in inspect(cls).column_attrs
                 if attr.key not in skip
                 and isinstance(attr.columns[0].type, String | JSON))


def check_new_record(obj: Any, skip: frozenset[str] = frozenset()) -> None:
    """Check every text attribute of a record about to be inserted (the unit of work)."""
    values = obj.__dict__
    table = obj.__tablename__
    for name in text_columns(type(obj), skip):
        value = values.get(name)
        if value is not None:
            valid_value(name, value, table=table)


def strip_invalid_chars(value: str) -> str:
    """For writers (XML, XLSX) meeting text stored before validation existed."""
    return _NOT_TEXT.sub("", value)
