"""File ▸ Import Stakeholders…: choose a table, map the columns, preview, import in one go.

`import_stakeholders(parent, handle, folder)` runs the whole flow. Each dialog has a
classmethod returning a plain value (`ColumnMappingDialog.ask`, `ImportPreviewDialog.ask`)
so tests can patch or drive it. The file is read, and the preview planned, off the GUI
thread behind a progress dialog that can cancel (a big or hostile file never freezes the
window). Nothing is written before the user presses Import; then the whole file is one
unit of work, applied off the GUI thread too (a cancel rolls everything back).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEventLoop,
    QModelIndex,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk import labels
from missiondesk.messages import (
    error_text,
    stakeholder_value_labels,
    table_problem_text,
)

if TYPE_CHECKING:
    from missiondesk.services.stakeholder_import import ImportPlan, PlannedRow
    from missiondesk.services.table_io import RawTable
    from missiondesk.store.handle import MissionHandle

ERROR_RED = "#b3261e"


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("ImportDialog", text, "", n)


def column_label(column: str) -> str:
    """What a known column holds, in words (the mapping dialog's choices)."""
    return {
        "name": _t("Name"),
        "aliases": _t("Aliases (separated by ; or |)"),
        "kind": _t("Kind"),
        "category": _t("Category"),
        "description": _t("Description"),
        "region": _t("Regions (separated by ; or |)"),
        "influence": _t("Influence (1\u20135)"),
        "interest": _t("Interest (1\u20135)"),
        "stance": _t("Stance on the peace process"),
        "stance_mission": _t("Stance toward the mission"),
        "perception": _t("Community perception"),
        "owner": _t("Owner (a team member\u2019s name)"),
        "tags": _t("Tags (separated by ; or |)"),
        "classification": _t("Classification"),
    }.get(column, column)


def field_short_label(field: str) -> str:
    """A stakeholder field as the preview names it."""
    return {
        "name": _t("name"), "aliases": _t("aliases"), "kind": _t("kind"),
        "category": _t("category"), "description": _t("description"), "regions": _t("regions"),
        "influence": _t("influence"), "interest": _t("interest"),
        "stance_peace": _t("stance"), "stance_mission": _t("stance toward the mission"),
        "perception": _t("perception"), "owner_id": _t("owner"), "tags": _t("tags"),
        "classification": _t("classification"),
    }.get(field, field)


def _sample(raw: RawTable, index: int, count: int = 3) -> str:
    values: list[str] = []
    for row in raw.rows:
        if index < len(row) and row[index].strip() and row[index].strip() not in values:
            values.append(" ".join(row[index].split())[:30])
            if len(values) == count:
                break
    return ", ".join(values)


class ColumnMappingDialog(QDialog):
    """Say what each column MissionDesk did not recognise holds, or ignore it."""

    def __init__(self, parent: QWidget | None, raw: RawTable, mapping: dict[int, str | None],
                 unknown: list[int], file_name: str = "") -> None:
        from missiondesk.services.stakeholder_import import KNOWN_COLUMNS, column_letter

        super().__init__(parent)
        self.setWindowTitle(_t("Import Stakeholders \u2014 Columns"))
        self._mapping = dict(mapping)
        self._unknown = list(unknown)
        self._raw = raw
        self.mapping: dict[int, str | None] | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(_t("MissionDesk does not recognise these columns of {file}: say what "
                          "each one holds, or leave it ignored.").format(
                              file=file_name or _t("the file")))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        known = [(column_letter(i), c) for i, c in sorted(mapping.items()) if c]
        if known:
            found = QLabel(_t("Already recognised: {columns}.").format(columns=", ".join(
                "%s \u2192 %s" % (letter, column_label(c)) for letter, c in known)))
            found.setWordWrap(True)
            layout.addWidget(found)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        for col, title in enumerate((_t("Column"), _t("Header in the file"), _t("Examples"),
                                     _t("Import as"))):
            head = QLabel("<b>%s</b>" % title)
            grid.addWidget(head, 0, col)
        taken = {c: column_letter(i) for i, c in mapping.items() if c}
        self.combos: dict[int, QComboBox] = {}
        for line, index in enumerate(unknown, start=1):
            header = raw.headers[index] if index < len(raw.headers) else ""
            grid.addWidget(QLabel(column_letter(index)), line, 0)
            grid.addWidget(QLabel(header or _t("(no header)")), line, 1)
            examples = _sample(raw, index) or "\u2014"
            sample = QLabel(examples)
            sample.setToolTip(examples)
            sample.setStyleSheet("color: #555;")
            # The examples give way (clipped at the right) so the choice is always visible.
            sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            sample.setMinimumWidth(120)
            grid.addWidget(sample, line, 2)
            combo = QComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(26)
            combo.addItem(_t("Ignore this column"), None)
            for column in KNOWN_COLUMNS:
                if column in taken:
                    combo.addItem(_t("{what} (already column {letter})").format(
                        what=column_label(column), letter=taken[column]), column)
                    item = combo.model().item(combo.count() - 1)
                    item.setEnabled(False)
                else:
                    combo.addItem(column_label(column), column)
            current = mapping.get(index)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            grid.addWidget(combo, line, 3)
            self.combos[index] = combo
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(len(unknown) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)

        self.error = QLabel()
        self.error.setStyleSheet("color: %s;" % ERROR_RED)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_t("Continue"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(680)
        self.resize(760, min(200 + 38 * len(unknown), 620))

    def choose(self, index: int, column: str | None) -> None:
        """Set what column `index` holds (tests and keyboard users)."""
        combo = self.combos[index]
        combo.setCurrentIndex(combo.findData(column) if column else 0)

    def _accept(self) -> None:
        from missiondesk.services.stakeholder_import import column_letter

        mapping = dict(self._mapping)
        for index, combo in self.combos.items():
            mapping[index] = combo.currentData()
        used: dict[str, list[int]] = {}
        for index, column in mapping.items():
            if column:
                used.setdefault(column, []).append(index)
        for column, indexes in used.items():
            if len(indexes) > 1:
                self.error.setText(_t("Columns {letters} are all imported as \u201c{what}\u201d: "
                                      "keep one.").format(
                    letters=", ".join(column_letter(i) for i in indexes),
                    what=column_label(column)))
                self.error.show()
                return
        if "name" not in used:
            self.error.setText(_t("One column must hold the stakeholders\u2019 names."))
            self.error.show()
            return
        self.mapping = mapping
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, raw: RawTable, mapping: dict[int, str | None],
            unknown: list[int], file_name: str = "") -> dict[int, str | None] | None:
        """The corrected mapping, or None when the user cancels."""
        dialog = cls(parent, raw, mapping, unknown, file_name)
        return dialog.mapping if dialog.exec() == QDialog.DialogCode.Accepted else None


def _value_text(field: str, value, owners: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return "\u2014"
    if isinstance(value, list | tuple):
        return "; ".join(map(str, value))
    if field == "owner_id":
        return owners.get(value, str(value))
    converters = {"kind": labels.kind_label, "category": labels.category_label,
                  "stance_peace": labels.peace_stance_label,
                  "stance_mission": labels.mission_stance_label,
                  "perception": labels.perception_label,
                  "classification": labels.classification_label}
    if field in converters:
        return converters[field](value)
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "\u2026"


class PlanModel(QAbstractTableModel):
    """The preview's rows: row number, what happens, name, the values that change."""

    HEADERS = ("Row", "Action", "Stakeholder", "Values")

    def __init__(self, rows: list[PlannedRow], owners: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = rows
        self._owners = owners
        self._actions = {"create": _t("New"), "update": _t("Update"),
                         "unchanged": _t("Unchanged"), "invalid": _t("Problem")}

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802 - Qt's name
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_t("Row"), _t("Action"), _t("Stakeholder"), _t("Values"))[section]
        return None

    def changes_text(self, planned: PlannedRow) -> str:
        if planned.action == "invalid":
            return _t("Not imported: see the problems of row {row}.").format(row=planned.row)
        parts = []
        for field, value in planned.changes.items():
            if field == "name":
                continue
            new = _value_text(field, value, self._owners)
            if planned.action == "update":
                old = _value_text(field, planned.previous.get(field), self._owners)
                parts.append("%s: %s \u2192 %s" % (field_short_label(field), old, new))
            else:
                parts.append("%s: %s" % (field_short_label(field), new))
        return ", ".join(parts)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        planned = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(planned.row)
            if column == 1:
                return self._actions.get(planned.action, planned.action)
            if column == 2:
                return planned.name
            return self.changes_text(planned)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self.changes_text(planned)
        if role == Qt.ItemDataRole.ForegroundRole and planned.action == "invalid":
            return QBrush(QColor(ERROR_RED))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _problem_place(p: dict) -> tuple[str, str]:
    row = str(p["row"]) if "row" in p else ""
    column = ""
    if p.get("column"):
        column = "%s (%s)" % (p.get("letter", ""), p["column"]) if p.get("letter") \
            else str(p["column"])
    return row, column


def _file_facts(raw: RawTable) -> str:
    encodings = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
                 "cp1252": "Windows-1252", "xlsx": _t("Excel workbook")}
    separators = {",": _t("commas"), ";": _t("semicolons"), "\t": _t("tabs")}
    facts = [_t("%n row(s)", len(raw.rows)), encodings.get(raw.encoding, raw.encoding)]
    if raw.delimiter:
        facts.append(_t("separated by {what}").format(
            what=separators.get(raw.delimiter, raw.delimiter)))
    if raw.classification:
        facts.append(_t("marked {level}").format(
            level=labels.classification_label(raw.classification)))
    return ", ".join(facts)


class ImportPreviewDialog(QDialog):
    """What the import will do, before anything is written; Import is offered only when the
    file has no problem."""

    def __init__(self, parent: QWidget | None, plan: ImportPlan, raw: RawTable,
                 file_name: str = "", owners: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Import Stakeholders \u2014 Preview"))
        layout = QVBoxLayout(self)
        facts = QLabel("<b>%s</b> \u2014 %s" % (file_name, _file_facts(raw)) if file_name
                       else _file_facts(raw))
        facts.setWordWrap(True)
        layout.addWidget(facts)
        creates = sum(1 for r in plan.rows if r.action == "create")
        updates = sum(1 for r in plan.rows if r.action == "update")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        if plan.problem_count:
            self.summary.setText(_t("Nothing can be imported: the file has %n problem(s). "
                                    "Correct the file and import it again.",
                                    plan.problem_count))
            self.summary.setStyleSheet("color: %s; font-weight: bold;" % ERROR_RED)
        elif creates or updates:
            self.summary.setText(_t("Import will create {new} and update {updated} "
                                    "stakeholder(s); {same} unchanged. Nothing is written "
                                    "until you press Import.").format(
                new=creates, updated=updates, same=plan.unchanged))
            self.summary.setStyleSheet("font-weight: bold;")
        else:
            self.summary.setText(_t("Every stakeholder in the file is already in the mission "
                                    "with the same values: there is nothing to import."))
            self.summary.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.problems = QTableWidget(len(plan.problems), 3)
        self.problems.setHorizontalHeaderLabels([_t("Row"), _t("Column"), _t("Problem")])
        for line, (code, params) in enumerate(plan.problems):
            row, column = _problem_place(params)
            cells = (row, column, table_problem_text(code, params, with_place=False))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.problems.setItem(line, col, item)
        self._table_style(self.problems, [60, 150])
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("QTableWidget::item { padding: 3px 4px; }")
        self.problems.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)  # at most MAX_PROBLEMS rows
        problems_page = self.problems_page = QWidget()  # a tab only when there are problems
        problems_layout = QVBoxLayout(problems_page)
        problems_layout.addWidget(self.problems)
        if plan.problem_count > len(plan.problems):
            problems_layout.addWidget(QLabel(_t("Showing the first {shown} of {total} "
                                                "problems.").format(
                shown=len(plan.problems), total=plan.problem_count)))
        self.model = PlanModel(plan.rows, owners or {}, self)
        self.rows = QTableView()
        self.rows.setModel(self.model)
        self._table_style(self.rows, [60, 90, 260])
        self.rows.verticalHeader().setDefaultSectionSize(
            self.rows.fontMetrics().height() + 8)
        if plan.problems:
            self.tabs.addTab(problems_page, _t("Problems (%n)", plan.problem_count))
        self.tabs.addTab(self.rows, _t("Rows (%n)", len(plan.rows)))
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(_t("Import"))
        self.import_button.setEnabled(not plan.problem_count and bool(creates or updates))
        if not self.import_button.isEnabled():
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 560)

    @staticmethod
    def _table_style(view, widths: list[int]) -> None:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # fixed: 10k rows
        for column, width in enumerate(widths):
            view.setColumnWidth(column, width)

    @classmethod
    def ask(cls, parent: QWidget | None, plan: ImportPlan, raw: RawTable, file_name: str = "",
            owners: dict[str, str] | None = None) -> bool:
        """True when the user presses Import."""
        dialog = cls(parent, plan, raw, file_name, owners)
        return dialog.exec() == QDialog.DialogCode.Accepted


