"""File ▸ Import Stakeholders… and File ▸ Import Relationships…: one flow, parameterised by
the kind of record (`kinds.ImportKind`): choose a table, map the columns, preview, map the
values outside a vocabulary, import in one go.

`import_stakeholders(parent, handle, folder)` and `import_relationships(...)` run the whole
flow. Each dialog has a classmethod returning a plain value (`ColumnMappingDialog.ask`,
`ImportPreviewDialog.ask`) so tests can patch or drive it. The file is read, and the preview
planned, off the GUI thread behind a progress dialog that can cancel (a big or hostile file
never freezes the window). In the preview every value outside a vocabulary (a category such
as `individual:head_of_state`) is listed once with a choice of code; choosing one plans the
rows again, and the choice is remembered for the next file with the same headers
(`memory`). Nothing is written before the user presses Import; then the whole file is one
unit of work, applied off the GUI thread too (a cancel rolls everything back).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QThread, Signal
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
from missiondesk.messages import error_text, table_problem_text
from missiondesk.ui.framework.form import hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.framework.widgets import ERROR_COLOUR, error_label
from missiondesk.ui.importing.kinds import RELATIONSHIPS, STAKEHOLDERS, ImportKind

if TYPE_CHECKING:
    from missiondesk.services.table_io import RawTable
    from missiondesk.store.handle import MissionHandle

ERROR_RED = ERROR_COLOUR
#: value_map: {known column: {value as written: code, or None to leave it refused}}
ValueMap = dict[str, dict[str, str | None]]


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("ImportDialog", text, "", n)


def column_label(column: str, kind: ImportKind = STAKEHOLDERS) -> str:
    """What a known column holds, in words (the mapping dialog's choices)."""
    return kind.column_label(column)


def field_short_label(field: str, kind: ImportKind = STAKEHOLDERS) -> str:
    """A field as the preview names it."""
    return kind.field_label(field)


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
                 unknown: list[int], file_name: str = "",
                 kind: ImportKind = STAKEHOLDERS) -> None:
        from missiondesk.services.table_io import column_letter

        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(_t("{title} \u2014 Columns").format(title=kind.title()))
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
                "%s \u2192 %s" % (letter, kind.column_label(c)) for letter, c in known)))
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
            for column in kind.service.KNOWN_COLUMNS:
                if column in taken:
                    combo.addItem(_t("{what} (already column {letter})").format(
                        what=kind.column_label(column), letter=taken[column]), column)
                    item = combo.model().item(combo.count() - 1)
                    item.setEnabled(False)
                else:
                    combo.addItem(kind.column_label(column), column)
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

        self.error = error_label()
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
        from missiondesk.services.table_io import column_letter

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
                    what=self.kind.column_label(column)))
                self.error.show()
                return
        missing = [c for c in self.kind.required if c not in used]
        if missing:
            self.error.setText(self.kind.required_text(missing))
            self.error.show()
            return
        self.mapping = mapping
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, raw: RawTable, mapping: dict[int, str | None],
            unknown: list[int], file_name: str = "",
            kind: ImportKind = STAKEHOLDERS) -> dict[int, str | None] | None:
        """The corrected mapping, or None when the user cancels."""
        dialog = cls(parent, raw, mapping, unknown, file_name, kind)
        return dialog.mapping if dialog.exec() == QDialog.DialogCode.Accepted else None


