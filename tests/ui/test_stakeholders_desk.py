"""The Stakeholders desk driven as a leader would, on the Carana demo (offscreen)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.framework.table_model import ID_ROLE
from missiondesk.ui.stakeholders.desk import StakeholdersDesk
from missiondesk.ui.stakeholders.forms import DuplicateWarning, StakeholderForm
from tests.conftest import PASSPHRASE


@pytest.fixture
def desk(qtbot, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk Tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    ctx = MissionContext(handle, QUndoStack(), bus)
    widget = StakeholdersDesk()
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    widget.attach(ctx)
    yield widget
    widget.detach()
    handle.close()


def _names(desk) -> list[str]:
    return [row.name for row in desk.model.rows()]


def _type(desk, qtbot, text: str) -> None:
    desk.search.setText(text)
    qtbot.waitUntil(lambda: not desk._debounce.isActive(), timeout=2000)


def test_register_lists_the_demo_with_badges_and_priorities(desk):
    rows = desk.model.rows()
    assert len(rows) >= 40
    passeurs = next(r for r in rows if r.name.startswith("Les Passeurs"))
    assert passeurs.do_not_engage
    column = desk.model.column_of("flags")
    index = desk.model.index(desk.model.row_of(passeurs.id), column)
    assert "DO NOT ENGAGE" in desk.model.data(index)
    priority_column = desk.model.column_of("priority")
    text = desk.model.data(desk.model.index(desk.model.row_of(passeurs.id), priority_column))
    assert not text.startswith(("A", "B", "C", "D"))  # never ranked as a target
    ranked = [r for r in rows if r.priority.letter]
    assert ranked and all(":" in desk.model.display(r, "priority") for r in ranked)


def test_filter_as_you_type_over_names_and_aliases_ignoring_case_and_accents(desk, qtbot):
    _type(desk, qtbot, "mpc")
    assert "Mouvement Patriotique de Carana (MPC)" in _names(desk)
    _type(desk, qtbot, "ELISE")
    assert _names(desk) == ["Élise Ndaye, Minister of National Reconciliation"]
    _type(desk, qtbot, "no such actor anywhere")
    assert _names(desk) == []
    assert desk.count_label.text().startswith("0 of ")
    desk.search.clear()
    desk.apply_filter()
    assert len(_names(desk)) >= 40


def test_category_filter_and_sorting_on_columns(desk):
    index = desk.category_filter.findData("armed_group")
    desk.category_filter.setCurrentIndex(index)
    assert _names(desk) and all(r.category == "armed_group" for r in desk.model.rows())
    desk.category_filter.setCurrentIndex(0)
    column = desk.model.column_of("influence")
    desk.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    influences = [r.influence for r in desk.model.rows()]
    assert influences == sorted(influences, reverse=True)
    desk.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = _names(desk)
    elise = names.index("Élise Ndaye, Minister of National Reconciliation")
    # accents folded: É sorts among the E names, not after Z
    assert names[elise - 1][0] in "DEÉ" or names[elise + 1][0] in "EÉF"


def test_selecting_shows_the_detail_panel(desk):
    mpc = next(r for r in desk.model.rows() if r.name.startswith("Mouvement Patriotique"))
    assert desk.select_stakeholder(mpc.id)
    text = desk.detail.toPlainText()
    for heading in ("Profile", "Motivations", "Stance and perception", "Relationships",
                    "Engagements", "History", "Engagement priority"):
        assert heading in text
    assert "General Pea" in text or "Government" in text  # relationships name the other side


def test_create_with_validation_message_then_undo_and_redo(desk, monkeypatch):
    monkeypatch.setattr(DuplicateWarning, "confirm", classmethod(lambda cls, *a: True))
    values = StakeholderForm(desk, []).values()
    values["name"] = "   "
    problem = desk.submit_new(values)
    assert problem == "Name is required."
    before = desk.model.total_count()
    values["name"] = "Corma Boda-Boda Riders' Union"
    values["category"] = "youth_organization"
    assert desk.submit_new(values, {"stance_peace": "supportive", "stance_mission": "neutral",
                                "perception": "mixed"}) is None
    assert desk.model.total_count() == before + 1
    assert desk._detail.name == "Corma Boda-Boda Riders' Union"
    assert desk._detail.stance_peace == "supportive"
    desk._ctx.undo_stack.undo()
    assert desk.model.total_count() == before
    desk._ctx.undo_stack.redo()
    assert "Corma Boda-Boda Riders' Union" in _names(desk)


def test_duplicate_warning_before_creating(desk, monkeypatch):
    asked = []

    def confirm(cls, parent, name, similar):
        asked.append([s.name for s in similar])
        return False

    monkeypatch.setattr(DuplicateWarning, "confirm", classmethod(confirm))
    before = desk.model.total_count()
    values = StakeholderForm(desk, []).values()
    values["name"] = "MPC"
    problem = desk.submit_new(values)
    assert problem is not None
    assert asked and any("Mouvement Patriotique" in n for n in asked[0])
    assert desk.model.total_count() == before


def test_edit_is_undoable(desk):
    target = next(r for r in desk.model.rows() if r.name == "General Zed")
    desk.select_stakeholder(target.id)
    old = desk._detail.influence
    assert desk.submit_edit({"influence": 5 if old != 5 else 4}) is None
    assert desk._detail.influence != old
    desk._ctx.undo_stack.undo()
    desk.select_stakeholder(target.id)
    assert desk._detail.influence == old


def test_priority_override_shows_and_needs_a_reason(desk):
    target = next(r for r in desk.model.rows() if r.name == "General Zed")
    desk.select_stakeholder(target.id)
    computed = desk._detail.priority.letter
    letter = "D" if computed != "D" else "A"
    assert desk.override_priority(letter, None) is not None  # a reason is required
    assert desk.override_priority(letter, "SRSG decision after the Corma talks") is None
    row = next(r for r in desk.model.rows() if r.id == target.id)
    assert row.priority.letter == letter and row.priority.overridden
    assert "SRSG decision" in desk.model.display(row, "priority")
    desk._ctx.undo_stack.undo()
    row = next(r for r in desk.model.rows() if r.id == target.id)
    assert row.priority.letter == computed and not row.priority.overridden


def test_delete_then_undo_restores(desk, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    target = next(r for r in desk.model.rows() if r.name == "General Zed")
    desk.select_stakeholder(target.id)
    desk.delete_stakeholder()
    assert target.id not in [r.id for r in desk.model.rows()]
    desk._ctx.undo_stack.undo()
    assert target.id in [r.id for r in desk.model.rows()]


def test_grid_draws_the_filtered_stakeholders_and_a_click_selects(desk, qtbot):
    desk.views.setCurrentIndex(1)
    assert desk.grid.canvas is not None
    assert len(desk.grid.ids) == len(desk.model.rows())
    target = desk.grid.ids[3]

    class Pick:  # the event matplotlib sends when a point is clicked
        ind = [3]

    desk.grid.picked(Pick())
    assert desk.selected_id() == target
    assert desk._detail.id == target


def test_export_rows_follow_the_filter_and_carry_the_highest_classification(desk, qtbot):
    _type(desk, qtbot, "general")
    headers, rows, level = desk.export_rows()
    shown = desk.model.rows()
    assert headers[0] == "Name"
    assert 0 < len(rows) == len(shown) < desk.model.total_count()
    assert [r[0] for r in rows] == [s.name for s in shown]
    assert all("general" in s.search_key for s in shown)
    levels = {s.classification for s in shown}
    expected = ("STRICTLY CONFIDENTIAL" if "STRICTLY CONFIDENTIAL" in levels
                else "CONFIDENTIAL" if "CONFIDENTIAL" in levels else "UNCLASSIFIED")
    assert level == expected


def test_table_model_passes_qt_model_checks(qtmodeltester, desk):
    qtmodeltester.check(desk.model)


def test_relationships_tab_lists_both_directions_and_navigates(desk, qtbot):
    mpc = next(r for r in desk.model.rows() if r.name.startswith("Mouvement Patriotique"))
    desk.select_stakeholder(mpc.id)
    views = desk.relationships.model.rows()
    assert views, "the MPC has relationships in the demo"
    assert all(mpc.id in (v.source_id, v.target_id) for v in views)
    other_id = views[0].target_id if views[0].source_id == mpc.id else views[0].source_id
    desk.relationships.stakeholderActivated.emit(other_id)
    assert desk.selected_id() == other_id
    with qtbot.waitSignal(desk.showOnMapRequested) as signal:
        desk.map_button.click()
    assert signal.args == [other_id]


# --- the desk on the shared framework (session 3) ------------------------------------------


def _reattach(desk) -> None:
    ctx = desk._ctx
    desk.detach()
    desk.attach(ctx)


def test_the_register_pages_rows_in_and_selecting_one_further_down_fetches_it(
        desk, monkeypatch, qtmodeltester):
    monkeypatch.setattr(type(desk.model), "PAGE", 10, raising=False)
    _reattach(desk)
    model = desk.model
    assert model.rowCount() == 10 and model.canFetchMore()  # 10 of the demo's rows in the view
    assert desk.count_label.text() == "%d of %d stakeholders" % (model.shown_count(),
                                                                 model.total_count())
    last = model.rows()[-1]
    assert desk.select_stakeholder(last.id)
    assert desk._detail.id == last.id and model.rowCount() > 10
    index = desk.table.currentIndex()
    assert model.data(index, ID_ROLE) == last.id
    desk.table.sortByColumn(model.column_of("priority"), Qt.SortOrder.DescendingOrder)
    desk.category_filter.setCurrentIndex(desk.category_filter.findData("armed_group"))
    qtmodeltester.check(model)


def _drive_form(steps) -> list:
    """Run `steps(form, save)` on the modal form once it shows; what it returned."""
    seen: list = []

    def act() -> None:
        form = QApplication.activeModalWidget()
        if form is None:
            QTimer.singleShot(20, act)
            return
        save = form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        seen.extend(steps(form, save))
        QTimer.singleShot(0, lambda: shiboken6.isValid(form) and form.isVisible()
                          and form.reject())

    QTimer.singleShot(0, act)
    return seen


def test_save_keeps_the_form_open_with_the_reason_until_the_service_accepts(desk,
                                                                             monkeypatch):
    monkeypatch.setattr(DuplicateWarning, "confirm", classmethod(lambda cls, *a: True))

    def steps(form, save):
        form.name.setText("   ")
        save.click()
        refused = (form.isVisible(), form.error.text())
        form.name.setText("Corma Boda-Boda Riders' Union")
        save.click()
        return [refused, form.isVisible()]

    seen = _drive_form(steps)
    desk.new_stakeholder()
    assert seen == [(True, "Name is required."), False]
    assert desk._detail.name == "Corma Boda-Boda Riders' Union"
    assert desk._ctx.undo_stack.undoText() == "New stakeholder Corma Boda-Boda Riders' Union"


def test_a_priority_override_without_a_reason_stays_open_and_says_so(desk):
    target = next(r for r in desk.model.rows() if r.name == "General Zed")
    desk.select_stakeholder(target.id)
    letter = "D" if desk._detail.priority.letter != "D" else "A"

    def steps(form, save):
        form.letter.setCurrentIndex(form.letter.findData(letter))
        save.click()
        refused = (form.isVisible(), bool(form.error.text()))
        form.reason.setText("SRSG decision after the Corma talks")
        save.click()
        return [refused, form.isVisible()]

    seen = _drive_form(steps)
    desk.set_priority()
    assert seen == [(True, True), False]
    row = next(r for r in desk.model.rows() if r.id == target.id)
    assert row.priority.letter == letter and row.priority.overridden
    assert desk._ctx.undo_stack.undoText() == "Priority of General Zed"


def test_the_desk_alone_fits_beside_the_navigation_of_a_laptop(desk, qtbot):
    desk.resize(1366 - 190, 700)
    qtbot.waitUntil(lambda: desk.width() == 1366 - 190)
    assert desk.minimumSizeHint().width() <= 1366 - 190
    for widget in (desk.detail, desk.export_button, desk.new_button, desk.redact_button,
                   desk.count_label, desk.search, desk.map_button):
        assert widget.isVisible() and widget.mapTo(desk, widget.rect().bottomRight()).x() \
            <= desk.width(), type(widget).__name__
    assert desk.detail.width() >= 260
