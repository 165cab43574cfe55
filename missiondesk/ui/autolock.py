"""Auto-lock: the idle watcher and the lock screen.

`IdleWatcher` notes the time of the last key or mouse input anywhere in the application (an
application event filter that only stores a number) and emits `idle` once the configured time
has passed without any. `LockScreen` replaces the window's content while a mission is locked:
it names the file, asks the passphrase again and says when it is wrong.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.ui.framework.widgets import error_label

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.TabletMove,
})


class IdleWatcher(QObject):
    """Emits `idle` after `minutes` without key or mouse input (0: never)."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._minutes = float(minutes)
        self._last_input = time.monotonic()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.timeout)

    @property
    def minutes(self) -> float:
        return self._minutes

    def set_minutes(self, minutes: float) -> None:
        self._minutes = float(minutes)
        if self._running:
            self.start()

    def start(self) -> None:
        """Watch from now (a mission opened or unlocked)."""
        self.stop()
        if self._minutes <= 0:
            return
        self._running = True
        self._last_input = time.monotonic()
        QApplication.instance().installEventFilter(self)
        self._timer.start(self._interval_ms(self._minutes * 60.0))

    def stop(self) -> None:
        if self._running:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        self._running = False
        self._timer.stop()

    def is_running(self) -> bool:
        return self._running

    @staticmethod
    def _interval_ms(seconds: float) -> int:
        return max(10, int(seconds * 1000))

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def timeout(self) -> None:
        """The timer ran out: lock if nothing was typed or clicked since, else wait the rest."""
        if not self._running:
            return
        remaining = self._last_input + self._minutes * 60.0 - time.monotonic()
        if remaining > 0.005:
            self._timer.start(self._interval_ms(remaining))
            return
        self.stop()
        self.idle.emit()


class LockScreen(QWidget):
    """What the window shows while the mission is locked: no record, only the way back."""

    unlockRequested = Signal(str)  # the passphrase typed ("" for an unencrypted mission)
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet("QFrame#lockCard { background: palette(base); "
                           "border: 1px solid palette(mid); border-radius: 6px; }")
        card.setFixedWidth(440)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.file_name = QLabel()
        self.file_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.file_name.setWordWrap(True)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.passphrase.returnPressed.connect(self._unlock)
        self.error = error_label()
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.close_button = QPushButton(self.tr("Close Mission"))
        self.close_button.clicked.connect(self.closeRequested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.file_name)
        inner.addSpacing(6)
        inner.addWidget(self.prompt)
        inner.addWidget(self.passphrase)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self._encrypted = True

    def set_mission(self, file_name: str, encrypted: bool) -> None:
        """Show the lock of `file_name`, empty and ready for the passphrase."""
        self._encrypted = encrypted
        self.title.setText(self.tr("Mission Locked"))
        self.file_name.setText(file_name)
        if encrypted:
            self.prompt.setText(self.tr("The mission was locked and closed. Type its "
                                        "passphrase to go back to work."))
        else:
            self.prompt.setText(self.tr("The mission was locked and closed. It is not "
                                        "encrypted: anyone with the file can read it."))
        self.passphrase.setVisible(encrypted)
        self.passphrase.clear()
        self.error.clear()
        self.error.hide()
        self.unlock_button.setEnabled(True)

    def focus_passphrase(self) -> None:
        if self._encrypted:
            self.passphrase.setFocus()
        else:
            self.unlock_button.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.passphrase.selectAll()
        self.focus_passphrase()

    def _unlock(self) -> None:
        text = self.passphrase.text() if self._encrypted else ""
        if self._encrypted and not text:
            self.show_error(self.tr("Type the passphrase of this mission."))
            return
        self.unlockRequested.emit(text)

    def clear(self) -> None:
        self.passphrase.clear()
        self.error.clear()
        self.error.hide()