class PlanModel(RecordTableModel):
    """The preview's rows: row number, what happens, the record, the values that change."""

    COLUMNS = (
        Column("row", lambda: _t("Row"), 60, "right"),
        Column("action", lambda: _t("Action"), 90),
        Column("record", lambda: _t("Record"), 260),
        Column("values", lambda: _t("Values"), 400),
    )
    #: A preview holds at most the importer's row cap; fixed row heights keep it cheap.
    PAGE = 100_000

    def __init__(self, rows: list, owners: dict[str, str], parent: QWidget | None = None,
                 kind: ImportKind = STAKEHOLDERS) -> None:
        super().__init__(parent)
        self.kind = kind
        self._owners = owners
        self._actions = {"create": _t("New"), "update": _t("Update"),
                         "unchanged": _t("Unchanged"), "invalid": _t("Problem")}
        self.set_rows(rows)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS) and self.COLUMNS[section].key == "record":
            return self.kind.record()
        return super().headerData(section, orientation, role)

    def row_id(self, planned) -> int:
        return planned.row

    def changes_text(self, planned) -> str:
        if planned.action == "invalid":
            return _t("Not imported: see the problems of row {row}.").format(row=planned.row)
        parts = []
        for field, value in planned.changes.items():
            if field in ("name", "source_id", "target_id", "type"):
                continue  # in the record's own column
            new = self.kind.value_text(field, value, self._owners)
            if planned.action == "update":
                old = self.kind.value_text(field, planned.previous.get(field), self._owners)
                parts.append("%s: %s \u2192 %s" % (self.kind.field_label(field), old, new))
            else:
                parts.append("%s: %s" % (self.kind.field_label(field), new))
        return ", ".join(parts)

    def display(self, planned, key: str) -> str:
        if key == "row":
            return str(planned.row)
        if key == "action":
            return self._actions.get(planned.action, planned.action)
        if key == "record":
            return self.kind.record_text(planned)
        return self.changes_text(planned)

    def sort_key(self, planned, key: str) -> Any:
        return planned.row if key == "row" else self.display(planned, key)

    def tooltip(self, planned, key: str) -> str | None:
        return self.display(planned, key) if key in ("record", "values") else None

    def foreground(self, planned, key: str) -> Any:
        return QBrush(QColor(ERROR_RED)) if planned.action == "invalid" else None


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


class ValueChoices(QTableWidget):
    """Every value of the file outside a vocabulary, once, with the code to import it as.

    `valueChosen(column, value, code)` is emitted when the user picks a code (None: leave
    the value refused)."""

    valueChosen = Signal(str, str, object)

    def __init__(self, kind: ImportKind, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.kind = kind
        self._vocabularies = kind.vocabularies()
        self._rows: list[tuple[str, str]] = []
        self.combos: dict[tuple[str, str], QComboBox] = {}
        self.setHorizontalHeaderLabels([_t("Column"), _t("Value in the file"), _t("Rows"),
                                        _t("Import as")])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 220, 50)):
            self.setColumnWidth(column, width)

    def values(self) -> list[tuple[str, str]]:
        """(column, value) of every row, in the order listed."""
        return list(self._rows)

    def show_values(self, plan, value_map: ValueMap) -> None:
        """List the plan's refused and mapped values (earlier ones stay listed)."""
        counts: dict[tuple[str, str], int] = {}
        for source in (plan.unknown_values, plan.mapped_values):
            for column, table in source.items():
                for value, count in table.items():
                    counts[(column, value)] = counts.get((column, value), 0) + count
        for column, table in value_map.items():
            for value in table:
                counts.setdefault((column, value), 0)
        for key in sorted(counts, key=lambda k: (k[0], k[1].casefold())):
            if key not in self.combos and key[0] in self._vocabularies:
                self._add_row(*key, (value_map.get(key[0]) or {}).get(key[1]))
        for line, key in enumerate(self._rows):
            self.item(line, 2).setText(str(counts.get(key, 0)))

    def _add_row(self, column: str, value: str, code: str | None) -> None:
        line = self.rowCount()
        self.insertRow(line)
        self._rows.append((column, value))
        column_item = QTableWidgetItem(self.kind.column_label(column))
        value_item = QTableWidgetItem(value)
        value_item.setToolTip(value)
        count_item = QTableWidgetItem("")
        count_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for col, item in enumerate((column_item, value_item, count_item)):
            self.setItem(line, col, item)
        combo = QComboBox()
        combo.addItem(_t("Leave refused"), None)
        for label, choice in self._vocabularies[column]:
            combo.addItem(label, choice)
        combo.setCurrentIndex(max(0, combo.findData(code)) if code else 0)
        combo.activated.connect(partial(self._chosen, column, value))
        self.setCellWidget(line, 3, combo)
        self.combos[(column, value)] = combo

    def _chosen(self, column: str, value: str, _index: int) -> None:
        self.valueChosen.emit(column, value, self.combos[(column, value)].currentData())

    def choose(self, column: str, value: str, code: str | None) -> None:
        """Pick the code for a value, as the user does (tests and keyboard users)."""
        combo = self.combos[(column, value)]
        combo.setCurrentIndex(combo.findData(code) if code else 0)
        combo.activated.emit(combo.currentIndex())


