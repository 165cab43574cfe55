"""The desks' shared table model: Qt's model tester over it, and what a user notices of it —
paging in rows as the view scrolls, sorting that keeps the selected record, filtering, blanks
last. Each desk's own model is run through the model tester in that desk's tests."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from missiondesk.ui.framework.desk import record_table
from missiondesk.ui.framework.table_model import (
    ID_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    Page,
    RecordTableModel,
)


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    score: int | None
    classification: str = "UNCLASSIFIED"


class PeopleModel(RecordTableModel):
    COLUMNS = (Column("name", lambda: "Name", 120), Column("score", lambda: "Score", 60,
                                                            "right"))
    PAGE = 50

    def display(self, row: Row, key: str) -> str:
        if key == "name":
            return row.name
        return "" if row.score is None else str(row.score)

    def sort_key(self, row: Row, key: str):
        return row.name if key == "name" else row.score


def _rows(n: int) -> list[Row]:
    return [Row("id%04d" % i, "Person %04d" % i, None if i % 10 == 0 else (i * 37) % 101)
            for i in range(n)]


def test_in_memory_model_passes_the_model_tester(qtmodeltester):
    model = PeopleModel()
    model.set_rows(_rows(180))
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter(lambda r: r.score is None or r.score > 20)
    qtmodeltester.check(model)


def test_paged_model_passes_the_model_tester(qtmodeltester):
    rows = _rows(230)
    model = PeopleModel()
    model.set_source(lambda offset: Page(rows[offset:offset + 60], offset + 60 < len(rows)))
    qtmodeltester.check(model)


def test_a_long_register_is_given_to_the_view_a_page_at_a_time(qtbot):
    model = PeopleModel()
    model.set_rows(_rows(1000))
    assert model.rowCount() == 50 and model.shown_count() == 1000
    view = record_table(model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 50)
    # Selecting a record far down fetches it in rather than failing.
    assert model.row_of("id0999") == 999
    assert model.rowCount() == 1000
    assert model.data(model.index(999, 0), ID_ROLE) == "id0999"
    assert model.data(model.index(999, 0), ROW_ROLE).name == "Person 0999"


def test_a_paged_source_is_asked_for_more_only_as_the_user_scrolls(qtbot):
    asked: list[int] = []
    rows = _rows(500)

    def fetch(offset: int) -> Page:
        asked.append(offset)
        return Page(rows[offset:offset + 100], offset + 100 < len(rows))

    model = PeopleModel()
    model.set_source(fetch)
    assert asked == [0] and model.rowCount() == 100
    model.fetchMore(QModelIndex())
    assert asked == [0, 100] and model.rowCount() == 200
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 500 and asked[-1] == 400


def test_sorting_keeps_the_selected_record_selected(qtbot):
    model = PeopleModel()
    model.set_rows(_rows(40))
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.selectRow(7)
    chosen = model.row_at(7).id
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # what a header click asks the model
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert model.row_at(view.currentIndex().row()).id == chosen
    assert view.currentIndex().row() != 7


def test_blanks_sort_last_both_ways():
    model = PeopleModel()
    model.set_rows(_rows(30))
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(1, order)
        scores = [model.row_at(i).score for i in range(model.rowCount())]
        filled = [s for s in scores if s is not None]
        assert scores[-3:] == [None, None, None]
        assert filled == sorted(filled, reverse=order == Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 1), SORT_ROLE) == model.row_at(0).score


def test_filter_shows_fewer_rows_and_export_follows_it():
    model = PeopleModel()
    model.set_rows(_rows(30))
    model.set_filter(lambda r: r.name.endswith("7"))
    assert model.shown_count() == 3 and model.total_count() == 30
    headers, rows, levels = model.export_rows()
    assert headers == ["Name", "Score"]
    assert [r[0] for r in rows] == ["Person 0007", "Person 0017", "Person 0027"]
    assert levels == ["UNCLASSIFIED"] * 3
    model.set_filter(None)
    assert model.shown_count() == 30


def test_a_model_shown_in_a_scrolling_view_passes_the_model_tester(qtbot, qtmodeltester):
    """The view asks for more from inside endInsertRows; inserts never nest."""
    rows = _rows(2000)
    model = PeopleModel()
    model.set_rows(rows)
    view = record_table(model)
    qtbot.addWidget(view)
    view.resize(400, 2000)  # tall: the view keeps fetching to fill itself
    view.show()
    qtmodeltester.check(model)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 100)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.row_of("id1999") >= 0


class NotesModel(PeopleModel):
    COLUMNS = (Column("name", lambda: "Name", 150, elastic=True),
               Column("score", lambda: "Score", 60, "right"))


def test_the_elastic_column_takes_the_room_a_wide_screen_gives(qtbot):
    model = NotesModel()
    model.set_rows(_rows(20))
    view = record_table(model)
    qtbot.addWidget(view)
    header = view.horizontalHeader()
    view.resize(900, 300)
    view.show()
    qtbot.waitUntil(lambda: header.sectionSize(0) > 600)
    # nothing to scroll sideways: the two columns fill the viewport
    assert header.sectionSize(0) + header.sectionSize(1) <= view.viewport().width() + 1
    view.resize(180, 300)
    qtbot.waitUntil(lambda: header.sectionSize(0) == 150)  # never below its width
