"""Key messages: the register above, the selected message below with its English and French
texts side by side, its kind (a core message, or an expectation line: what the mission can do
/ cannot do), the objective and audience it serves, its approval (by whom, when) and validity.

The editor writes on Save, as one undo step (texts and fields together); New clears it for a
new message. The register filters by kind and by objective (e.g. the protection of civilians'
expectation lines).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.services import comms, comms_messages
from missiondesk.ui.communications.words import (
    message_kind_label,
    message_kinds,
    validity_text,
)
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.framework.widgets import error_label

CAN_DO = "#1b6e2d"
CANNOT_DO = "#a3221a"


def _t(text: str) -> str:
    return QCoreApplication.translate("CommsMessages", text)


class MessageTableModel(RecordTableModel):
    COLUMNS = (
        Column("kind", lambda: _t("Kind"), 132),
        Column("en", lambda: _t("English"), 190, elastic=True),
        Column("fr", lambda: _t("French"), 190),
        Column("objective", lambda: _t("Objective"), 140),
        Column("audience", lambda: _t("Audience"), 130),
        Column("approved", lambda: _t("Approved"), 100),
        Column("validity", lambda: _t("Valid"), 110),
    )

    def display(self, row, key: str) -> str:
        if key == "kind":
            return message_kind_label(row.kind)
        if key in ("en", "fr"):
            return row.text(key).replace("\n", " ")
        if key == "objective":
            return row.objective_title or ""
        if key == "audience":
            return row.audience_name or ""
        if key == "approved":
            if not row.approved:
                return _t("Not approved")
            return row.approved_by or _t("Approved")
        if key == "validity":
            return validity_text(row.valid_from, row.valid_until)
        return ""

    def tooltip(self, row, key: str) -> str | None:
        if key in ("en", "fr", "objective"):
            return self.display(row, key) or None
        if key == "approved" and row.approved and row.approved_on:
            return _t("Approved by {who} on {day}").format(
                who=row.approved_by or "\u2014", day=row.approved_on.isoformat())
        return None

    def foreground(self, row, key: str):
        if key == "kind" and row.kind == "can_do":
            return QColor(CAN_DO)
        if key == "kind" and row.kind == "cannot_do":
            return QColor(CANNOT_DO)
        if key == "validity" and not row.valid_on(date.today()):
            return QColor(CANNOT_DO)
        return None


def _text_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(70)
    return edit


def _as_date(text: str):
    """A typed date as a date (blank: None); what is not one goes to the service as typed,
    which refuses it with its sentence."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _date_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(120)
    return edit


