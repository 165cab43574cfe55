"""The Audit trail desk: the mission-wide change log, newest first, with filters (who, date
range, desk), paged as the list scrolls (fetchMore) or with "Load more", exportable, and
Restore for a deletion, Purge… for a deleted record (for good: not undoable).
`show_record(table, record_id)` narrows it to one record's history (what a desk's "History"
button calls). Only services calls; no SQL.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QDate, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import audit_action_label, table_label
from missiondesk.messages import error_text, field_label, redacted_marker_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.commands import DeleteRecordCommand, push_command

PAGE = 200
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
ACTION_COLOURS = {"delete": "#a4161a", "restore": "#1b7f4b", "redact": "#7a1d0c",
                  "redacted": "#7a1d0c", "purge": "#a4161a"}


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _value_text(value: object, limit: int = 80) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    if isinstance(value, bool):
        value = _tr("yes") if value else _tr("no")
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _tr(text: str) -> str:
    return QCoreApplication.translate("AuditDesk", text)


def change_text(e) -> str:
    """What an entry changed, for the table and the export: "old → new", or why not."""
    if e.masked:
        return _tr("(protected source: not shown)")
    if e.action == "redacted":
        return _tr("(content redacted)")
    if e.action == "update":
        return "%s \u2192 %s" % (_value_text(e.old_value), _value_text(e.new_value))
    return ""


class AuditLogModel(QAbstractTableModel):
    """Log entries, newest first; more are fetched from the service as the view scrolls."""

    COLUMNS = ("at", "who", "table", "record", "action", "field", "change")
    WIDTHS = (118, 100, 120, 200, 140, 125, 190)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list = []
        self._fetch = None   # fetch(offset) -> AuditPage
        self._has_more = False

    def headers(self) -> tuple[str, ...]:
        return (self.tr("When (UTC)"), self.tr("Who"), self.tr("Desk"), self.tr("Record"),
                self.tr("Action"), self.tr("Field"), self.tr("Change"))

    def reset(self, fetch) -> None:
        """Start again from the newest entry with a new `fetch(offset) -> AuditPage`."""
        self.beginResetModel()
        self._fetch = fetch
        self._entries = []
        self._has_more = False
        if fetch is not None:
            page = fetch(0)
            self._entries = list(page.entries)
            self._has_more = page.has_more
        self.endResetModel()

    def entries(self) -> list:
        return list(self._entries)

    def entry_at(self, row: int):
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def has_more(self) -> bool:
        return self._has_more

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and self._fetch is not None

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        page = self._fetch(len(self._entries))
        if page.entries:
            start = len(self._entries)
            self.beginInsertRows(QModelIndex(), start, start + len(page.entries) - 1)
            self._entries.extend(page.entries)
            self.endInsertRows()
        self._has_more = page.has_more and bool(page.entries)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.headers()[section]
        return None

    def display(self, e, column: str) -> str:
        if column == "at":
            return e.at.strftime("%Y-%m-%d %H:%M")
        if column == "who":
            return e.user_name or "\u2014"
        if column == "table":
            return table_label(e.table)
        if column == "record":
            label = redacted_marker_text(e.record_label) or e.record_id[:8]
            return label + (" " + self.tr("(deleted)") if e.record_deleted else "")
        if column == "action":
            return audit_action_label(e.action)
        if column == "field":
            return field_label(e.field, e.table) if e.field else ""
        if column == "change":
            return change_text(e)
        return ""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e = self._entries[index.row()]
        column = self.COLUMNS[index.column()]
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(e, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in ("record", "change"):
            return self.display(e, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "action":
            colour = ACTION_COLOURS.get(e.action)
            return QBrush(QColor(colour)) if colour else None
        return None


class AuditDesk(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._record: tuple[str, str] | None = None
        self._total = 0

        self.who = QComboBox()
        self.table_filter = QComboBox()
        self.since_check = QCheckBox(self.tr("From"))
        self.since = QDateEdit()
        self.until_check = QCheckBox(self.tr("To"))
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.since.setDate(QDate.currentDate().addDays(-30))
        self.since_check.toggled.connect(self.since.setEnabled)
        self.until_check.toggled.connect(self.until.setEnabled)
        self.deletions_only = QCheckBox(self.tr("Deletions only"))
        for signal in (self.who.currentIndexChanged, self.table_filter.currentIndexChanged,
                       self.since_check.toggled, self.until_check.toggled,
                       self.since.dateChanged, self.until.dateChanged,
                       self.deletions_only.toggled):
            signal.connect(self._filters_changed)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Who")))
        filters.addWidget(self.who, 1)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("Desk")))
        filters.addWidget(self.table_filter, 1)
        for combo in (self.who, self.table_filter):
            combo.setMinimumWidth(170)
            combo.setMaximumWidth(280)
        filters.addSpacing(8)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since)
        filters.addWidget(self.until_check)
        filters.addWidget(self.until)
        filters.addSpacing(8)
        filters.addWidget(self.deletions_only)
        filters.addStretch(1)

        self.record_bar = QWidget()
        record_layout = QHBoxLayout(self.record_bar)
        record_layout.setContentsMargins(0, 0, 0, 0)
        self.record_label = QLabel()
        self.clear_record_button = QPushButton(self.tr("Show the Whole Log"))
        self.clear_record_button.clicked.connect(self.show_all)
        record_layout.addWidget(self.record_label, 1)
        record_layout.addWidget(self.clear_record_button)
        self.record_bar.hide()

        self.model = AuditLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(AuditLogModel.WIDTHS):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setMinimumWidth(300)

        self.count_label = QLabel()
        self.more_button = QPushButton(self.tr("Load More"))
        self.more_button.clicked.connect(self.load_more)
        self.history_button = QPushButton(self.tr("Record History"))
        self.history_button.setToolTip(self.tr("Show every change of the selected record"))
        self.history_button.clicked.connect(self._history_of_selected)
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setToolTip(self.tr("Bring back the record this deletion removed"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton(self.tr("Purge\u2026"))
        self.purge_button.setToolTip(self.tr(
            "Delete the deleted record for good: its links, drafts, search entries and the "
            "values in its history, here and in the automatic backups. Cannot be undone."))
        self.purge_button.clicked.connect(self.purge_selected)
        self.export_button = QPushButton(self.tr("Export\u2026"))
        self.export_button.clicked.connect(self.export_log)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.export_button)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(filters)
        layout.addWidget(self.record_bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self._fill_filters([], [])
        self._show_entry(None)
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
        self._record = None
        self.record_bar.hide()
        self.model.reset(None)
        self._fill_filters([], [])
        self.count_label.clear()
        self._show_entry(None)
        self._update_buttons()

    def _on_changed(self, _changed) -> None:
        self.refresh()  # every change writes the log

    def refresh(self) -> None:
        """Reload the filter choices and the first page (the selection is kept if visible)."""
        if self._ctx is None:
            return
        from missiondesk.services import audit

        self._fill_filters(audit.log_users(self._ctx.handle),
                           audit.log_tables(self._ctx.handle))
        self._reload()

    def _fill_filters(self, users: list[str], tables: list[str]) -> None:
        for combo, everything, items in (
                (self.who, self.tr("Everyone"), [(u, u) for u in users]),
                (self.table_filter, self.tr("All desks"),
                 sorted(((table_label(t), t) for t in tables if t != "drafts"),
                        key=lambda i: i[0].casefold()))):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for label, code in items:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
            combo.blockSignals(False)

    def current_filter(self):
        from missiondesk.services.audit import AuditFilter

        table = self.table_filter.currentData()
        return AuditFilter(
            who=self.who.currentData(),
            since=self.since.date().toPython() if self.since_check.isChecked() else None,
            until=self.until.date().toPython() if self.until_check.isChecked() else None,
            tables=(table,) if table else None,
            actions=("delete",) if self.deletions_only.isChecked() else None,
            record=self._record)

    def _filtered(self) -> bool:
        f = self.current_filter()
        return any((f.who, f.since, f.until, f.tables, f.actions, f.record))

    def _filters_changed(self, *_args) -> None:
        if self._ctx is not None:
            self._reload()

    def _reload(self) -> None:
        from missiondesk.services import audit

        keep = self.current_entry()
        handle = self._ctx.handle
        flt = self.current_filter()
        self._total = audit.change_log(handle, flt, limit=0, count=True).total
        self.model.reset(lambda offset: audit.change_log(handle, flt, limit=PAGE,
                                                         offset=offset))
        row = 0
        if keep is not None:
            for i, e in enumerate(self.model.entries()):
                if e.id == keep.id:
                    row = i
                    break
        if self.model.rowCount():
            self.table.selectRow(row)
        else:
            self._show_entry(None)
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("{shown} of {total} entries").format(
            shown=self.model.rowCount(), total=self._total))
        self.more_button.setEnabled(self.model.has_more())

    def load_more(self) -> None:
        self.model.fetchMore()
        self._update_count()

    # --- one record's history ----------------------------------------------------------------

    def show_record(self, table: str, record_id: str, label: str | None = None) -> None:
        """Narrow the log to one record's history (other filters kept)."""
        self._record = (table, record_id)
        self.record_label.setText("<b>%s</b>" % _esc(self.tr("History of {record} ({desk})")
                                                      .format(record=label or record_id[:8],
                                                              desk=table_label(table))))
        self.record_bar.show()
        if self._ctx is not None:
            self._reload()

    def show_all(self) -> None:
        self._record = None
        self.record_bar.hide()
        if self._ctx is not None:
            self._reload()

    def _history_of_selected(self) -> None:
        e = self.current_entry()
        if e is not None:
            self.show_record(e.table, e.record_id, e.record_label)

    # --- selection and detail ------------------------------------------------------------------

    def current_entry(self):
        index = self.table.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_entry(self.model.entry_at(current.row()) if current.isValid() else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_mission = self._ctx is not None
        e = self.current_entry() if has_mission else None
        self.export_button.setEnabled(has_mission)
        self.history_button.setEnabled(e is not None and self._record is None)
        self.restore_button.setEnabled(e is not None and e.action == "delete"
                                       and e.record_deleted)
        self.purge_button.setEnabled(e is not None and e.record_deleted)
        self.more_button.setEnabled(has_mission and self.model.has_more())

    def _show_entry(self, e) -> None:
        if e is None and self._ctx is not None and self._total == 0:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("No change matches these filters.") if self._filtered() else
                self.tr("No change recorded yet: every edit made from now on appears here, "
                        "with who made it and when.")))
            return
        if e is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("Every change to the mission is recorded here: who, when, which "
                        "record, which field, from what to what. Select an entry to see "
                        "it in full; a deletion can be restored.")
                if self._ctx is not None else self.tr("No mission open.")))
            return
        t = self.tr
        rows = [(t("When (UTC)"), e.at.strftime("%Y-%m-%d %H:%M:%S")),
                (t("Who"), e.user_name or "\u2014"),
                (t("Desk"), table_label(e.table)),
                (t("Record"), (redacted_marker_text(e.record_label) or e.record_id)
                 + (" " + t("(deleted)") if e.record_deleted else "")),
                (t("Action"), audit_action_label(e.action))]
        if e.field:
            rows.append((t("Field"), field_label(e.field, e.table)))
        parts = ["<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:8px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), _esc(v)) for k, v in rows]
        parts.append("</table>")
        if e.action == "update" and not e.masked:
            parts.append("<h4 style='margin-bottom:2px'>%s</h4><p>%s</p>" % (
                _esc(t("Before")), _esc(_value_text(e.old_value, 4000))))
            parts.append("<h4 style='margin-bottom:2px'>%s</h4><p>%s</p>" % (
                _esc(t("After")), _esc(_value_text(e.new_value, 4000))))
        elif change_text(e):
            parts.append("<p><i>%s</i></p>" % _esc(change_text(e)))
        if e.action == "delete" and e.record_deleted:
            parts.append("<p>%s</p>" % _esc(t("This record is still deleted: Restore brings "
                                              "it back; Purge\u2026 deletes it for good.")))
        self.detail.setHtml("".join(parts))

    # --- restore and export ------------------------------------------------------------------

    def _show_undo_error(self, exc: MissionError) -> None:
        QMessageBox.warning(self, self.tr("Undo"), error_text(exc))

    def restore_selected(self) -> str | None:
        """Restore the record of the selected deletion (undoable); the refusal or None."""
        e = self.current_entry()
        if self._ctx is None or e is None or e.action != "delete":
            return None
        from missiondesk.services import audit

        command = DeleteRecordCommand(
            self._ctx, self.tr("Restore {record}").format(record=e.record_label or ""),
            record_id=e.record_id, revision=None,
            delete=lambda uow, rid, rev: audit.restore_deleted(uow, e.table, rid,
                                                               expected_revision=rev),
            restore=lambda uow, rid, rev: audit.delete_again(uow, e.table, rid,
                                                             expected_revision=rev),
            on_error=self._show_undo_error)
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            problem = error_text(exc)
            QMessageBox.warning(self, self.tr("Restore"), problem)
            return problem
        return None

    @staticmethod
    def confirm_purge(parent: QWidget | None, label: str) -> bool:
        """The last word before a purge (tests patch this)."""
        answer = QMessageBox.warning(
            parent, _tr("Purge"),
            _tr("Purge \u201c{record}\u201d for good? The record, its links (relationships, "
                "counterparts, assessments\u2026), its drafts, its search entries and the "
                "values in its history are deleted, here and in the automatic backups; the "
                "history keeps who purged it and when. This cannot be undone.").format(
                record=label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def purge_selected(self):
        """Purge the deleted record of the selected entry after a confirmation; the
        PurgeReport, or None when cancelled or refused (the refusal is shown)."""
        e = self.current_entry()
        if self._ctx is None or e is None or not e.record_deleted:
            return None
        from PySide6.QtGui import QGuiApplication

        from missiondesk.services.redaction import purge_everywhere
        from missiondesk.ui.audit.redact_dialog import reach_text

        label = redacted_marker_text(e.record_label) or e.record_id
        if not self.confirm_purge(self, label):
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = purge_everywhere(self._ctx.handle, e.table, e.record_id)
        except MissionError as exc:
            QMessageBox.warning(self, self.tr("Purge"), error_text(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._ctx.undo_stack.clear()  # its commands hold the purged values in memory
        text = " ".join(filter(None, [
            self.tr("\u201c{record}\u201d was purged: %n row(s) deleted.", "",
                    report.rows).format(record=label),
            reach_text(report)]))
        self.show_purge_report(text)
        return report

    def show_purge_report(self, text: str) -> None:
        QMessageBox.information(self, self.tr("Purge"), text)

    def export_headers(self) -> list[str]:
        return [self.tr("When (UTC)"), self.tr("Who"), self.tr("Desk"), self.tr("Record"),
                self.tr("Record id"), self.tr("Action"), self.tr("Field"), self.tr("Before"),
                self.tr("After")]

    def export_row(self, e) -> list:
        def value(v):
            if e.masked:
                return self.tr("(protected source: not shown)")
            if e.action == "redacted":
                return self.tr("(content redacted)")
            return _value_text(v, 32000) if v is not None else ""

        return [e.at, e.user_name or "", table_label(e.table), e.record_label or "",
                e.record_id, audit_action_label(e.action),
                field_label(e.field, e.table) if e.field else "",
                value(e.old_value) if e.action in ("update", "redacted") else "",
                value(e.new_value) if e.action in ("update", "redacted") else ""]

    def export_to(self, path: Path, fmt: str) -> Path:
        """Write the filtered log (every page, not only those loaded) to `path`."""
        from missiondesk.services import audit

        return audit.export_change_log(self._ctx.handle, path, fmt, self.current_filter(),
                                       headers=self.export_headers(),
                                       describe=self.export_row)

    def export_log(self) -> Path | None:
        if self._ctx is None:
            return None
        from missiondesk.ui.framework.table_export import _format_for, export_filters

        csv_filter, xlsx_filter = export_filters()
        suggested = "%s-%s.xlsx" % (self.tr("change-log"), date.today().isoformat())
        chosen, selected = QFileDialog.getSaveFileName(
            self, self.tr("Export"), suggested, ";;".join((csv_filter, xlsx_filter)),
            xlsx_filter)
        if not chosen:
            return None
        path, fmt = _format_for(Path(chosen), selected)
        try:
            return self.export_to(path, fmt)
        except OSError:
            QMessageBox.critical(self, self.tr("Export"), self.tr(
                "MissionDesk could not write {path}: check that the folder exists, that you "
                "may write there and that the file is not open in another program."
            ).format(path=path))
            return None