class ImportPreviewDialog(QDialog):
    """What the import will do, before anything is written; Import is offered only when the
    file has no problem. Values outside a vocabulary are listed once with a code to choose;
    choosing one plans the rows again (`replan(value_map)`, which returns the new plan or
    None when cancelled)."""

    def __init__(self, parent: QWidget | None, plan, raw: RawTable, file_name: str = "",
                 owners: dict[str, str] | None = None, *, kind: ImportKind = STAKEHOLDERS,
                 replan: Callable[[ValueMap], Any] | None = None,
                 value_map: ValueMap | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.plan = plan
        self._raw = raw
        self._replan = replan
        self.value_map: ValueMap = {c: dict(t) for c, t in (value_map or {}).items()}
        self.setWindowTitle(_t("{title} \u2014 Preview").format(title=kind.title()))
        layout = QVBoxLayout(self)
        facts = QLabel("<b>%s</b> \u2014 %s" % (file_name, _file_facts(raw)) if file_name
                       else _file_facts(raw))
        facts.setWordWrap(True)
        layout.addWidget(facts)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.values_page = QWidget(self)  # a tab only when there are values to map
        self.values_page.hide()
        values_layout = QVBoxLayout(self.values_page)
        values_layout.addWidget(hint_label(_t(
            "These values are not codes MissionDesk knows. Choose the code each one means: "
            "the rows holding it are checked again, and the choice is remembered for the "
            "next file with the same columns.")))
        self.value_choices = ValueChoices(kind)
        self.value_choices.valueChosen.connect(self._value_chosen)
        values_layout.addWidget(self.value_choices, 1)

        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([_t("Row"), _t("Column"), _t("Problem")])
        self._table_style(self.problems, [60, 150])
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("QTableWidget::item { padding: 3px 4px; }")
        self.problems.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)  # at most MAX_PROBLEMS rows
        self.problems_page = QWidget(self)  # a tab only when there are problems
        self.problems_page.hide()
        problems_layout = QVBoxLayout(self.problems_page)
        problems_layout.addWidget(self.problems)
        self.problems_more = QLabel()
        problems_layout.addWidget(self.problems_more)
        self.model = PlanModel([], owners or {}, self, kind)
        self.rows = QTableView()
        self.rows.setModel(self.model)
        self._table_style(self.rows, self.model.widths()[:3])
        self.rows.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.rows.verticalHeader().setDefaultSectionSize(
            self.rows.fontMetrics().height() + 8)
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(_t("Import"))
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 580)
        self.set_plan(plan)

    def set_plan(self, plan) -> None:
        """Show a (new) plan: summary, values, problems, rows and whether Import is offered."""
        self.plan = plan
        creates = sum(1 for r in plan.rows if r.action == "create")
        updates = sum(1 for r in plan.rows if r.action == "update")
        if plan.problem_count:
            if plan.unknown_values:
                text = _t("Nothing can be imported: the file has %n problem(s). Choose a code "
                          "for each unknown value, or correct the file and import it again.",
                          plan.problem_count)
            else:
                text = _t("Nothing can be imported: the file has %n problem(s). Correct the "
                          "file and import it again.", plan.problem_count)
            self.summary.setText(text)
            self.summary.setStyleSheet("color: %s; font-weight: bold;" % ERROR_RED)
        elif creates or updates:
            self.summary.setText(self._ready_text(creates, updates, plan.unchanged))
            self.summary.setStyleSheet("font-weight: bold;")
        else:
            self.summary.setText(self._nothing_text())
            self.summary.setStyleSheet("font-weight: bold;")

        self.value_choices.show_values(plan, self.value_map)
        self.problems.setRowCount(len(plan.problems))
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
        self.problems_more.setText(_t("Showing the first {shown} of {total} problems.").format(
            shown=len(plan.problems), total=plan.problem_count))
        self.problems_more.setVisible(plan.problem_count > len(plan.problems))
        self.model.set_rows(plan.rows)

        current = self.tabs.currentWidget()
        while self.tabs.count():
            self.tabs.removeTab(0)
        unknown = sum(len(t) for t in plan.unknown_values.values())
        if self.value_choices.rowCount():
            self.tabs.addTab(self.values_page, _t("Unknown values (%n)", unknown) if unknown
                             else _t("Values mapped"))
        if plan.problems:
            self.tabs.addTab(self.problems_page, _t("Problems (%n)", plan.problem_count))
        self.tabs.addTab(self.rows, _t("Rows (%n)", len(plan.rows)))
        if current is not None and self.tabs.indexOf(current) >= 0:
            self.tabs.setCurrentWidget(current)

        self.import_button.setEnabled(not plan.problem_count and bool(creates or updates))
        self.import_button.setDefault(self.import_button.isEnabled())
        self.cancel_button.setDefault(not self.import_button.isEnabled())

    def _ready_text(self, creates: int, updates: int, same: int) -> str:
        if self.kind.key == "relationships":
            text = _t("Import will create {new} and update {updated} relationship(s); {same} "
                      "unchanged. Nothing is written until you press Import.")
        else:
            text = _t("Import will create {new} and update {updated} stakeholder(s); {same} "
                      "unchanged. Nothing is written until you press Import.")
        return text.format(new=creates, updated=updates, same=same)

    def _nothing_text(self) -> str:
        if self.kind.key == "relationships":
            return _t("Every relationship in the file is already in the mission with the "
                      "same values: there is nothing to import.")
        return _t("Every stakeholder in the file is already in the mission with the same "
                  "values: there is nothing to import.")

    def _value_chosen(self, column: str, value: str, code: str | None) -> None:
        table = self.value_map.setdefault(column, {})
        if code:
            table[value] = code
        else:
            table.pop(value, None)
        if self._replan is None:
            return
        plan = self._replan({c: dict(t) for c, t in self.value_map.items() if t})
        if plan is not None:
            self.set_plan(plan)

    def map_value(self, column: str, value: str, code: str | None) -> None:
        """Choose the code of a value outside a vocabulary, as the user does."""
        self.value_choices.choose(column, value, code)

    def _accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        from missiondesk.ui.importing import memory

        memory.remember(self.kind.key, self._raw.headers, self.value_map)
        self.accept()

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
    def ask(cls, parent: QWidget | None, plan, raw: RawTable, file_name: str = "",
            owners: dict[str, str] | None = None, *, kind: ImportKind = STAKEHOLDERS,
            replan: Callable[[ValueMap], Any] | None = None,
            value_map: ValueMap | None = None):
        """The plan to apply when the user presses Import (the values mapped may have
        changed it), None when they cancel."""
        dialog = cls(parent, plan, raw, file_name, owners, kind=kind, replan=replan,
                     value_map=value_map)
        return dialog.plan if dialog.exec() == QDialog.DialogCode.Accepted else None


