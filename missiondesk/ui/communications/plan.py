"""The communications plan as a matrix: a line per audience x key message x channel x messenger
x timing, edited in place (a list to choose from for the audience, the message and the
channel; text for the messenger and the timing). Each cell edited is one undo step; Add line
and Delete line are too. A refused edit (a messenger too long...) is said over the desk and
the cell keeps what the file holds.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import comms_channel_label
from missiondesk.messages import error_text
from missiondesk.services import comms, comms_messages, comms_plan
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import CommsChannel
from missiondesk.ui.communications.messages import CAN_DO, CANNOT_DO
from missiondesk.ui.communications.words import message_kind_label
from missiondesk.ui.framework.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
    push_command,
    show_undo_refused,
)
from missiondesk.ui.framework.form import hint_label

WATCHED = ("comms_plan_rows", "audiences", "key_messages", "key_message_texts")


def _t(text: str) -> str:
    return QCoreApplication.translate("CommsPlan", text)


#: (key, title, width, the row's field the cell edits)
COLUMNS = (
    ("audience", lambda: _t("Audience"), 190, "audience_id"),
    ("message", lambda: _t("Key message"), 330, "key_message_id"),
    ("channel", lambda: _t("Channel"), 140, "channel"),
    ("messenger", lambda: _t("Messenger"), 170, "messenger"),
    ("timing", lambda: _t("Timing"), 170, "timing"),
)
CHOICE_COLUMNS = (0, 1, 2)


class PlanModel(QAbstractTableModel):
    """The plan's lines; `setData` hands each edit to `edit(row, field, value)`, which
    writes it (as an undo command) and says whether the file took it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lines: list[comms_plan.PlanRow] = []
        self.audiences: list[tuple[str, str]] = []   # (label, id)
        self.messages: list[tuple[str, str]] = []    # (label, id)
        self.channels = [(comms_channel_label(c.value), c.value) for c in CommsChannel]
        self.edit = None  # set by the tab

    def set_lines(self, lines, audiences, messages) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.audiences = audiences
        self.messages = messages
        self.endResetModel()

    def choices(self, column: int) -> list[tuple[str, str]]:
        return (self.audiences, self.messages, self.channels)[column]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]()
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def _text(self, line, key: str) -> str:
        if key == "audience":
            return line.audience_name
        if key == "message":
            return line.message_text("en").replace("\n", " ")
        if key == "channel":
            return comms_channel_label(line.channel)
        return getattr(line, key) or ""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        key, _title, _width, field = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, key)
        if role == Qt.ItemDataRole.EditRole:
            return getattr(line, field) or ""
        if role == Qt.ItemDataRole.ToolTipRole and key == "message":
            return "%s\n\n%s" % (message_kind_label(line.message_kind),
                                 "\n\n".join(text for _lang, text in line.message_texts))
        if role == Qt.ItemDataRole.ForegroundRole and key == "message":
            colour = {"can_do": CAN_DO, "cannot_do": CANNOT_DO}.get(line.message_kind)
            return QColor(colour) if colour else None
        return None

    def setData(self, index: QModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.edit is None:
            return False
        line = self.lines[index.row()]
        field = COLUMNS[index.column()][3]
        if isinstance(value, str):
            value = value.strip() or None
        if value == (getattr(line, field) or None):
            return False
        return self.edit(line, field, value)


def _delete_step(uow, row_id: str, revision: int):
    return comms_plan.delete_plan_row(uow, row_id, expected_revision=revision)


def _restore_step(uow, row_id: str, revision: int):
    return comms_plan.restore_plan_row(uow, row_id, expected_revision=revision)


class ChoiceDelegate(QStyledItemDelegate):
    """A list to choose from for the audience, the message and the channel."""

    def createEditor(self, parent, option, index):  # noqa: N802
        model = index.model()
        if index.column() not in CHOICE_COLUMNS:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for label, code in model.choices(index.column()):
            combo.addItem(label, code)
        combo.view().setMinimumWidth(min(600, combo.view().sizeHintForColumn(0) + 24))
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class PlanTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = None
        self._refresh_pending = False
        self.model = PlanModel(self)
        self.model.edit = self.edit_cell
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        for column, (_key, _title, width, _field) in enumerate(COLUMNS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.tr("Add line"))
        self.delete_button = QPushButton(self.tr("Delete line"))
        self.add_button.clicked.connect(lambda _checked=False: self.add_line())
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_line())
        self.count_label = QLabel()
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.add_button)
        toolbar.addWidget(self.delete_button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.empty = QLabel(self.tr(
            "The plan has no lines yet. Add line puts a key message to an audience; then "
            "choose in the table its channel, who carries it and when."))
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addLayout(toolbar)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(self.tr(
            "Double-click a cell (or start typing) to change it: the audience, the message and "
            "the channel from a list, the messenger and the timing as text. Each change is one "
            "step of Undo.")))
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._buttons())
        self._buttons()

    # --- the mission's lifecycle ----------------------------------------------------------

    def attach(self, ctx) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.refresh()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self.model.set_lines([], [], [])
        self.count_label.clear()
        self.empty.hide()
        self._buttons()

    def _on_changed(self, changed) -> None:
        # after the event that wrote (a cell's editor may still be committing its value)
        if changed.touches(*WATCHED) and not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self._refresh_later)

    def _refresh_later(self) -> None:
        self._refresh_pending = False
        self.refresh()

    def refresh(self) -> None:
        if self._ctx is None:
            return
        keep = self.current_line()
        handle = self._ctx.handle
        audiences = [(a.name, a.id) for a in comms.list_audiences(handle)]
        messages = [(m.first_text() if len(m.first_text()) < 90
                     else m.first_text()[:87] + "\u2026", m.id)
                    for m in comms_messages.list_messages(handle)]
        self.model.set_lines(comms_plan.list_plan(handle), audiences, messages)
        self.count_label.setText(self.tr("%n line(s)", "", self.model.rowCount()))
        self.empty.setVisible(self.model.rowCount() == 0)
        if keep is not None:
            self.show_record(keep.id)
        self._buttons()

    def _buttons(self) -> None:
        self.add_button.setEnabled(self._ctx is not None)
        self.delete_button.setEnabled(self._ctx is not None and self.current_line() is not None)

    def current_line(self):
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.lines):
            return None
        return self.model.lines[index.row()]

    def show_record(self, record_id: str) -> bool:
        for row, line in enumerate(self.model.lines):
            if line.id == record_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    # --- writing --------------------------------------------------------------------------

    def _push(self, command) -> str | None:
        """Apply and stack a command; a refusal is said over the tab and returned."""
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            problem = error_text(exc)
            QMessageBox.warning(self, self.tr("Communications Plan"), problem)
            return problem
        return None

    def _refused(self, exc: MissionError) -> None:
        show_undo_refused(self, exc)

    def edit_cell(self, line, field: str, value) -> bool:
        """One cell's new value, as one undo step; a refusal is said and nothing changes."""
        if self._ctx is None:
            return False
        row_id = line.id
        command = EditRecordCommand(
            self._ctx, self.tr("Edit plan line"),
            lambda uow, rev, vals: comms_plan.update_plan_row(uow, row_id,
                                                              expected_revision=rev, **vals),
            revision=line.revision, old={field: getattr(line, field)}, new={field: value},
            on_error=self._refused, record_id=row_id)
        return self._push(command) is None

    def add_line(self) -> str | None:
        """A new line under the selected one's audience and message (or the first ones),
        by radio; edited in place from there."""
        if self._ctx is None:
            return None
        if not self.model.audiences or not self.model.messages:
            problem = self.tr("The plan needs an audience and a key message first: add them "
                              "in the Audiences and Key Messages tabs.")
            QMessageBox.information(self, self.tr("Communications Plan"), problem)
            return problem
        like = self.current_line()
        values = {"audience_id": like.audience_id if like else self.model.audiences[0][1],
                  "key_message_id": like.key_message_id if like else self.model.messages[0][1],
                  "channel": like.channel if like else CommsChannel.RADIO.value}
        command = CreateRecordCommand(
            self._ctx, self.tr("Add plan line"),
            create=lambda uow: comms_plan.create_plan_row(uow, **values),
            delete=_delete_step, restore=_restore_step,
            on_error=self._refused)
        problem = self._push(command)
        if problem is None:
            self.show_record(command.record_id)
        return problem

    def delete_line(self) -> str | None:
        line = self.current_line()
        if self._ctx is None or line is None:
            return None
        command = DeleteRecordCommand(
            self._ctx, self.tr("Delete plan line"), record_id=line.id,
            revision=line.revision,
            delete=_delete_step, restore=_restore_step,
            on_error=self._refused)
        return self._push(command)
