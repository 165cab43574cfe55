"""The values a user mapped in an import preview, remembered on this laptop for the next file
with the same column headers: keyed by the kind of import, a digest of the file's headers
(folded) and the column. Only vocabulary words and codes are kept, never a cell of a record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from PySide6.QtCore import QSettings

from missiondesk.paths import config_dir
from missiondesk.services.names import fold

GROUP = "import_values"


def _settings() -> QSettings:
    return QSettings(str(config_dir() / "missiondesk.ini"), QSettings.Format.IniFormat)


def headers_key(headers: Sequence[str]) -> str:
    """The same headers (case, accents and spacing aside) give the same key."""
    joined = "\x1f".join(fold(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]


def remembered(kind: str, headers: Sequence[str],
               columns: Sequence[str]) -> dict[str, dict[str, str]]:
    """{column: {value as written: code}} the user chose for a file with these headers."""
    qs = _settings()
    found: dict[str, dict[str, str]] = {}
    for column in columns:
        text = qs.value("%s/%s/%s/%s" % (GROUP, kind, headers_key(headers), column))
        if not text:
            continue
        try:
            table = json.loads(str(text))
        except ValueError:
            continue
        if isinstance(table, dict):
            kept = {str(v): str(c) for v, c in table.items() if isinstance(c, str) and c}
            if kept:
                found[column] = kept
    return found


def remember(kind: str, headers: Sequence[str],
             value_map: dict[str, dict[str, str | None]]) -> None:
    """Keep the choices (a value left refused is forgotten) for the next file like this one."""
    qs = _settings()
    for column, table in value_map.items():
        kept = {v: c for v, c in table.items() if c}
        key = "%s/%s/%s/%s" % (GROUP, kind, headers_key(headers), column)
        if kept:
            qs.setValue(key, json.dumps(kept, ensure_ascii=False, sort_keys=True))
        else:
            qs.remove(key)
    qs.sync()