class _Cancelled(Exception):
    pass


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


class ImportWorker(TaskWorker):
    """Applies a plan in its own unit of work, off the GUI thread (a cancel rolls it back)."""

    def __init__(self, handle: MissionHandle, plan, kind: ImportKind = STAKEHOLDERS) -> None:
        def apply(progress) -> dict[str, int]:  # no reference to the thread: no cycle
            with handle.unit_of_work() as uow:
                return kind.apply(uow, plan, progress=progress)

        super().__init__(apply)
        self.handle = handle
        self.plan = plan
        self.kind = kind

    @property
    def counts(self) -> dict[str, int] | None:
        return None if self.error is not None else self.result


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


def run_import(parent: QWidget | None, handle: MissionHandle, plan,
               kind: ImportKind = STAKEHOLDERS) -> dict[str, int] | None:
    """Apply `plan` behind a progress dialog; the counts, or None if cancelled.

    Errors of the store (a record changed meanwhile, a full disk) are raised here, on the GUI
    thread, after everything was rolled back.
    """
    total = len(plan.creates) + len(plan.updates)
    worker = ImportWorker(handle, plan, kind)
    label = (_t("Importing %n relationship(s)\u2026", total) if kind.key == "relationships"
             else _t("Importing %n stakeholder(s)\u2026", total))
    progress = QProgressDialog(label, _t("Cancel"), 0, max(total, 1), parent)
    progress.setWindowTitle(kind.title())
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


