"""GUI start-up as named steps: application, translations, settings, window, then the file.

The window paints first; the mission opens on the next turn of the event loop, so the
user sees MissionDesk at once even when the file takes a moment to unlock.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from missiondesk import APP_NAME, ORG_NAME, __version__
from missiondesk.paths import resources_dir

log = logging.getLogger(__name__)


def install_translations(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Qt's own strings and MissionDesk's, for the user's language when a catalogue exists."""
    locale = locale or QLocale()
    installed = []
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    ours = QTranslator(app)
    if ours.load(locale, "missiondesk", "_", str(resources_dir() / "translations")):
        app.installTranslator(ours)
        installed.append(ours)
    return installed


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    return app


def _report_unexpected(exc_type, exc, tb) -> None:
    """A bug, not a user error: log it and tell the user the last action may not have
    completed, instead of dying silently. The log has the exception's type and frames, never
    its message (a KeyError of a name, a driver error quoting a value carry record text)."""
    from PySide6.QtWidgets import QMessageBox

    from missiondesk.safe_traceback import describe

    log.error("unexpected error:\n%s", describe(exc_type, exc, tb))
    if QApplication.instance() is not None:
        QMessageBox.critical(
            None, QApplication.translate("App", "MissionDesk"),
            QApplication.translate("App", "Something went wrong ({name}); the last action may "
                                          "not have completed. Your saved work is safe in the "
                                          "mission file.").format(name=exc_type.__name__))


def start_gui(path: Path | None = None, passphrase: str | None = None):
    """The start-up sequence up to a shown window; returns (application, main window).

    `passphrase` (or else MISSIONDESK_PASSPHRASE, read here once and removed from the
    environment) serves the first open of `path` only: after a lock, a close or for another
    mission, the passphrase is asked."""
    from missiondesk.store.passphrase import take_env_passphrase
    from missiondesk.ui.preload import MissionPreload

    from_env = take_env_passphrase()  # gone from os.environ even when not used
    passphrase = passphrase or from_env
    preload = None
    if path is not None:
        preload = MissionPreload(Path(path), passphrase)
        preload.start()  # the key derivation runs while Qt starts
    from missiondesk.ui.main_window import MainWindow, open_later
    from missiondesk.ui.settings import Settings

    app = make_application()
    install_translations(app)
    sys.excepthook = _report_unexpected
    window = MainWindow(Settings())
    window.show()
    if path is not None:
        open_later(window, Path(path), preload, passphrase=passphrase)
    return app, window


def run_gui(path: Path | None = None, passphrase: str | None = None) -> int:
    app, _window = start_gui(path, passphrase)
    return app.exec()
