"""The Leadership desk on the Carana demo (offscreen): the RACI matrix edited by typing a
letter (one undo step each, validation messages as you edit, a bad letter refused, a stale
undo refused), the stakeholder matrix, the Time tab's share and suggestions against the
service, members edited, the default portfolios added and undone, the handover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from missiondesk.services import leadership
from missiondesk.services.team import add_team_member
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.vocab import Classification
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.leadership.desk import LeadershipDesk
from missiondesk.ui.leadership.raci import ISSUE_COLOUR
from tests.conftest import PASSPHRASE


def _context(handle):
    bus = MissionBus()
    handle.add_listener(bus.relay)
    return MissionContext(handle, QUndoStack(), bus)


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk tester")
    yield _context(handle)
    handle.close()


def _open(qtbot, ctx, tab=LeadershipDesk.TEAM_TAB):
    desk = LeadershipDesk()
    qtbot.addWidget(desk)
    desk.resize(1366, 768)
    desk.tabs.setCurrentIndex(tab)
    desk.show()
    desk.attach(ctx)
    qtbot.waitUntil(lambda: not desk.busy(), timeout=20000)
    return desk


@pytest.fixture
def desk(qtbot, ctx):
    widget = _open(qtbot, ctx, LeadershipDesk.RACI_TAB)
    qtbot.waitUntil(lambda: widget.raci_page.portfolio_model.rowCount() > 0, timeout=20000)
    yield widget
    widget.detach()


def _cell(model, row_name, member_role, members):
    row = next(i for i in range(model.rowCount())
               if model.index(i, 0).data() == row_name)
    member = next(m for m in members if m.role == member_role)
    return model.index(row, model.member_column(member.id))


def _members(ctx):
    from missiondesk.services.team import list_team

    return list_team(ctx.handle)


def test_typing_a_letter_is_one_undo_step_and_validation_follows(desk, ctx, qtbot):
    page, model = desk.raci_page, desk.raci_page.portfolio_model
    assert page.issue_texts() == []          # the demo's RACI is sound
    cell = _cell(model, "Elections", "SRSG", _members(ctx))
    assert cell.data() == "I"
    page.portfolios.setCurrentIndex(cell)
    QTest.keyClick(page.portfolios, Qt.Key.Key_A)
    cell = _cell(model, "Elections", "SRSG", _members(ctx))
    assert cell.data() == "A"
    assert ctx.undo_stack.count() == 1
    texts = page.issue_texts()
    assert any(t.startswith("Elections: ") and "Marguerite Adjovi" in t
               and "Tomás Ferreira" in t and "exactly one" in t for t in texts), texts
    name = model.index(cell.row(), 0)
    assert name.data(Qt.ItemDataRole.ForegroundRole).color().name() == ISSUE_COLOUR
    # the SRSG is now accountable for 4 portfolios: over the default limit of 3
    assert any("Marguerite Adjovi is accountable for 4 portfolios" in t for t in texts)
    ctx.undo_stack.undo()
    assert _cell(model, "Elections", "SRSG", _members(ctx)).data() == "I"
    assert page.issue_texts() == []
    ctx.undo_stack.redo()
    assert _cell(model, "Elections", "SRSG", _members(ctx)).data() == "A"


def test_delete_blanks_a_cell_and_says_the_portfolio_has_no_accountable(desk, ctx):
    page, model = desk.raci_page, desk.raci_page.portfolio_model
    cell = _cell(model, "Elections", "DSRSG_POL", _members(ctx))
    assert cell.data() == "A"
    page.portfolios.setCurrentIndex(cell)
    QTest.keyClick(page.portfolios, Qt.Key.Key_Delete)
    assert _cell(model, "Elections", "DSRSG_POL", _members(ctx)).data() == ""
    assert "Elections: nobody is accountable (A); each portfolio needs exactly one." in \
        page.issue_texts()
    ctx.undo_stack.undo()
    assert _cell(model, "Elections", "DSRSG_POL", _members(ctx)).data() == "A"


def test_a_letter_that_is_not_raci_is_refused_with_a_message(desk, ctx):
    model = desk.raci_page.portfolio_model
    cell = _cell(model, "Elections", "CHIEF_OF_STAFF", _members(ctx))
    assert not model.setData(cell, "x")
    assert desk.raci_page.message.isVisibleTo(desk)
    assert "not a RACI letter" in desk.raci_page.message.text()
    assert ctx.undo_stack.count() == 0
    assert model.setData(cell, "c")              # lower case is the letter
    assert _cell(model, "Elections", "CHIEF_OF_STAFF", _members(ctx)).data() == "C"


def test_an_undo_over_a_cell_changed_since_is_refused(desk, ctx, monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: said.append(text))
    model = desk.raci_page.portfolio_model
    cell = _cell(model, "Elections", "CHIEF_JMAC", _members(ctx))
    assert model.setData(cell, "R")
    jmac = next(m for m in _members(ctx) if m.role == "CHIEF_JMAC")
    portfolio = next(r for r in leadership.raci_matrix(ctx.handle, letters={}).portfolios
                     if r.name == "Elections")
    with ctx.handle.unit_of_work() as uow:   # another desk (or colleague) changes it
        leadership.set_raci(uow, portfolio_id=portfolio.id, member_id=jmac.id, letter="C",
                            expected_revision=portfolio.revisions[jmac.id])
    ctx.undo_stack.undo()
    assert said and "changed since" in said[0]
    assert _cell(model, "Elections", "CHIEF_JMAC", _members(ctx)).data() == "C"


def test_the_stakeholder_matrix_edits_and_validates(desk, ctx, qtbot, qtmodeltester):
    page, model = desk.raci_page, desk.raci_page.stakeholder_model
    qtmodeltester.check(model)
    qtmodeltester.check(desk.raci_page.portfolio_model)
    row = next(i for i in range(model.rowCount())
               if model.index(i, 0).data() == "Mouvement de Libération de Carana-Sud (MLCS)")
    assert model.index(row, 1).data() == "A"      # its priority
    fc = next(m for m in _members(ctx) if m.role == "FORCE_COMMANDER")
    cell = model.index(row, model.member_column(fc.id))
    page.matrices.setCurrentIndex(1)
    page.stakeholders.setCurrentIndex(cell)
    QTest.keyClick(page.stakeholders, Qt.Key.Key_A)
    assert any(t.startswith("Mouvement de Libération de Carana-Sud (MLCS): ")
               and "keep one" in t for t in page.issue_texts())
    ctx.undo_stack.undo()
    assert not any("keep one" in t for t in page.issue_texts())


def test_time_tab_shows_the_share_of_the_service_and_suggestions(qtbot, ctx, tmp_path,
                                                               monkeypatch):
    desk = _open(qtbot, ctx, LeadershipDesk.TIME_TAB)
    page = desk.time_page
    page.preset.setCurrentIndex(page.preset.findData("365"))
    qtbot.waitUntil(lambda: desk.last_time_view is not None and not desk.busy()
                    and page.end.date().toPython() - page.start.date().toPython()
                    == timedelta(days=364), timeout=20000)
    qtbot.waitUntil(lambda: desk.last_time_view.allocation.start
                    == page.start.date().toPython()
                    and desk.last_time_view.suggestions is not None, timeout=20000)
    start, end = page.period()
    percent, target = leadership.srsg_share_for_brief(ctx.handle, start, end)
    text = page.share_label.text()
    assert "SRSG political share" in text and "%d %%" % percent in text
    assert "(target %d %%)" % target in text
    assert page.model.rowCount() >= 15
    srsg = next(page.model.row_at(i) for i in range(page.model.rowCount())
                if page.model.row_at(i).role == "SRSG")
    assert srsg.name == "Marguerite Adjovi" and srsg.total_minutes > 0
    items = [page.suggestions.item(i).text() for i in range(page.suggestions.count())]
    assert items[0].startswith("All together: ") and "from %d %%" % percent in items[0]
    chamber = [t for t in items if "Carana Chamber of Commerce and Industry" in t]
    assert chamber and "Ingrid Solberg (DSRSG / RC / HC)" in chamber[0]
    assert "would move the SRSG's political share from %d %%" % percent in chamber[0]
    for key in ("members", "share", "tiers"):
        assert not page.charts[key].pixmap().isNull()
    # the demo's portfolios serve the strategy's objectives: the SRSG's time by portfolio
    assert not page.charts["portfolios"].pixmap().isNull()
    srsg_hours = next(m for m in desk.last_time_view.allocation.members if m.role == "SRSG")
    assert any(pid is not None and minutes > 0
               for pid, minutes in srsg_hours.by_portfolio.items())
    # a portfolio given the objective of another (an undoable edit) counts the same hours
    portfolios = {p.name: p for p in leadership.list_portfolios(ctx.handle)}
    ddr, poc = portfolios["DDR and armed-group military contacts"], \
        portfolios["Protection of civilians"]
    assert ddr.objective_id is None and poc.objective_id is not None
    assert desk.actions.edit(ddr, {**ddr.values(), "objective_id": poc.objective_id}) is None
    qtbot.waitUntil(lambda: desk.last_time_view.suggestions is not None and not desk.busy()
                    and any(ddr.id in m.by_portfolio
                            for m in desk.last_time_view.allocation.members), timeout=20000)
    members = desk.last_time_view.allocation.members
    assert any(m.by_portfolio.get(poc.id) for m in members)
    assert all(m.by_portfolio.get(ddr.id) == m.by_portfolio.get(poc.id) for m in members)
    # the table exported is marked with the highest level of the period's engagements
    target = tmp_path / "hours.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSV (*.csv)"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    levels = desk.last_time_view.allocation.levels
    assert "CONFIDENTIAL" in levels
    assert lines[0] == "# " + Classification.highest(levels).value
    assert any(line.startswith("Marguerite Adjovi,") for line in lines)
    # a period that ends before it starts is said, not read
    page.end.setDate(page.start.date().addDays(-1))
    qtbot.waitUntil(lambda: "ends before it starts" in page.status.text())
    desk.detach()


def test_edit_member_role_and_active_is_undoable(qtbot, ctx):
    desk = _open(qtbot, ctx)
    page = desk.team_page
    row = next(i for i in range(page.team_model.rowCount())
               if page.team_model.row_at(i).name == "Mei Lin Tan")
    member = page.team_model.row_at(row)
    assert desk.submit_member(member, {**member.values(), "role": "CHIEF_OF_STAFF",
                                       "active": False}) is None
    edited = next(r for r in page.team_model.rows() if r.id == member.id)
    assert edited.role == "CHIEF_OF_STAFF" and not edited.active
    assert page.team_model.display(edited, "active") == "no"
    ctx.undo_stack.undo()
    back = next(r for r in page.team_model.rows() if r.id == member.id)
    assert back.role == "OTHER" and back.active
    assert desk.submit_member(back, {**back.values(), "name": " "}) == "Name is required."
    desk.detach()


def test_default_portfolios_are_offered_once_and_undone_in_one_step(qtbot, tmp_path):
    handle = create_mission(tmp_path / "new.mdesk", None, NewMission(name="New mission"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        add_team_member(uow, name="Head of Mission", role="SRSG")
        add_team_member(uow, name="Deputy Political", role="DSRSG_POL")
    ctx = _context(handle)
    try:
        desk = _open(qtbot, ctx)
        page = desk.team_page
        assert page.defaults_button.isEnabled() and page.empty_hint.isVisibleTo(desk)
        qtbot.mouseClick(page.defaults_button, Qt.MouseButton.LeftButton)
        assert page.portfolio_model.rowCount() == len(leadership.DEFAULT_PORTFOLIOS)
        first = page.portfolio_model.row_at(0)
        assert first.name == "Political strategy and top-tier engagement"
        assert page.portfolio_model.display(first, "accountable") == "Head of Mission"
        assert not page.defaults_button.isEnabled()
        assert ctx.undo_stack.count() == 1
        ctx.undo_stack.undo()
        assert page.portfolio_model.rowCount() == 0 and page.defaults_button.isEnabled()
        ctx.undo_stack.redo()
        assert page.portfolio_model.rowCount() == len(leadership.DEFAULT_PORTFOLIOS)
        # no portfolio serves an objective yet: the Time tab says how to link them
        desk.tabs.setCurrentIndex(LeadershipDesk.TIME_TAB)
        qtbot.waitUntil(lambda: desk.last_time_view is not None
                        and desk.last_time_view.suggestions is not None, timeout=20000)
        assert "no engagement of this period is linked" in \
            desk.time_page.charts["portfolios"].text()
        desk.detach()
    finally:
        handle.close()


def test_handover_lists_the_members_stakeholders_and_commitments(qtbot, ctx):
    desk = _open(qtbot, ctx, LeadershipDesk.HANDOVER_TAB)
    page = desk.handover_page
    page.member.setCurrentIndex(page.member.findText("Marguerite Adjovi (SRSG)"))
    qtbot.waitUntil(lambda: "handover" in page.view.toPlainText() and not desk.busy(),
                    timeout=20000)
    text = page.view.toPlainText()
    assert "Marguerite Adjovi, SRSG: handover" in text
    assert "Political strategy and top-tier engagement \u2014 Accountable" in text
    assert "General Zed" in text and "open commitment" in text
    desk.detach()
