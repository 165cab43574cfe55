"""Issue 9, defect 6: perception by community group can be entered, not only shown.

The stakeholder form has a perception-by-group editor (group, perception, evidence, a source
from the Sources register); each changed group is saved as a dated assessment (who, when),
undoable like the other assessments, and the detail panel shows it. On the Carana demo.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTabWidget

from missiondesk.services import stakeholders as service
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.stakeholders.desk import StakeholdersDesk
from missiondesk.ui.stakeholders.forms import StakeholderForm
from tests.conftest import PASSPHRASE


@pytest.fixture
def desk(qtbot, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Fatou Diallo")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    ctx = MissionContext(handle, QUndoStack(), bus)
    widget = StakeholdersDesk()
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    widget.attach(ctx)
    yield widget
    widget.detach()
    handle.close()


def _select(desk, prefix: str):
    row = next(r for r in desk.model.rows() if r.name.startswith(prefix))
    assert desk.select_stakeholder(row.id)
    return desk._detail


def _form(desk, qtbot) -> StakeholderForm:
    form = StakeholderForm(desk, [], detail=desk._detail, handle=desk._ctx.handle,
                           sources=desk._sources())
    qtbot.addWidget(form)
    return form


def test_the_form_has_a_perception_by_group_editor_with_the_sources(desk, qtbot):
    detail = _select(desk, "Mouvement Patriotique")
    form = _form(desk, qtbot)
    tabs = form.findChild(QTabWidget)
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert "Perception by Group" in titles
    editor = form.groups
    shown = {editor.table.item(r, 0).text() for r in range(editor.table.rowCount())}
    assert shown == {p.group_name for p in detail.perceptions}
    row = editor.add_row()
    sources = editor.table.cellWidget(row, 3)
    codes = [sources.itemText(i) for i in range(sources.count())]
    assert "SRC-001" in codes and len(codes) == 13  # (none) and the 12 demo sources
    assert form.group_perceptions() is None  # a blank line added: nothing changed


def test_a_group_perception_is_saved_as_a_dated_assessment_and_undone(desk, qtbot):
    detail = _select(desk, "Mouvement Patriotique")
    before = {p.group_name: p.perception for p in detail.perceptions}
    form = _form(desk, qtbot)
    editor = form.groups
    row = editor.add_row()
    editor.table.item(row, 0).setText("Displaced families in Amsa camps")
    perception = editor.table.cellWidget(row, 1)
    perception.setCurrentIndex(perception.findData("feared"))
    editor.table.item(row, 2).setText("Focus groups, March: fear of forced recruitment")
    source = editor.table.cellWidget(row, 3)
    source.setCurrentIndex(source.findText("SRC-004"))
    assert desk.submit_edit(form.changes(), form.group_perceptions()) is None

    now = desk._detail
    added = next(p for p in now.perceptions if p.group_name.startswith("Displaced"))
    assert added.perception == "feared" and added.source_code == "SRC-004"
    assert added.assessed_by == "Fatou Diallo" and added.assessed_on is not None
    text = desk.detail.toPlainText()
    assert "Displaced families in Amsa camps" in text and "SRC-004" in text
    assert "Fatou Diallo" in text

    # A second assessment of the same group keeps the first as its history.
    form = _form(desk, qtbot)
    editor = form.groups
    row = next(r for r in range(editor.table.rowCount())
               if editor.table.item(r, 0).text().startswith("Displaced"))
    combo = editor.table.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findData("mixed"))
    assert desk.submit_edit({}, form.group_perceptions()) is None
    now = desk._detail
    assert next(p for p in now.perceptions
                if p.group_name.startswith("Displaced")).perception == "mixed"
    assert [h.perception for h in now.perception_history
            if h.group_name.startswith("Displaced")] == ["feared"]
    assert "earlier: Feared" in desk.detail.toPlainText()

    undo = desk._ctx.undo_stack
    undo.undo()
    assert next(p for p in desk._detail.perceptions
                if p.group_name.startswith("Displaced")).perception == "feared"
    undo.undo()
    assert {p.group_name: p.perception for p in desk._detail.perceptions} == before
    undo.redo()
    assert any(p.group_name.startswith("Displaced") for p in desk._detail.perceptions)


def test_the_same_group_twice_is_refused_with_a_sentence(desk, qtbot):
    _select(desk, "Mouvement Patriotique")
    form = _form(desk, qtbot)
    for _ in range(2):
        row = form.groups.add_row()
        form.groups.table.item(row, 0).setText("Élders of Leppko")
    problem = desk.submit_edit({}, form.group_perceptions())
    assert problem is not None and "twice" in problem
    handle = desk._ctx.handle
    with pytest.raises(InvalidValue), handle.unit_of_work() as uow:
        service.record_group_perceptions(
            uow, desk._detail.id, expected_revision=desk._detail.revision,
            perceptions=[{"group_name": "Elders of Leppko", "perception": "trusted"},
                         {"group_name": "elders of leppko", "perception": "feared"}])


def test_a_new_stakeholder_can_be_created_with_its_groups(desk, qtbot, monkeypatch):
    from missiondesk.ui.stakeholders.forms import DuplicateWarning

    monkeypatch.setattr(DuplicateWarning, "confirm", classmethod(lambda cls, *a: True))
    form = StakeholderForm(desk, [], handle=desk._ctx.handle, sources=desk._sources())
    qtbot.addWidget(form)
    form.name.setText("Corma Boda-Boda Riders' Union")
    row = form.groups.add_row()
    form.groups.table.item(row, 0).setText("Corma market traders")
    combo = form.groups.table.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findData("accepted"))
    assert desk.submit_new(form.values(), form.stance_values(),
                       groups=form.group_perceptions()) is None
    assert desk._detail.name == "Corma Boda-Boda Riders' Union"
    assert [(p.group_name, p.perception) for p in desk._detail.perceptions] == [
        ("Corma market traders", "accepted")]
