"""One form for every record: its fields, the line that says why an input was refused, the
Save/Cancel row and the drafts of its long text.

A desk's form defines `build(values)` (adds its fields to `self.form`, a QFormLayout, and may
add widgets below with `self.add_below`) and `values()` (what the fields hold). The form calls
`submit(values)` on Save; the desk's submit returns an error sentence to show, or None, and the
form closes only when the service has accepted. `ask` runs a form modally (tests patch it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from missiondesk.ui.framework.widgets import error_label

Submit = Callable[[dict], "str | None"]


def code_combo(items: Iterable[tuple[str, Any]], current: Any = None,
               default: Any = None) -> QComboBox:
    """A combo box of (label, code) pairs with `current` (or `default`) selected."""
    combo = QComboBox()
    for label, code in items:
        combo.addItem(label, code)
    for wanted in (current, default):
        if wanted is not None:
            index = combo.findData(wanted)
            if index >= 0:
                combo.setCurrentIndex(index)
                break
    return combo


def classification_combo(current: str | None = None, default: str | None = None) -> QComboBox:
    """The classification levels (UN information sensitivity), `current` selected."""
    from missiondesk.labels import classification_label
    from missiondesk.store.vocab import Classification

    return code_combo(((classification_label(level), level.value) for level in Classification),
                      current, default)


def hint_label(text: str) -> QLabel:
    """A quiet sentence under a field or a table that says how something works."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _value_of(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    return text.strip() or None


class RecordForm(QDialog):
    """New or Edit of one record; stays open until the service accepts what it holds."""

    #: Window titles; a form sets them (through tr in `titles`).
    MIN_WIDTH = 520

    def __init__(self, parent: QWidget | None, values: dict, submit: Submit, *,
                 creating: bool) -> None:
        super().__init__(parent)
        self.creating = creating
        self.initial = dict(values)
        self._submit = submit
        self._drafts = None
        self.fields: dict[str, QWidget] = {}
        new_title, edit_title = self.titles()
        self.setWindowTitle(new_title if creating else edit_title)
        self.form = QFormLayout()
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(self.form)
        self.build(values)
        self.error = error_label()
        self._layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self._layout.addWidget(self.buttons)
        self.setMinimumWidth(self.MIN_WIDTH)

    # --- what a form defines ---------------------------------------------------------------

    def titles(self) -> tuple[str, str]:
        """(title when creating, title when editing)."""
        return self.tr("New"), self.tr("Edit")

    def build(self, values: dict) -> None:
        """Add the fields to `self.form` (with `add_field`, or `self.form.addRow` and a
        `values` of the form's own)."""

    def values(self) -> dict:
        """What the fields added with `add_field` hold: a combo box's code, a check box's
        state, a spin box's number, text stripped (blank: None)."""
        return {key: _value_of(widget) for key, widget in self.fields.items()}

    def check(self, values: dict) -> str | None:
        """A refusal the form can tell before asking the service (None: none)."""
        return None

    # --- what a form uses ------------------------------------------------------------------

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        """A row of the form whose value `values()` reads under `key`."""
        self.fields[key] = widget
        self.form.addRow(label, widget)
        return widget

    def add_below(self, widget: QWidget) -> None:
        """A widget under the fields (a hint, a table), above the error line."""
        self._layout.addWidget(widget)

    def keep_drafts(self, table: str,
                    fields: dict[str, tuple[str, QPlainTextEdit | QLineEdit]]) -> None:
        """Keep these long-text fields as encrypted drafts while the form is open."""
        from missiondesk.ui.framework.drafts import keep_drafts

        self._drafts = keep_drafts(self, table, self.initial.get("id"), fields)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _accept(self) -> None:
        values = self.values()
        problem = self.check(values) or self._submit(values)
        if problem:
            self.show_error(problem)
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, values: dict, submit: Submit, *,
            creating: bool) -> bool:
        return cls(parent, values, submit, creating=creating).exec() == QDialog.DialogCode.Accepted