class MessageEditor(QWidget):
    """The selected message's fields, English and French side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold;")
        self.kind = code_combo(message_kinds())
        self.objective = QComboBox()
        self.audience = QComboBox()
        for combo in (self.objective, self.audience):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        self.english = _text_edit(self.tr("The message in English"))
        self.french = _text_edit(self.tr("Le message en fran\u00e7ais"))
        self.approved = QCheckBox(self.tr("Approved"))
        self.approved_by = QLineEdit()
        self.approved_by.setPlaceholderText(self.tr("by whom"))
        self.approved_on = _date_edit(self.tr("YYYY-MM-DD"))
        self.valid_from = _date_edit(self.tr("from YYYY-MM-DD"))
        self.valid_until = _date_edit(self.tr("until YYYY-MM-DD"))
        self.classification = classification_combo(None, "CONFIDENTIAL")
        self.error = error_label()
        self.save_button = QPushButton(self.tr("Save"))
        self.revert_button = QPushButton(self.tr("Revert"))

        top = QHBoxLayout()
        for label, widget in ((self.tr("Kind"), self.kind),
                              (self.tr("Objective"), self.objective),
                              (self.tr("Audience"), self.audience)):
            top.addWidget(QLabel(label))
            top.addWidget(widget, 1 if widget is not self.kind else 0)
        texts = QGridLayout()
        for column, (title, edit) in enumerate(((self.tr("English"), self.english),
                                                (self.tr("French"), self.french))):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(6, 6, 6, 6)
            inner.addWidget(edit)
            texts.addWidget(box, 0, column)
        approval = QHBoxLayout()
        approval.addWidget(self.approved)
        approval.addWidget(self.approved_by, 1)
        approval.addWidget(QLabel(self.tr("on")))
        approval.addWidget(self.approved_on)
        approval.addSpacing(16)
        approval.addWidget(QLabel(self.tr("Valid")))
        approval.addWidget(self.valid_from)
        approval.addWidget(self.valid_until)
        approval.addSpacing(16)
        approval.addWidget(self.classification)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addLayout(texts, 1)
        layout.addLayout(approval)
        layout.addLayout(buttons)
        self.approved.toggled.connect(self._approved_toggled)
        self.user_name = ""

    def set_choices(self, objectives: list[tuple[str, str]], audiences: list[tuple[str, str]]
                    ) -> None:
        for combo, items, none in ((self.objective, objectives, self.tr("\u2014 none \u2014")),
                                   (self.audience, audiences, self.tr("\u2014 any \u2014"))):
            current = combo.currentData()
            combo.clear()
            combo.addItem(none, None)
            for record_id, name in items:
                combo.addItem(name, record_id)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def _approved_toggled(self, on: bool) -> None:
        """Ticking Approved fills in who and when (the current user, today) when blank."""
        if on and not self.approved_by.text().strip():
            self.approved_by.setText(self.user_name)
        if on and not self.approved_on.text().strip():
            self.approved_on.setText(date.today().isoformat())

    def show_values(self, values: dict | None, heading: str) -> None:
        self.heading.setText(heading)
        self.error.hide()
        values = values or {}
        self.approved.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(values.get("kind", "core"))))
        self.objective.setCurrentIndex(max(0, self.objective.findData(
            values.get("objective_id"))))
        self.audience.setCurrentIndex(max(0, self.audience.findData(values.get("audience_id"))))
        texts = values.get("texts") or {}
        self.english.setPlainText(texts.get("en") or "")
        self.french.setPlainText(texts.get("fr") or "")
        self.approved.setChecked(bool(values.get("approved")))
        self.approved_by.setText(values.get("approved_by") or "")
        for edit, key in ((self.approved_on, "approved_on"), (self.valid_from, "valid_from"),
                          (self.valid_until, "valid_until")):
            edit.setText(values[key].isoformat() if values.get(key) else "")
        index = self.classification.findData(values.get("classification"))
        if index >= 0:
            self.classification.setCurrentIndex(index)
        self.approved.blockSignals(False)

    def values(self, texts_before: dict | None = None) -> dict:
        texts = dict(texts_before or {})
        texts.update({"en": self.english.toPlainText().strip() or None,
                      "fr": self.french.toPlainText().strip() or None})
        return {"kind": self.kind.currentData(), "objective_id": self.objective.currentData(),
                "audience_id": self.audience.currentData(), "texts": texts,
                "approved": self.approved.isChecked(),
                "approved_by": self.approved_by.text().strip() or None,
                "approved_on": _as_date(self.approved_on.text()),
                "valid_from": _as_date(self.valid_from.text()),
                "valid_until": _as_date(self.valid_until.text()),
                "classification": self.classification.currentData()}

    def set_enabled(self, on: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(on)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class MessagesTab(ListDetailDesk):
    WATCHED = ("key_messages", "key_message_texts", "comms_objectives", "audiences")
    SIZES = (420, 300)

    def __init__(self, parent: QWidget | None = None) -> None:
        editor = MessageEditor()
        super().__init__(MessageTableModel(), parent, detail=editor)
        self.editor = editor
        self.splitter.setOrientation(Qt.Orientation.Vertical)
        self.splitter.setSizes(list(self.SIZES))
        self._creating = False
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=comms_messages.create_message, update=comms_messages.update_message,
            delete=comms_messages.delete_message, restore=comms_messages.restore_message,
            texts={"create": self.tr("New key message"), "edit": self.tr("Edit key message"),
                   "delete": self.tr("Delete key message")})
        self.kind_filter = filter_combo(self.tr("All kinds"), message_kinds())
        self.objective_filter = filter_combo(self.tr("All objectives"), [])
        for combo in (self.kind_filter, self.objective_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.filters.addWidget(QLabel(self.tr("Show")))
        self.filters.addWidget(self.kind_filter)
        self.filters.addWidget(self.objective_filter, 1)
        self.filters.addStretch(1)
        self.new_button = self.button(self.tr("New"), self.new_message)
        self.delete_button = self.button(self.tr("Delete"), self.delete_message)
        self.add_buttons(self.new_button, self.delete_button, stretch=True)
        self.toolbar.addWidget(self.count_label)
        self.editor.save_button.clicked.connect(self.save)
        self.editor.revert_button.clicked.connect(lambda: self.show_detail(self._current))
        self.update_buttons()
        self.show_detail(None)

    # --- the register ---------------------------------------------------------------------

    def load(self, ctx) -> list:
        objectives = [(o.id, o.title) for o in comms.list_objectives(ctx.handle)]
        audiences = [(a.id, a.name) for a in comms.list_audiences(ctx.handle)]
        self.editor.set_choices(objectives, audiences)
        self.editor.user_name = ctx.handle.user_name or ""
        current = self.objective_filter.currentData()
        self.objective_filter.blockSignals(True)
        while self.objective_filter.count() > 1:
            self.objective_filter.removeItem(1)
        for record_id, title in objectives:
            self.objective_filter.addItem(title, record_id)
        self.objective_filter.setCurrentIndex(max(0, self.objective_filter.findData(current)))
        self.objective_filter.blockSignals(False)
        return comms_messages.list_messages(ctx.handle)

    def _apply_filter(self) -> None:
        kind, objective = self.kind_filter.currentData(), self.objective_filter.currentData()
        if kind is None and objective is None:
            self.model.set_filter(None)
        else:
            self.model.set_filter(lambda m: (kind is None or m.kind == kind)
                                  and (objective is None or m.objective_id == objective))
        self._reselect(self.current_id())

    def show_record(self, record_id: str) -> bool:
        return self.select_id(record_id)

    def update_buttons(self) -> None:
        self.new_button.setEnabled(self._ctx is not None)
        self.delete_button.setEnabled(self._ctx is not None and self._current is not None)

    def show_detail(self, row) -> None:
        self._creating = False
        self.editor.set_enabled(self._ctx is not None and row is not None)
        if row is None or self._ctx is None:
            self.editor.show_values(None, self.placeholder(
                self.tr("Select a key message to read and edit it in English and French."),
                self.tr("No key messages yet: New writes the first.")))
            return
        self.editor.show_values(row.values(), self.tr("{kind}, {approval}").format(
            kind=message_kind_label(row.kind),
            approval=(self.tr("approved by {who}").format(who=row.approved_by)
                      if row.approved and row.approved_by
                      else self.tr("approved") if row.approved else self.tr("not approved"))))

    # --- writing --------------------------------------------------------------------------

    def new_message(self) -> None:
        if self._ctx is None:
            return
        self.table.clearSelection()
        self._current = None
        self._creating = True
        self.editor.set_enabled(True)
        self.editor.show_values({"kind": self.kind_filter.currentData() or "core",
                                 "objective_id": self.objective_filter.currentData()},
                                self.tr("New key message"))
        self.update_buttons()
        self.editor.english.setFocus()

    def save(self) -> str | None:
        """Write the editor (one undo step); the refusal's sentence, shown, or None."""
        if self._ctx is None:
            return None
        if self._creating:
            problem = self.create_and_select(self.editor.values())
        elif self._current is not None:
            problem = self.actions.edit(self._current,
                                        self.editor.values(self._current.values()["texts"]))
        else:
            return None
        if problem:
            self.editor.show_error(problem)
        return problem

    def delete_message(self) -> None:
        if self._ctx is None or self._current is None:
            return
        text = self._current.first_text()
        short = text if len(text) < 80 else text[:77] + "\u2026"
        self.confirm_delete(self._current, self.tr("Delete Key Message"), self.tr(
            "Delete \u201c{text}\u201d, its translations and its lines in the plan? Undo "
            "brings them back.").format(text=short))
