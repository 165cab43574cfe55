"""Per-laptop UI state, declared once with its type and default (Picard's options pattern).

Only UI state lives here (window geometry, recent files, who you are per mission); anything
that belongs to the mission lives in the mission file. No record content, no passphrase.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from missiondesk.paths import config_dir

MAX_RECENT = 8
AUTO_LOCK_MINUTES = 10.0  # idle time before the open mission locks itself; 0: never


class Settings:
    def __init__(self) -> None:
        self._qs = QSettings(str(config_dir() / "missiondesk.ini"), QSettings.Format.IniFormat)

    def recent_files(self) -> list[str]:
        value = self._qs.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        files = [p for p in self.recent_files() if p != path]
        self._qs.setValue("files/recent", ([path] + files)[:MAX_RECENT])

    def remove_recent(self, path: str) -> None:
        self._qs.setValue("files/recent", [p for p in self.recent_files() if p != path])

    def identity(self, mission_id: str) -> str | None:
        value = self._qs.value("identity/" + mission_id)
        return str(value) if value else None

    def set_identity(self, mission_id: str, member_id: str) -> None:
        self._qs.setValue("identity/" + mission_id, member_id)

    def last_folder(self) -> str:
        return str(self._qs.value("files/last_folder", "") or "")

    def set_last_folder(self, folder: str) -> None:
        self._qs.setValue("files/last_folder", folder)

    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def set_window_geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    def auto_lock_minutes(self) -> float:
        value = self._qs.value("security/auto_lock_minutes", AUTO_LOCK_MINUTES)
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            return AUTO_LOCK_MINUTES
        return minutes if minutes >= 0 else AUTO_LOCK_MINUTES

    def set_auto_lock_minutes(self, minutes: float) -> None:
        self._qs.setValue("security/auto_lock_minutes", float(minutes))

    def map_views(self, mission_id: str) -> dict[str, dict]:
        """The Influence map's saved views of one mission (name -> what the view shows)."""
        import json

        raw = self._qs.value("map_views/" + mission_id, "")
        try:
            views = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            return {}
        return views if isinstance(views, dict) else {}

    def set_map_views(self, mission_id: str, views: dict[str, dict]) -> None:
        import json

        self._qs.setValue("map_views/" + mission_id, json.dumps(views, ensure_ascii=False))

    def sync(self) -> None:
        self._qs.sync()
