"""One table model for every desk's register.

A desk's model says what its columns are and how a row reads in each (`display`, and when it
matters `sort_key`, `tooltip`, `foreground`, `font`, `alignment`); the base does the rest the
same way everywhere:

- rows come from a service, never from a query here: `set_rows(rows)` for a register the
  service loads whole, or `set_source(fetch)` for one it pages (`fetch(offset)` returns a
  `Page`), the audit trail and the engagement log;
- sorting (`sort`, what a click on a header calls) and filtering (`set_filter`) run in the
  model over the loaded rows, through `order_rows` (a desk may hand it to its service's pure
  sort) and a predicate; a paged register sorts and filters in its service instead;
- rows reach the view a page at a time through `canFetchMore`/`fetchMore`, so 200,000 rows cost
  only what is on screen;
- custom roles: `ROW_ROLE` (the row object), `ID_ROLE` (its id), `SORT_ROLE` (its sort key).

`tests/ui/test_table_models.py` runs Qt's model tester over every desk's model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

_CENTER = Qt.AlignmentFlag.AlignCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One column: its key (what `display` switches on), its header (translated when asked),
    its starting width and its alignment. An `elastic` column (one per register: the name or
    the free text) takes the width the others leave, never less than `width`, so a wide screen
    shows more of it and a laptop screen scrolls only when it must."""

    key: str
    title: Callable[[], str]
    width: int = 100
    align: str = "left"  # "left", "center" or "right"
    elastic: bool = False


@dataclass(frozen=True)
class Page:
    """What a paged source returns: the rows from an offset, and whether more follow."""

    rows: Sequence[Any]
    has_more: bool


def _missing_last(value: Any) -> tuple:
    """Sort key wrapper: blanks (None, "") after every value, whatever the direction."""
    if value is None or value == "":
        return (1, "")
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)


