"""Where MissionDesk keeps things: per-user folders and the bundled resources.

One place decides, whether the app runs from a checkout, an installed package or a
PyInstaller bundle. ``MISSIONDESK_HOME`` points every user folder at one directory (the
tests use it to keep each run inside ``tmp_path``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from missiondesk import APP_NAME, ORG_NAME


def _home_override() -> Path | None:
    home = os.environ.get("MISSIONDESK_HOME")
    return Path(home) if home else None


def _private_dir(path: Path) -> Path:
    """Create the folder readable by its owner only (it may hold encrypted backups)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def data_dir() -> Path:
    """Per-user data: backups, drafts of the future, device id."""
    home = _home_override()
    if home is not None:
        return _private_dir(home / "data")
    from platformdirs import user_data_dir

    return _private_dir(Path(user_data_dir(APP_NAME, ORG_NAME)))


def config_dir() -> Path:
    """Per-user configuration (the QSettings file lives here)."""
    home = _home_override()
    if home is not None:
        return _private_dir(home / "config")
    from platformdirs import user_config_dir

    return _private_dir(Path(user_config_dir(APP_NAME, ORG_NAME)))


def backups_dir() -> Path:
    return _private_dir(data_dir() / "backups")


_CLEARED_TEMP: set[Path] = set()


def private_temp_dir() -> Path:
    """Owner-only folder for temporary files (previews, exports in progress).

    Emptied the first time it is asked for in a process (what a crash left behind goes).
    """
    path = _private_dir(data_dir() / "tmp")
    if path not in _CLEARED_TEMP:
        _CLEARED_TEMP.add(path)
        import shutil

        for leftover in path.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    return path


def _bundle_root() -> Path:
    """The folder holding the package and `resources/` (a checkout, site-packages, a bundle)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """Bundled resources: demo mission data, translations, icons."""
    root = _bundle_root() / "resources"
    if root.is_dir():
        return root
    # Installed as a wheel: the resources travel inside the package.
    return Path(__file__).resolve().parent / "resources"


def migrations_dir() -> Path:
    """The Alembic script folder, shipped inside the package."""
    return Path(__file__).resolve().parent / "store" / "migrations"
