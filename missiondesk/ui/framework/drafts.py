"""Draft keeping for forms: what is typed in a long text field is saved as a draft in the
mission file every few seconds, offered back when the same form opens again, and discarded
when the form is saved or cancelled on purpose.

- `DraftKeeper` watches one QPlainTextEdit / QLineEdit for one DraftKey.
- `FormDrafts` ties the keepers of one dialog together: one offer for all its fields when it
  first shows, discard when it closes on purpose.
- `suspend_all()` (the lock): save every pending draft now and stop writing, so that closing
  the forms for the lock does not discard what they hold.
"""

from __future__ import annotations

import json
import logging
import weakref
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from missiondesk.services.drafts import DraftKey

if TYPE_CHECKING:
    from missiondesk.store.handle import MissionHandle

log = logging.getLogger(__name__)

SAVE_EVERY_MS = 3000
PREVIEW_CHARS = 400

def _store_errors() -> tuple[type[BaseException], ...]:
    """What a draft write can meet (a closed, full or damaged file), never to break typing."""
    from missiondesk.services.drafts import write_errors

    return write_errors()


_live_keepers: weakref.WeakSet[DraftKeeper] = weakref.WeakSet()
_live_forms: weakref.WeakSet[FormDrafts] = weakref.WeakSet()

#: The draft holding a form's other fields (choices, numbers, short text) at a lock.
FORM_STATE_FIELD = "__form__"
_STATE_WIDGETS = (QComboBox, QSpinBox, QCheckBox, QLineEdit, QDateEdit)


def _widget_state(widget) -> object:
    if isinstance(widget, QComboBox):
        return widget.currentText() if widget.isEditable() else widget.currentIndex()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QDateEdit):
        return widget.date().toString("yyyy-MM-dd")
    return widget.text()


def _set_widget_state(widget, value) -> None:
    if isinstance(widget, QComboBox):
        if widget.isEditable():
            widget.setCurrentText(str(value))
        elif isinstance(value, int) and 0 <= value < widget.count():
            widget.setCurrentIndex(value)
    elif isinstance(widget, QSpinBox) and isinstance(value, int):
        widget.setValue(value)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QDateEdit):
        from PySide6.QtCore import QDate

        widget.setDate(QDate.fromString(str(value), "yyyy-MM-dd"))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