class RecordTableModel(QAbstractTableModel):
    """Rows from a service, sorted and filtered here, shown a page at a time."""

    #: The columns, in order; a desk's model sets them.
    COLUMNS: Sequence[Column] = ()
    #: Rows handed to the view per fetchMore.
    PAGE = 400

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list = []        # every row the service gave (in-memory registers)
        self._shown: list = []      # filtered and sorted
        self._loaded = 0            # how many of _shown the view has been given
        self._filter: Callable[[Any], bool] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._fetch: Callable[[int], Page] | None = None
        self._source_has_more = False
        self._inserting = False

    # --- what a desk's model defines -------------------------------------------------------

    def display(self, row: Any, key: str) -> str:
        """The cell's text: the row's attribute named by the column's key; a model turns
        codes into words by overriding it."""
        value = getattr(row, key, None)
        return "" if value is None else str(value)

    def sort_key(self, row: Any, key: str) -> Any:
        """What a column sorts by; the displayed text unless a model says otherwise."""
        return self.display(row, key)

    def tooltip(self, row: Any, key: str) -> str | None:
        return None

    def foreground(self, row: Any, key: str) -> Any:
        return None

    def background(self, row: Any, key: str) -> Any:
        return None

    def font(self, row: Any, key: str) -> Any:
        return None

    def row_id(self, row: Any) -> Any:
        return getattr(row, "id", None)

    def order_rows(self, rows: list, key: str, descending: bool) -> list:
        """The rows sorted on a column; blanks last either way. A model may hand this to
        its service's pure sort."""
        filled = [r for r in rows if _missing_last(self.sort_key(r, key))[0] == 0]
        blank = [r for r in rows if _missing_last(self.sort_key(r, key))[0] == 1]
        filled.sort(key=lambda r: _missing_last(self.sort_key(r, key)), reverse=descending)
        return filled + blank

    # --- what the desk calls ---------------------------------------------------------------

    def headers(self) -> list[str]:
        return [c.title() for c in self.COLUMNS]

    def keys(self) -> list[str]:
        return [c.key for c in self.COLUMNS]

    def column_of(self, key: str) -> int:
        return self.keys().index(key)

    def widths(self) -> list[int]:
        return [c.width for c in self.COLUMNS]

    def elastic_column(self) -> int | None:
        return next((i for i, c in enumerate(self.COLUMNS) if c.elastic), None)

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Every row of an in-memory register; keeps the sort and the filter."""
        self.beginResetModel()
        self._fetch = None
        self._source_has_more = False
        self._all = list(rows)
        self._shown = self._arranged(self._all)
        self._loaded = min(len(self._shown), self.PAGE)
        self.endResetModel()

    def set_source(self, fetch: Callable[[int], Page] | None) -> None:
        """A paged register: `fetch(offset) -> Page`, already sorted and filtered by its
        service. None empties the model."""
        self.beginResetModel()
        self._fetch = fetch
        self._all = []
        self._shown = []
        self._source_has_more = False
        if fetch is not None:
            page = fetch(0)
            self._shown = list(page.rows)
            self._source_has_more = page.has_more and bool(page.rows)
        self._loaded = len(self._shown)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def set_filter(self, predicate: Callable[[Any], bool] | None) -> None:
        """Show only the rows the predicate keeps (None: all); the sort is kept."""
        self._filter = predicate
        if self._fetch is not None:
            return
        self.beginResetModel()
        self._shown = self._arranged(self._all)
        self._loaded = min(len(self._shown), max(self.PAGE, self._loaded))
        self.endResetModel()

    def total_count(self) -> int:
        """Rows the service gave (before the filter)."""
        return len(self._all) if self._fetch is None else len(self._shown)

    def shown_count(self) -> int:
        """Rows that pass the filter (some may not be fetched into the view yet)."""
        return len(self._shown)

    def has_more(self) -> bool:
        return self.canFetchMore()

    def rows(self) -> list:
        """Every row that passes the filter, in the shown order (for exports and figures)."""
        return list(self._shown)

    def row_at(self, row: int) -> Any:
        return self._shown[row] if 0 <= row < self._loaded else None

    def row_of(self, record_id: Any) -> int:
        """The view row of a record, fetching it in if it is further down; -1 if absent."""
        if record_id is None:
            return -1
        for i, r in enumerate(self._shown):
            if self.row_id(r) == record_id:
                if i >= self._loaded and not self._inserting:
                    self._inserting = True
                    try:
                        self.beginInsertRows(QModelIndex(), self._loaded, i)
                        self._loaded = i + 1
                        self.endInsertRows()
                    finally:
                        self._inserting = False
                return i
        return -1

    def refresh_column(self, key: str) -> None:
        """A column reads differently (a display setting changed)."""
        if self._loaded:
            column = self.column_of(key)
            self.dataChanged.emit(self.index(0, column), self.index(self._loaded - 1, column))

    def export_rows(self) -> tuple[list[str], list[list[str]], list[str]]:
        """(headers, every shown row as text, each row's classification) for Export."""
        keys = self.keys()
        rows = self.rows()
        return (self.headers(), [[self.display(r, k) for k in keys] for r in rows],
                [getattr(r, "classification", None) or "" for r in rows])

    # --- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid():
            return False
        return self._loaded < len(self._shown) or (self._fetch is not None
                                                   and self._source_has_more)

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        # A view may ask again from inside endInsertRows (its layout); one insert at a time.
        if self._inserting or not self.canFetchMore(parent):
            return
        if self._loaded >= len(self._shown) and self._fetch is not None:
            page = self._fetch(len(self._shown))
            self._shown.extend(page.rows)
            self._source_has_more = page.has_more and bool(page.rows)
        # A page from a paged source is shown whole; an in-memory register a PAGE at a time.
        end = len(self._shown) if self._fetch is not None else \
            min(len(self._shown), self._loaded + self.PAGE)
        if end > self._loaded:
            self._inserting = True
            try:
                self.beginInsertRows(QModelIndex(), self._loaded, end - 1)
                self._loaded = end
                self.endInsertRows()
            finally:
                self._inserting = False

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS)
                and role == Qt.ItemDataRole.DisplayRole):
            return self.COLUMNS[section].title()
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._loaded \
                or not 0 <= index.column() < len(self.COLUMNS):
            return None
        r = self._shown[index.row()]
        column = self.COLUMNS[index.column()]
        key = column.key
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, key)
        if role == ROW_ROLE:
            return r
        if role == ID_ROLE:
            return self.row_id(r)
        if role == SORT_ROLE:
            return self.sort_key(r, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(r, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(r, key)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(r, key)
        if role == Qt.ItemDataRole.FontRole:
            return self.font(r, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align != "left":
            return int(_CENTER if column.align == "center" else _RIGHT)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS) or self._sort == (column, order):
            return  # rows are kept in the current order: the same request twice is one sort
        self._sort = (column, order)
        if self._fetch is not None:
            return
        self._inserting = True  # no fetchMore until every view has the new layout
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self.row_id(self._shown[i.row()]), i.column()) for i in before]
        self._shown = self._arranged(self._all)
        where = {self.row_id(r): n for n, r in enumerate(self._shown[:self._loaded])}
        self.changePersistentIndexList(
            before, [self.index(where[rid], col) if rid in where else QModelIndex()
                     for rid, col in kept])
        try:
            self.layoutChanged.emit()
        finally:
            self._inserting = False

    # --- inside ----------------------------------------------------------------------------

    def _arranged(self, rows: list) -> list:
        shown = [r for r in rows if self._filter(r)] if self._filter is not None else list(rows)
        if self._sort is not None:
            column, order = self._sort
            shown = self.order_rows(shown, self.COLUMNS[column].key,
                                    order == Qt.SortOrder.DescendingOrder)
        return shown