def summary_text(counts: dict[str, int], unchanged: int,
                 kind: ImportKind = STAKEHOLDERS) -> str:
    """The status-bar sentence after an import."""
    if kind.key == "relationships":
        text = _t("Imported relationships: {created} new, {updated} updated, {same} "
                  "unchanged.")
    else:
        text = _t("Imported stakeholders: {created} new, {updated} updated, {same} "
                  "unchanged.")
    return text.format(created=counts.get("created", 0), updated=counts.get("updated", 0),
                       same=unchanged)


def import_stakeholders(parent: QWidget | None, handle: MissionHandle,
                        folder: str = "") -> str | None:
    """File ▸ Import Stakeholders…; the sentence for the status bar, or None."""
    return import_table(STAKEHOLDERS, parent, handle, folder)


def import_relationships(parent: QWidget | None, handle: MissionHandle,
                         folder: str = "") -> str | None:
    """File ▸ Import Relationships…; the sentence for the status bar, or None."""
    return import_table(RELATIONSHIPS, parent, handle, folder)


def import_table(kind: ImportKind, parent: QWidget | None, handle: MissionHandle,
                 folder: str = "") -> str | None:
    """The whole flow; returns the sentence for the status bar, or None if nothing was done.

    Problems are shown in the preview (by row and column) or, for a file that cannot be
    read at all, in one message; nothing is written unless the user presses Import.
    """
    from missiondesk.services import table_io
    from missiondesk.services import team as team_service
    from missiondesk.store import errors
    from missiondesk.ui.importing import memory

    importer = kind.service
    title = kind.title()
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
        mapping = ColumnMappingDialog.ask(parent, raw, mapping, unknown, path.name, kind=kind)
        if mapping is None:
            return None
    value_labels = kind.value_labels()  # translated here, on the GUI thread
    value_map = memory.remembered(kind.key, raw.headers, list(kind.vocabularies()))

    def plan_with(values: ValueMap):
        return run_in_background(
            parent, title, _t("Checking %n row(s)\u2026", len(raw.rows)),
            lambda progress: kind.plan(handle, raw, mapping, labels=value_labels,
                                       value_map=values, progress=progress))

    def replan(values: ValueMap):
        try:
            return plan_with(values)
        except errors.MissionError as exc:
            QMessageBox.critical(parent, title, error_text(exc))
            return None

    try:
        plan = plan_with(value_map)
        if plan is None:
            return cancelled
        owners = {m.id: m.name for m in team_service.list_team(handle, active_only=False)}
    except errors.MissionError as exc:
        QMessageBox.critical(parent, title, error_text(exc))
        return None
    plan = ImportPreviewDialog.ask(parent, plan, raw, path.name, owners, kind=kind,
                                   replan=replan, value_map=value_map)
    if plan is None:
        return None
    try:
        counts = run_import(parent, handle, plan, kind)
    except errors.MissionError as exc:
        QMessageBox.critical(parent, title, error_text(exc) + " " + _t("Nothing was imported."))
        return None
    if counts is None:
        return cancelled
    return summary_text(counts, plan.unchanged, kind)