def _text_of(widget: QPlainTextEdit | QLineEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _set_text(widget: QPlainTextEdit | QLineEdit, text: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    else:
        widget.setText(text)


class DraftKeeper(QObject):
    """Saves the text of one field as a draft every SAVE_EVERY_MS while it changes."""

    def __init__(self, handle: MissionHandle, key: DraftKey,
                 widget: QPlainTextEdit | QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else widget)
        self.handle = handle
        self.key = key
        self.widget = widget
        self.baseline = _text_of(widget)  # the saved value: no draft while the text equals it
        self.active = True
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_EVERY_MS)
        self._timer.timeout.connect(self.flush)
        widget.textChanged.connect(self._changed)
        _live_keepers.add(self)

    def _changed(self, *_args) -> None:
        if not self.active:
            return
        self._dirty = True
        if not self._timer.isActive():  # at most one write per interval, even while typing
            self._timer.start()

    def flush(self) -> None:
        """Write the draft now if the text changed since the last write."""
        self._timer.stop()
        if not self.active or not self._dirty:
            return
        from missiondesk.services import drafts as service

        self._dirty = False
        text = _text_of(self.widget)
        try:
            if text == self.baseline or not text.strip():
                service.discard_draft(self.handle, self.key)
            else:
                service.save_draft(self.handle, self.key, text)
        except _store_errors() as exc:  # never break typing over a draft
            log.warning("could not keep a draft: %s", type(exc).__name__)

    def discard(self) -> None:
        """The form was saved or cancelled on purpose: the draft is not needed any more."""
        from missiondesk.services import drafts as service

        if not self.active:
            return
        self.active = False
        self._timer.stop()
        try:
            service.discard_draft(self.handle, self.key)
        except _store_errors() as exc:
            log.warning("could not discard a draft: %s", type(exc).__name__)

    def suspend(self) -> None:
        """Save what is pending, then stop writing (the mission is about to close)."""
        self.flush()
        self.active = False
        self._timer.stop()


def suspend_all() -> int:
    """Before a lock or a close: keep every pending draft and the other fields of every open
    form, stop every keeper. How many kept."""
    count = 0
    for form in list(_live_forms):
        try:
            if form.keep_state():
                count += 1
        except RuntimeError:  # its form is already gone
            continue
    for keeper in list(_live_keepers):
        if keeper.active:
            try:
                keeper.suspend()
            except RuntimeError:  # its form is already gone
                continue
            count += 1
    return count


class DraftOfferDialog(QDialog):
    """Text typed earlier and never saved: restore it into the form, or discard it."""

    def __init__(self, parent: QWidget | None, fields: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unsaved Text Found"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Text typed in this form earlier was kept but never saved "
                               "(the mission was locked, or MissionDesk closed unexpectedly). "
                               "Put it back into the form?"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        body = QWidget()
        rows = QVBoxLayout(body)
        rows.setContentsMargins(0, 0, 0, 0)
        for label, text in fields:
            title = QLabel("<b>%s</b>" % label.replace("&", "&amp;").replace("<", "&lt;"))
            preview = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1] + "\u2026"
            shown = QLabel(preview)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            shown.setStyleSheet("QLabel { background: palette(base); padding: 6px; "
                                "border: 1px solid palette(mid); }")
            rows.addWidget(title)
            rows.addWidget(shown)
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(self.tr("Restore the Text"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.discard_button = buttons.addButton(self.tr("Discard It"),
                                                QDialogButtonBox.ButtonRole.DestructiveRole)
        self.restore_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        self.discard_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        wanted = body.heightForWidth(480)
        scroll.setMinimumHeight(min(wanted if wanted > 0 else body.sizeHint().height(), 360))
        self.resize(520, self.sizeHint().height())


class DraftOffer:
    """Asks whether to put kept drafts back; tests patch `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, fields: list[tuple[str, str]]) -> bool:
        """`fields`: (field label, draft text). True: restore them."""
        dialog = DraftOfferDialog(parent, fields)
        return dialog.exec() == QDialog.DialogCode.Accepted


class FormDrafts(QObject):
    """The draft keepers of one dialog: offered back on first show, discarded on purpose."""

    def __init__(self, dialog: QDialog, handle: MissionHandle, table: str,
                 record_id: str | None,
                 fields: dict[str, tuple[str, QPlainTextEdit | QLineEdit]]) -> None:
        super().__init__(dialog)  # the dialog is reached as parent(): no reference cycle
        self.handle = handle
        self.table = table
        self.record_id = record_id
        self.labels = {name: label for name, (label, _w) in fields.items()}
        self.keepers = {name: DraftKeeper(handle, DraftKey(table, record_id, name), widget, self)
                        for name, (_label, widget) in fields.items()}
        self._offered = False
        self.state_key = DraftKey(table, record_id, FORM_STATE_FIELD)
        dialog.installEventFilter(self)
        dialog.finished.connect(self._finished)
        _live_forms.add(self)

    @property
    def dialog(self) -> QDialog | None:
        """The form these drafts belong to; None once it is gone."""
        if not shiboken6.isValid(self):
            return None
        return self.parent()

    def _state_widgets(self) -> list:
        """The form's other input widgets, in the order the form builds them."""
        texts = {id(k.widget) for k in self.keepers.values()}
        return [w for w in self.dialog.findChildren(QWidget)
                if isinstance(w, _STATE_WIDGETS) and id(w) not in texts]

    def _state(self) -> str:
        return json.dumps([[type(w).__name__, _widget_state(w)] for w in self._state_widgets()])

    def keep_state(self) -> bool:
        """Keep the other fields of an open form as a draft (before a lock closes it)."""
        from missiondesk.services import drafts as service

        dialog = self.dialog
        if dialog is None or not dialog.isVisible() \
                or not any(k.active for k in self.keepers.values()):
            return False
        try:
            service.save_draft(self.handle, self.state_key, self._state())
        except _store_errors() as exc:
            log.warning("could not keep a form: %s", type(exc).__name__)
            return False
        return True

    def _restore_state(self, text: str) -> None:
        try:
            saved = json.loads(text)
        except ValueError:
            return
        widgets = self._state_widgets()
        if len(saved) != len(widgets):
            return  # the form changed since: keep what the user sees
        for widget, (kind, value) in zip(widgets, saved, strict=True):
            if type(widget).__name__ == kind:
                _set_widget_state(widget, value)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        # Only the type of the event is read before the first Show: a form being destroyed
        # (closed, then collected) still sends events through its filters while this
        # object's Python side may already be cleared. After the first Show the filter goes.
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self._offer_once)
        return False

    def _offer_once(self) -> None:
        if not self._offered:
            self.offer()

    def offer(self) -> bool:
        """Offer the kept drafts of this record back (once). True if they were restored."""
        from missiondesk.services import drafts as service

        self._offered = True
        try:
            kept = {d.key.field: d.text for d in
                    service.drafts_for(self.handle, self.table, self.record_id)}
        except _store_errors() as exc:
            log.warning("could not read drafts: %s", type(exc).__name__)
            return False
        wanted = [(name, kept[name]) for name, keeper in self.keepers.items()
                  if name in kept and kept[name] != _text_of(keeper.widget)]
        state = kept.get(FORM_STATE_FIELD)
        if state is not None and state == self._state():
            state = None
        if not wanted and state is None:
            return False
        shown = [(self.labels[n], t) for n, t in wanted]
        if state is not None:
            shown.append((QCoreApplication.translate("Drafts", "Other fields"),
                          QCoreApplication.translate(
                              "Drafts", "The choices and short fields of the form as they "
                              "were when the mission was locked.")))
        restore = DraftOffer.ask(self.dialog, shown)
        if state is not None:
            if restore:
                self._restore_state(state)
            try:
                service.discard_draft(self.handle, self.state_key)
            except _store_errors() as exc:
                log.warning("could not discard a draft: %s", type(exc).__name__)
        for name, text in wanted:
            keeper = self.keepers[name]
            if restore:
                _set_text(keeper.widget, text)
            else:
                keeper._timer.stop()
                keeper._dirty = False
                try:
                    service.discard_draft(self.handle, keeper.key)
                except _store_errors() as exc:
                    log.warning("could not discard a draft: %s", type(exc).__name__)
        return restore

    def flush(self) -> None:
        for keeper in self.keepers.values():
            keeper.flush()

    def _finished(self, result: int) -> None:
        if not any(k.active for k in self.keepers.values()):
            return  # suspended for a lock: the drafts stay
        if result == QDialog.DialogCode.Accepted:
            # The form is shown again when its save was refused; discard only once it is gone
            # (closed or already destroyed: the keys and the handle are plain values).
            keys = [k.key for k in self.keepers.values()] + [self.state_key]
            handle = self.handle
            QTimer.singleShot(0, lambda: self._discard_if_closed(self, handle, keys))
        else:
            self.discard()

    @staticmethod
    def _discard_if_closed(form: FormDrafts, handle: MissionHandle,
                           keys: list[DraftKey]) -> None:
        from missiondesk.services import drafts as service

        if shiboken6.isValid(form):
            dialog = form.dialog
            if dialog is not None and dialog.isVisible():
                return  # shown again: its save was refused
            if not any(k.active for k in form.keepers.values()):
                return  # suspended for a lock meanwhile: the drafts stay
            for keeper in form.keepers.values():
                keeper.active = False
                keeper._timer.stop()
        for key in keys:
            try:
                service.discard_draft(handle, key)
            except _store_errors() as exc:
                log.warning("could not discard a draft: %s", type(exc).__name__)

    def discard(self) -> None:
        from missiondesk.services import drafts as service

        for keeper in self.keepers.values():
            keeper.discard()
        try:
            service.discard_draft(self.handle, self.state_key)
        except _store_errors() as exc:
            log.warning("could not discard a draft: %s", type(exc).__name__)


def handle_near(widget: QWidget | None) -> MissionHandle | None:
    """The open mission's handle of the desk a dialog was opened from, if any."""
    while widget is not None:
        ctx = getattr(widget, "_ctx", None) or getattr(widget, "ctx", None)
        handle = getattr(ctx, "handle", None)
        if handle is not None:
            return handle
        widget = widget.parentWidget()
    return None


def drafts_notice(count: int) -> str:
    return QCoreApplication.translate(
        "Drafts", "%n piece(s) of unsaved text kept from before: open the same form again to "
        "get it back.", "", count)


def keep_drafts(dialog: QDialog, table: str, record_id: str | None,
                fields: dict[str, tuple[str, QPlainTextEdit | QLineEdit]]) -> FormDrafts | None:
    """Keep the long text of a form as drafts (the handle comes from the desk that opened
    it); None when the form was not opened from a desk with an open mission."""
    handle = handle_near(dialog.parentWidget())
    if handle is None:
        return None
    return FormDrafts(dialog, handle, table, record_id, fields)
