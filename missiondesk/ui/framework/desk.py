"""The list–detail desk: a register on the left, what the selected record says on the right.

A desk built on `ListDetailDesk` gives its model (a `RecordTableModel`), the tables whose
changes it shows (`WATCHED`) and three things of its own: `load(ctx)` (the rows, from its
service), `show_detail(row)` and, when it has more buttons than New/Edit/Delete,
`update_buttons()`. The base does the mission's lifecycle (attach, detach, reload on a change
of a watched table while keeping the selection), the table's look (fixed row heights, elided
text, sorting in the model), the splitter that lets a laptop screen give room to either side,
the count of rows and Export of the rows as shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from missiondesk.ui.framework.table_model import RecordTableModel

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext


def record_table(model: RecordTableModel, *, row_height: int = 24,
                 sortable: bool = True) -> QTableView:
    """A register's table: whole rows selected one at a time, fixed row heights (a keystroke
    costs only the visible rows), long text elided, sorting in the model."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(model.widths()):
        header.resizeSection(column, width)
    if sortable:
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    elastic = model.elastic_column()
    if elastic is not None:
        table._elastic = _ElasticColumn(table, elastic, model.widths()[elastic])
    return table


class _ElasticColumn(QObject):
    """Gives one column the width the others leave whenever the table is resized."""

    def __init__(self, table: QTableView, column: int, minimum: int) -> None:
        super().__init__(table)
        self._table = table
        self._column = column
        self._minimum = minimum
        table.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        header = self._table.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count())
                     if i != self._column and not header.isSectionHidden(i))
        if header.stretchLastSection() and self._column != header.count() - 1:
            # the stretched last section would take the room back: count it at its default
            last = header.count() - 1
            others += self._table.model().widths()[last] - header.sectionSize(last)
        header.resizeSection(self._column,
                             max(self._minimum, self._table.viewport().width() - others))


def filter_combo(everything: str, items: Iterable[tuple[str, Any]]) -> QComboBox:
    """A filter: "All …" (None) then (label, code) pairs; it shrinks on a laptop screen and
    its list still opens at full width."""
    combo = QComboBox()
    combo.addItem(everything, None)
    for label, code in items:
        combo.addItem(label, code)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
    combo.setToolTip(everything)
    return combo


class ListDetailDesk(QWidget):
    """A register and the selected record's detail, over an open mission."""

    #: Tables whose changes can alter what this desk shows.
    WATCHED: tuple[str, ...] = ()
    #: The detail panel's starting share of the width.
    SIZES = (960, 400)

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None, *,
                 row_height: int = 24, detail: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._current: Any = None
        self.model = model
        self.filters = QHBoxLayout()    # spans the desk, above the splitter
        self.toolbar = QHBoxLayout()    # the buttons over the register
        self.count_label = QLabel()
        self.table = record_table(model, row_height=row_height)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._model_reset)
        if detail is None:
            detail = QTextBrowser()
            detail.setOpenLinks(False)
            detail.setMinimumWidth(280)
        self.detail = detail

        self.list_panel = QWidget()
        self.list_layout = QVBoxLayout(self.list_panel)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.addLayout(self.toolbar)
        self.list_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes(list(self.SIZES))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self.filters)
        layout.addWidget(self.splitter, 1)

    # --- what a desk defines ---------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        """The register's rows, from the desk's service (in-memory registers; the base has
        none). A register paged in SQL gives `self.model.set_source` in `refresh` instead."""
        return []

    def show_detail(self, row: Any) -> None:
        """Show the selected row (None: nothing selected, or no mission)."""

    def update_buttons(self) -> None:
        """Enable what applies to the mission and the selection."""

    def count_text(self) -> str:
        shown, total = self.model.shown_count(), self.model.total_count()
        if shown == total:
            return self.tr("%n record(s)", "", total)
        return self.tr("{shown} of {total}").format(shown=shown, total=total)

    def on_attached(self, ctx: MissionContext) -> None:
        """After the mission is attached and the rows loaded."""

    def on_detached(self) -> None:
        """After the mission closed and the rows are gone."""

    # --- what a desk uses ------------------------------------------------------------------

    @property
    def ctx(self) -> MissionContext | None:
        return self._ctx

    def add_buttons(self, *buttons: QPushButton, stretch: bool = False) -> None:
        for button in buttons:
            self.toolbar.addWidget(button)
        if stretch:
            self.toolbar.addStretch(1)

    def button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def placeholder(self, select: str, empty: str) -> str:
        """What the detail says when no record is selected: `empty` when the register has
        none yet, `select` when there are some to choose from."""
        if self._ctx is None:
            return self.tr("No mission open.")
        if self.model.total_count() == 0:
            return empty
        if self.model.shown_count() == 0:
            return self.tr("No record matches the filters.")
        return select

    # --- the writes every register has (through `self.actions`, a RecordActions) ---------

    actions = None  # a desk sets its RecordActions here

    def create_and_select(self, values: dict, **options) -> str | None:
        """Create a record from a form (undoable) and select it; the refusal's sentence."""
        problem = self.actions.create(values, **options)
        if problem is None:
            self.select_id(self.actions.last_created_id)
        return problem

    def confirm_delete(self, record: Any, title: str, question: str, **options) -> bool:
        """Ask, then delete (undoable); a refusal is shown. True when deleted."""
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return False
        problem = self.actions.delete(record, **options)
        if problem:
            QMessageBox.warning(self, title, problem)
        return problem is None

    def redact(self, table: str, record: Any) -> None:
        """Redact… a field of `record` (from its form, drafts and change-log history)."""
        if self._ctx is None or record is None:
            return
        from missiondesk.ui.audit.redact_dialog import field_choices, redact_field

        redact_field(self, self._ctx, table, record.id, field_choices(table, record))

    def current_row(self) -> Any:
        return self._current

    def current_id(self) -> Any:
        return self.model.row_id(self._current) if self._current is not None else None

    def select_id(self, record_id: Any) -> bool:
        """Select a record (fetching it into the view if needed); False if not shown."""
        row = self.model.row_of(record_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def refresh(self) -> None:
        """Reload the rows from the service and keep the selected record."""
        if self._ctx is None:
            return
        keep = self.current_id()
        self.model.set_rows(self.load(self._ctx))
        self._reselect(keep)

    def _reselect(self, keep: Any) -> None:
        if not self.select_id(keep) and self.model.rowCount() > 0:
            self.table.selectRow(0)
        self._current = self.model.row_at(self.table.currentIndex().row()) \
            if self.table.currentIndex().isValid() else None
        self.count_label.setText(self.count_text() if self._ctx is not None else "")
        self.show_detail(self._current)
        self.update_buttons()

    def export_view(self, file_name: str) -> None:
        """Export the rows as shown (the filter and sort applied) to a spreadsheet."""
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, levels = self.model.export_rows()
        export_rows(self, file_name, headers, rows, levels)

    # --- the mission's lifecycle ------------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.refresh()
        self.on_attached(ctx)

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._current = None
        self.model.clear()
        self.count_label.clear()
        self.on_detached()
        self.show_detail(None)
        self.update_buttons()

    def _on_changed(self, changed) -> None:
        if changed.touches(*self.WATCHED):
            self.refresh()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._current = self.model.row_at(current.row()) if current.isValid() else None
        self.show_detail(self._current)
        self.update_buttons()

    def _model_reset(self) -> None:
        self._current = None
