"""The Sources desk: the register of code names that notes cite (SRC-014), their type,
reliability (A–F) and credibility (1–6) grades and whether they are protected.

The description of a protected source (who or what it is) is masked in the table, the
detail panel, the history and the export unless "Show protected" is ticked — which asks for
confirmation and leaves an entry in the audit trail; it is never shown anywhere else.
Every write goes on the undo stack. Only services calls; no SQL.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    audit_action_label,
    classification_label,
    credibility_label,
    reliability_label,
    source_type_label,
)
from missiondesk.messages import error_text, field_label
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import Classification, SourceReliability, SourceType
from missiondesk.ui.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
    changed_fields,
    push_command,
)
from missiondesk.ui.context import MissionContext
from missiondesk.ui.widgets import error_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from missiondesk.services.sources import SourceRow

WATCHED = ("sources", "relationships", "stakeholder_assessments", "stakeholder_perceptions")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
MASK = "\u2022\u2022\u2022\u2022\u2022\u2022"
PROTECTED_COLOUR = "#7a1d0c"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


class SourceTableModel(QAbstractTableModel):
    """The register; receives rows through `set_rows` and sorts them itself."""

    COLUMNS = ("code_name", "source_type", "reliability", "credibility", "protected",
               "citations", "description", "classification")
    WIDTHS = (88, 128, 74, 80, 78, 52, 262, 150)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[SourceRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self._show_protected = False

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Code"), self.tr("Type"), self.tr("Reliability"),
                self.tr("Credibility"), self.tr("Protected"), self.tr("Cited"),
                self.tr("Description (who or what)"), self.tr("Classification"))

    def set_rows(self, rows: list[SourceRow]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def set_show_protected(self, show: bool) -> None:
        self._show_protected = show
        if self._rows:
            column = self.COLUMNS.index("description")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1,
                                                                    column))

    def rows(self) -> list[SourceRow]:
        return list(self._rows)

    def row_at(self, row: int) -> SourceRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, source_id: str | None) -> int:
        for i, r in enumerate(self._rows):
            if r.id == source_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.headers()[section]
        return None

    def display(self, r: SourceRow, column: str) -> str:
        if column == "code_name":
            return r.code_name
        if column == "source_type":
            return source_type_label(r.source_type)
        if column == "reliability":
            return r.reliability
        if column == "credibility":
            return str(r.credibility)
        if column == "protected":
            return self.tr("Protected") if r.protected else self.tr("No")
        if column == "citations":
            return str(r.citations)
        if column == "description":
            if r.protected and not self._show_protected:
                return MASK + " " + self.tr("protected")
            return (r.description or "").replace("\n", " ")
        if column == "classification":
            return classification_label(r.classification)
        return ""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "reliability":
                return reliability_label(r.reliability)
            if column == "credibility":
                return credibility_label(r.credibility)
            if column == "description":
                return self.display(r, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "protected" and r.protected:
                return QBrush(QColor(PROTECTED_COLOUR))
            if column == "description" and r.protected and not self._show_protected:
                return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                "reliability", "credibility", "citations"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[SourceRow]) -> list[SourceRow]:
        from missiondesk.services.sources import sort_rows

        column, order = self._sort
        return sort_rows(rows, self.COLUMNS[column],
                         descending=order == Qt.SortOrder.DescendingOrder)


class SourceDialog(QDialog):
    """New or edit a source. `submit(values) -> error text or None` keeps it open until
    the service accepts; `ask` runs it modally (tests patch `ask`)."""

    def __init__(self, parent: QWidget | None, values: dict,
                 submit: Callable[[dict], str | None], *, creating: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Source") if creating else self.tr("Edit Source"))
        self._submit = submit
        self.code_name = QLineEdit(values.get("code_name") or "")
        self.code_name.setPlaceholderText(self.tr("e.g. SRC-014"))
        self.source_type = QComboBox()
        for item in SourceType:
            self.source_type.addItem(source_type_label(item.value), item.value)
        self.source_type.setCurrentIndex(
            max(0, self.source_type.findData(values.get("source_type") or "interlocutor")))
        self.reliability = QComboBox()
        for item in SourceReliability:
            self.reliability.addItem(reliability_label(item.value), item.value)
        self.reliability.setCurrentIndex(
            max(0, self.reliability.findData(values.get("reliability") or "F")))
        self.credibility = QComboBox()
        for n in range(1, 7):
            self.credibility.addItem(credibility_label(n), n)
        self.credibility.setCurrentIndex(
            max(0, self.credibility.findData(int(values.get("credibility") or 6))))
        self.protected = QCheckBox(self.tr("Protected: the description is never shown "
                                           "outside this desk"))
        self.protected.setChecked(bool(values.get("protected", True)))
        self.description = QPlainTextEdit(values.get("description") or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.description.setPlaceholderText(self.tr("Who or what the source is"))
        from missiondesk.ui.drafts import keep_drafts

        self._drafts = keep_drafts(self, "sources", values.get("id"), {
            "description": (self.tr("Description"), self.description)})
        self.classification = QComboBox()
        for level in Classification:
            self.classification.addItem(classification_label(level), level.value)
        self.classification.setCurrentIndex(
            max(0, self.classification.findData(values.get("classification") or
                                                "CONFIDENTIAL")))
        form = QFormLayout()
        form.addRow(self.tr("Code name"), self.code_name)
        form.addRow(self.tr("Type"), self.source_type)
        form.addRow(self.tr("Reliability"), self.reliability)
        form.addRow(self.tr("Credibility"), self.credibility)
        form.addRow("", self.protected)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Classification"), self.classification)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def values(self) -> dict:
        return {
            "code_name": self.code_name.text(),
            "source_type": self.source_type.currentData(),
            "reliability": self.reliability.currentData(),
            "credibility": self.credibility.currentData(),
            "protected": self.protected.isChecked(),
            "description": self.description.toPlainText().strip() or None,
            "classification": self.classification.currentData(),
        }

    def _accept(self) -> None:
        problem = self._submit(self.values())
        if problem:
            self.error.setText(problem)
            self.error.show()
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, values: dict, submit: Callable[[dict], str | None],
            *, creating: bool) -> bool:
        return cls(parent, values, submit, creating=creating).exec() == QDialog.DialogCode.Accepted


class SourcesDesk(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._current: SourceRow | None = None

        self.new_button = QPushButton(self.tr("New\u2026"))
        self.edit_button = QPushButton(self.tr("Edit\u2026"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.redact_button = QPushButton(self.tr("Redact\u2026"))
        self.redact_button.setToolTip(self.tr("Remove the description from the record, its "
                                              "drafts and its history"))
        self.show_protected = QCheckBox(self.tr("Show protected"))
        self.show_protected.setToolTip(self.tr("Show who or what the protected sources are"))
        self.count_label = QLabel()
        self.export_button = QPushButton(self.tr("Export\u2026"))
        self.new_button.clicked.connect(self.new_source)
        self.edit_button.clicked.connect(self.edit_source)
        self.delete_button.clicked.connect(self.delete_source)
        self.redact_button.clicked.connect(self.redact_description)
        self.export_button.clicked.connect(self.export_view)
        self.show_protected.toggled.connect(self._protected_toggled)
        bar = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button,
                       self.redact_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        bar.addWidget(self.show_protected)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.export_button)

        self.model = SourceTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(SourceTableModel.WIDTHS):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_source())

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setMinimumWidth(320)
        hint = QLabel(self.tr("Notes and relationships cite a source by its code name. "
                              "Reliability: A (completely reliable) to F (cannot be judged); "
                              "credibility: 1 (confirmed) to 6 (cannot be judged)."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([960, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self._show_detail(None)
        self._update_buttons()

    # --- mission lifecycle -----------------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.refresh()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._current = None
        self.show_protected.setChecked(False)  # a reopened mission starts masked
        self.model.set_rows([])
        self.count_label.clear()
        self._show_detail(None)
        self._update_buttons()

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.refresh()

    def refresh(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import sources as service

        keep = self.current_id()
        rows = service.list_sources(self._ctx.handle)
        self.model.set_rows(rows)
        protected = sum(1 for r in rows if r.protected)
        self.count_label.setText(self.tr("%n source(s)", "", len(rows)) + " \u00b7 "
                                 + self.tr("%n protected", "", protected))
        row = self.model.row_of(keep)
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._current = self.model.row_at(row) if row >= 0 else None
        self._show_detail(self._current)
        self._update_buttons()

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        r = self.model.row_at(index.row()) if index.isValid() else None
        return r.id if r else None

    def select_source(self, source_id: str) -> bool:
        row = self.model.row_of(source_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._current = self.model.row_at(current.row()) if current.isValid() else None
        self._show_detail(self._current)
        self._update_buttons()

    def _protected_toggled(self, show: bool) -> None:
        if show and not self._confirm_show_protected():
            self.show_protected.blockSignals(True)
            self.show_protected.setChecked(False)
            self.show_protected.blockSignals(False)
            return
        self.model.set_show_protected(show)
        self._show_detail(self._current)

    def _confirm_show_protected(self) -> bool:
        """Ask before showing who the protected sources are; the audit trail records it."""
        if self._ctx is None:
            return False
        from missiondesk.services import sources as service

        answer = QMessageBox.question(
            self, self.tr("Show Protected Sources"),
            self.tr("Show who or what the protected sources are? Anyone who can see this "
                    "screen will see them, and the audit trail records that you asked."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self._ctx.handle.unit_of_work() as uow:
                service.log_protected_access(uow, service.SHOWN_PROTECTED)
        except MissionError as exc:
            QMessageBox.warning(self, self.tr("Show Protected Sources"), error_text(exc))
            return False
        return True

    def _update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        self.show_protected.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button, self.redact_button):
            button.setEnabled(has)

    # --- the detail panel ------------------------------------------------------------------

    def _show_detail(self, r: SourceRow | None) -> None:
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("Select a source to see its grades, what cites it and its history.")
                if self._ctx is not None else self.tr("No mission open.")))
            return
        from missiondesk.services.audit import history

        t = self.tr
        masked = r.protected and not self.show_protected.isChecked()
        if masked:
            description = "<i style='color:#777'>%s</i>" % _esc(
                t("Protected \u2014 tick \u201cShow protected\u201d to see who or what it is."))
        else:
            description = _esc(r.description) if r.description else "\u2014"
        facts = [
            (t("Type"), _esc(source_type_label(r.source_type))),
            (t("Reliability"), _esc(reliability_label(r.reliability))),
            (t("Credibility"), _esc(credibility_label(r.credibility))),
            (t("Protected"), "<b style='color:%s'>%s</b>" % (PROTECTED_COLOUR, _esc(t("Yes")))
             if r.protected else _esc(t("No"))),
            (t("Cited by"), _esc(t("%n record(s)", "", r.citations))),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        if r.updated_at:
            facts.append((t("Last changed"), _esc(t("{date} by {who}").format(
                date=r.updated_at.strftime("%Y-%m-%d %H:%M"), who=r.updated_by or "\u2014"))))
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.code_name),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Description (who or what)")), description))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(t("History")))
        try:
            entries = history(self._ctx.handle, "sources", r.id, limit=30)
        except MissionError:
            entries = []
        lines = [self._history_line(e, masked) for e in entries]
        parts.append("<p>%s</p>" % ("<br>".join(lines) or _esc(t("No change recorded."))))
        self.detail.setHtml("".join(parts))

    def _history_line(self, e, masked: bool) -> str:
        when = e.at.strftime("%Y-%m-%d %H:%M")
        what = audit_action_label(e.action)
        if e.field:
            what += " " + field_label(e.field, "sources")
        if e.action == "update" and not (e.masked or (masked and e.field == "description")):
            what += ": %s \u2192 %s" % (_short(e.old_value), _short(e.new_value))
        return "<span style='color:#777'>%s</span> %s: %s" % (
            _esc(when), _esc(e.user_name or "\u2014"), _esc(what))

    # --- writes (each on the undo stack) ----------------------------------------------------

    def _show_undo_error(self, exc: MissionError) -> None:
        QMessageBox.warning(self, self.tr("Undo"), error_text(exc))

    def _push(self, command) -> str | None:
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            return error_text(exc)
        return None

    def new_source(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service
        from missiondesk.services import sources as service

        values = {"code_name": service.next_code_name(self._ctx.handle),
                  "source_type": "interlocutor", "reliability": "F", "credibility": 6,
                  "protected": True,
                  "classification":
                      mission_service.get_mission(self._ctx.handle).default_classification}
        SourceDialog.ask(self, values, self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Create a source from the form (undoable); the error sentence if refused."""
        from missiondesk.services import sources as service

        command = CreateRecordCommand(
            self._ctx, self.tr("New source"),
            create=lambda uow: service.create_source(uow, **values),
            delete=lambda uow, rid, rev: service.delete_source(uow, rid,
                                                               expected_revision=rev),
            restore=lambda uow, rid, rev: service.restore_source(uow, rid,
                                                                 expected_revision=rev),
            on_error=self._show_undo_error)
        problem = self._push(command)
        if problem is None:
            self.select_source(command.record_id)
        return problem

    def edit_source(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        SourceDialog.ask(self, {**current.values(), "id": current.id},
                         lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current: SourceRow, values: dict) -> str | None:
        from missiondesk.services import sources as service

        values = {k: v for k, v in values.items() if k != "id"}  # the form's draft key

        old, changes = changed_fields(current.values(), values)
        if not changes:
            return None
        command = EditRecordCommand(
            self._ctx, self.tr("Edit source"),
            lambda uow, rev, vals: service.update_source(uow, current.id,
                                                         expected_revision=rev, **vals),
            revision=current.revision, old=old, new=changes,
            on_error=self._show_undo_error)
        return self._push(command)

    def delete_source(self) -> None:
        if self._ctx is None or self._current is None:
            return
        from missiondesk.services import sources as service

        current = self._current
        text = self.tr("Delete {code}? Records citing it keep the reference; Undo brings it "
                       "back.").format(code=current.code_name)
        if QMessageBox.question(self, self.tr("Delete Source"), text) != \
                QMessageBox.StandardButton.Yes:
            return
        command = DeleteRecordCommand(
            self._ctx, self.tr("Delete source"), record_id=current.id,
            revision=current.revision,
            delete=lambda uow, rid, rev: service.delete_source(uow, rid,
                                                               expected_revision=rev),
            restore=lambda uow, rid, rev: service.restore_source(uow, rid,
                                                                 expected_revision=rev),
            on_error=self._show_undo_error)
        problem = self._push(command)
        if problem:
            QMessageBox.warning(self, self.tr("Delete Source"), problem)

    def redact_description(self) -> None:
        if self._ctx is None or self._current is None:
            return
        from missiondesk.ui.redact_dialog import field_choices, redact_field

        redact_field(self, self._ctx, "sources", self._current.id,
                     field_choices("sources", self._current))

    # --- export (the rows as shown: masked unless "Show protected") ------------------------

    def export_rows(self) -> tuple[list[str], list[list[str]], list[str]]:
        rows = self.model.rows()
        return (list(self.model.headers()),
                [[self.model.display(r, c) for c in SourceTableModel.COLUMNS] for r in rows],
                [r.classification for r in rows])

    def export_view(self) -> None:
        from missiondesk.ui.table_export import export_rows

        headers, rows, levels = self.export_rows()
        export_rows(self, self.tr("sources") + ".xlsx", headers, rows, levels)


def _short(value: object, limit: int = 50) -> str:
    text = "\u2014" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