class _Cancelled(Exception):
    pass


class ImportWorker(QThread):
    """Applies a plan in its own unit of work, off the GUI thread."""

    progressed = Signal(int, int)

    def __init__(self, handle: MissionHandle, plan: ImportPlan) -> None:
        super().__init__()
        self.handle = handle
        self.plan = plan
        self.counts: dict[str, int] | None = None
        self.error: BaseException | None = None
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        if self._cancel:
            raise _Cancelled()
        self.progressed.emit(done, total)

    def run(self) -> None:
        from missiondesk.services.stakeholder_import import apply_stakeholder_import

        try:
            with self.handle.unit_of_work() as uow:
                self.counts = apply_stakeholder_import(uow, self.plan, progress=self._progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self.error = exc


class TaskWorker(QThread):
    """Runs `work(progress)` off the GUI thread; `progress(done, total)` raises `_Cancelled`
    once `cancel()` was called, so the work stops at its next report."""

    progressed = Signal(int, int)

    def __init__(self, work) -> None:
        super().__init__()
        self.work = work
        self.result = None
        self.error: BaseException | None = None
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        if self._cancel:
            raise _Cancelled()
        self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            self.result = self.work(self._progress)
            if self._cancel:
                raise _Cancelled()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self.error = exc


def _wait_for(worker, progress: QProgressDialog, advanced) -> bool:
    """Run `worker` while the GUI keeps answering; False when the user cancelled. The
    worker's error is raised here, on the GUI thread."""
    progress.canceled.connect(worker.cancel)
    worker.progressed.connect(advanced, Qt.ConnectionType.QueuedConnection)
    loop = QEventLoop()
    worker.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        worker.start()
        loop.exec()
        worker.wait()
    finally:
        QGuiApplication.restoreOverrideCursor()
        progress.close()
        progress.deleteLater()
    if isinstance(worker.error, _Cancelled):
        return False
    if worker.error is not None:
        raise worker.error
    return True


def run_in_background(parent: QWidget | None, title: str, label: str, work):
    """`work(progress)`'s result, computed in a worker behind a progress dialog with
    Cancel; None when the user cancelled. Its errors are raised here, on the GUI thread."""
    worker = TaskWorker(work)
    progress = QProgressDialog(label, _t("Cancel"), 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setAutoClose(False)
    progress.setAutoReset(False)

    def advanced(done: int, total: int) -> None:
        if total > 0:
            progress.setMaximum(total)
            progress.setValue(min(done, total))

    if not _wait_for(worker, progress, advanced):
        return None
    return worker.result


def run_import(parent: QWidget | None, handle: MissionHandle,
               plan: ImportPlan) -> dict[str, int] | None:
    """Apply `plan` behind a progress dialog; the counts, or None if cancelled.

    Errors of the store (a stakeholder changed meanwhile, a full disk) are raised here, on
    the GUI thread, after everything was rolled back.
    """
    total = len(plan.creates) + len(plan.updates)
    worker = ImportWorker(handle, plan)
    progress = QProgressDialog(_t("Importing %n stakeholder(s)\u2026", total), _t("Cancel"),
                               0, max(total, 1), parent)
    progress.setWindowTitle(_t("Import Stakeholders"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    cancel_button = None

    def advanced(done: int, of: int) -> None:
        progress.setValue(done)
        if done >= of:
            progress.setLabelText(_t("Saving\u2026"))
            progress.setCancelButton(cancel_button)  # too late to cancel: hide the button

    if not _wait_for(worker, progress, advanced):
        return None
    return worker.counts


def summary_text(counts: dict[str, int], unchanged: int) -> str:
    """The status-bar sentence after an import."""
    return _t("Imported stakeholders: {created} new, {updated} updated, {same} "
              "unchanged.").format(created=counts.get("created", 0),
                                   updated=counts.get("updated", 0), same=unchanged)


def import_stakeholders(parent: QWidget | None, handle: MissionHandle,
                        folder: str = "") -> str | None:
    """The whole flow; returns the sentence for the status bar, or None if nothing was done.

    Problems are shown in the preview (by row and column) or, for a file that cannot be
    read at all, in one message; nothing is written unless the user presses Import.
    """
    from missiondesk.services import stakeholder_import as importer
    from missiondesk.services import table_io
    from missiondesk.services import team as team_service
    from missiondesk.store import errors

    title = _t("Import Stakeholders")
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, title, folder,
        _t("Tables (*.csv *.xlsx *.xlsm *.txt *.tsv);;CSV files (*.csv *.txt *.tsv);;"
           "Excel workbooks (*.xlsx *.xlsm);;All files (*)"))
    if not chosen:
        return None
    path = Path(chosen)
    cancelled = _t("Import cancelled: nothing was written.")
    try:
        raw = run_in_background(parent, title, _t("Reading {file}\u2026").format(
            file=path.name), lambda progress: table_io.read_table(path, progress))
    except errors.BadImport as exc:
        problems = exc.params.get("problems", [])
        QMessageBox.critical(parent, title, "\n".join(
            table_problem_text(code, params) for code, params in problems[:5]))
        return None
    if raw is None:
        return cancelled
    if not raw.rows:
        QMessageBox.critical(parent, title, table_problem_text("no_rows", {}))
        return None
    mapping = importer.map_headers(raw.headers)
    unknown = importer.unrecognised_headers(raw.headers)
    if unknown:
        mapping = ColumnMappingDialog.ask(parent, raw, mapping, unknown, path.name)
        if mapping is None:
            return None
    value_labels = stakeholder_value_labels()  # translated here, on the GUI thread
    try:
        plan = run_in_background(
            parent, title, _t("Checking %n row(s)\u2026", len(raw.rows)),
            lambda progress: importer.plan_stakeholder_import(
                handle, raw, mapping, labels=value_labels, progress=progress))
        if plan is None:
            return cancelled
        owners = {m.id: m.name for m in team_service.list_team(handle, active_only=False)}
    except errors.MissionError as exc:
        QMessageBox.critical(parent, title, error_text(exc))
        return None
    if not ImportPreviewDialog.ask(parent, plan, raw, path.name, owners):
        return None
    try:
        counts = run_import(parent, handle, plan)
    except errors.MissionError as exc:
        QMessageBox.critical(parent, title, error_text(exc) + " " + _t("Nothing was imported."))
        return None
    if counts is None:
        return cancelled
    return summary_text(counts, plan.unchanged)
