"""The relationship form and the relationships panel (offscreen): validation sentences in the
form, create and edit through undo commands, both directions listed, double-click to go."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.relationships.dialog import (
    RelationshipDialog,
    RelationshipsPanel,
    RelationshipTableModel,
)


@pytest.fixture
def ctx(plain_mission):
    bus = MissionBus()
    plain_mission.add_listener(bus.relay)
    with plain_mission.unit_of_work() as uow:
        for name in ("Armée Nationale", "Front Patriotique", "Église Unie"):
            stakeholders.create_stakeholder(uow, name=name)
    return MissionContext(plain_mission, QUndoStack(), bus)


@pytest.fixture
def ids(ctx) -> dict[str, str]:
    return {name: sid for sid, name in rel.stakeholder_choices(ctx.handle)}


@pytest.fixture
def panel(qtbot, ctx, ids):
    widget = RelationshipsPanel()
    qtbot.addWidget(widget)
    widget.resize(760, 320)
    widget.attach(ctx)
    widget.show_stakeholder(ids["Armée Nationale"])
    widget.show()
    yield widget
    widget.detach()


def _dialog(qtbot, ctx, values, submit) -> RelationshipDialog:
    dialog = RelationshipDialog(None, rel.stakeholder_choices(ctx.handle),
                                rel.source_choices(ctx.handle), values, submit)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _save(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def _cells(panel, column: str) -> list[str]:
    col = panel.model.column_of(column)
    return [panel.model.index(r, col).data() for r in range(panel.model.rowCount())]


def test_the_form_shows_the_sentence_and_stays_open_until_valid(qtbot, ctx, ids, panel):
    army = ids["Armée Nationale"]
    dialog = _dialog(qtbot, ctx, {"source_id": army}, panel.create)
    assert dialog.windowTitle() == "New Relationship"
    _save(dialog)  # no type chosen, no target
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == "To is required."

    dialog.type.setCurrentIndex(dialog.type.findData("rival_of"))
    dialog.target.set_id(army)
    _save(dialog)
    assert dialog.error.text() == ("A relationship links two different stakeholders: choose "
                                   "another one for \u201cTo\u201d.")
    dialog.target.setEditText("Front Patriotic")  # not a name of the mission
    _save(dialog)
    assert dialog.error.text() == ("\u201cFront Patriotic\u201d is not a stakeholder of the "
                                   "mission; choose one from the list.")
    dialog.target.set_id(ids["Front Patriotique"])
    dialog.valid_from.setText("2020-05")
    dialog.valid_to.setText("2019")
    _save(dialog)
    assert dialog.error.text() == ("Valid to (2019) is before the start of the relationship "
                                   "(2020-05).")
    assert rel.list_relationships(ctx.handle) == []

    dialog.valid_to.setText("")
    _save(dialog)
    assert not dialog.isVisible() and dialog.result() == RelationshipDialog.DialogCode.Accepted
    (view,) = rel.list_relationships(ctx.handle)
    assert (view.type, view.valence, view.valid_from, view.target_name) == (
        "rival_of", -1, "2020-05", "Front Patriotique")
    assert _cells(panel, "relationship") == ["\u2194 Rival of"]


def test_valence_follows_the_type_until_the_user_picks_one(qtbot, ctx, ids):
    dialog = _dialog(qtbot, ctx, None, lambda values: None)
    assert dialog.type.currentData() is None
    dialog.type.setCurrentIndex(dialog.type.findData("armed_conflict_with"))
    assert dialog.valence.currentData() == -2
    assert "\u2194" in dialog.reading.text()
    dialog.type.setCurrentIndex(dialog.type.findData("funds"))
    assert dialog.valence.currentData() == 1
    assert dialog.reading.text().startswith("Reads: ")
    dialog.valence.setCurrentIndex(dialog.valence.findData(-1))
    dialog.valence.activated.emit(dialog.valence.currentIndex())  # as a user's choice does
    dialog.type.setCurrentIndex(dialog.type.findData("supports"))
    assert dialog.valence.currentData() == -1


def test_edit_in_the_form_is_one_undo_step(qtbot, ctx, ids, panel, monkeypatch):
    with ctx.handle.unit_of_work() as uow:
        rel.create_relationship(uow, source_id=ids["Front Patriotique"],
                                target_id=ids["Armée Nationale"], type="opposes", strength=2)
    panel.reload()
    panel.table.selectRow(0)

    def ask(cls, parent, stakeholders_, sources, values, submit):
        dialog = cls(parent, stakeholders_, sources, values, submit)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Edit Relationship"
        assert dialog.source.currentText() == "Front Patriotique"
        assert dialog.strength.value() == 2
        dialog.strength.setValue(5)
        dialog.status.setCurrentIndex(dialog.status.findData("alleged"))
        dialog._accept()
        return dialog.result() == cls.DialogCode.Accepted

    monkeypatch.setattr(RelationshipDialog, "ask", classmethod(ask))
    panel.edit_button.click()
    assert _cells(panel, "strength") == ["\u25cf" * 5]
    assert _cells(panel, "status") == ["Alleged"]
    assert _cells(panel, "relationship") == ["\u2190 Opposed by"]
    assert ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert _cells(panel, "strength") == ["\u25cf\u25cf\u25cb\u25cb\u25cb"]
    assert _cells(panel, "status") == ["Active"]


def test_add_through_the_panel_then_undo_and_redo(qtbot, ctx, ids, panel, monkeypatch):
    assert panel.empty.isVisible() and not panel.table.isVisible()

    def ask(cls, parent, stakeholders_, sources, values, submit):
        assert values["source_id"] == ids["Armée Nationale"]
        assert values["classification"] == "CONFIDENTIAL"  # the mission's default
        return submit({**values, "target_id": ids["Église Unie"], "type": "protects",
                       "strength": 4, "valid_from": "2021"}) is None

    monkeypatch.setattr(RelationshipDialog, "ask", classmethod(ask))
    panel.add_button.click()
    assert _cells(panel, "other") == ["Église Unie"]
    assert _cells(panel, "relationship") == ["\u2192 Protects"]
    assert _cells(panel, "validity") == ["since 2021"]
    assert panel.title.text() == "Relationships (1)"
    assert panel.table.isVisible()
    ctx.undo_stack.undo()
    assert panel.model.rowCount() == 0 and rel.list_relationships(ctx.handle) == []
    ctx.undo_stack.redo()
    assert _cells(panel, "other") == ["Église Unie"]


def test_both_directions_listed_and_double_click_goes_to_the_other(qtbot, ctx, ids, panel,
                                                                  monkeypatch):
    army, front, church = ids["Armée Nationale"], ids["Front Patriotique"], ids["Église Unie"]
    with ctx.handle.unit_of_work() as uow:
        rel.create_relationship(uow, source_id=front, target_id=army, type="allied_with",
                                valid_from="2019", valid_to="2021-06")
        rel.create_relationship(uow, source_id=church, target_id=army, type="mediates")
        rel.create_relationship(uow, source_id=army, target_id=church, type="funds")
    # the panel refreshed itself from the change signal
    rows = list(zip(_cells(panel, "relationship"), _cells(panel, "other"),
                    _cells(panel, "validity"), strict=True))
    assert rows == [("\u2192 Funds", "Église Unie", "\u2014"),  # by name, then type
                    ("\u2190 Mediated by", "Église Unie", "\u2014"),
                    ("\u2194 Allied with", "Front Patriotique", "2019 \u2013 2021-06")]
    tip = panel.model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Front Patriotique and Armée Nationale: allied with (both ways)")

    column = panel.model.column_of("other")
    rect = panel.table.visualRect(panel.model.index(2, column))
    with qtbot.waitSignal(panel.stakeholderActivated, timeout=1000) as blocker:
        QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())
        QTest.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier, rect.center())
    assert blocker.args == [front]

    panel.show_stakeholder(front)  # the symmetric link reads the same from the other end
    assert _cells(panel, "relationship") == ["\u2194 Allied with"]
    assert _cells(panel, "other") == ["Armée Nationale"]

    panel.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    panel.delete_button.click()
    assert panel.model.rowCount() == 0
    ctx.undo_stack.undo()
    assert _cells(panel, "other") == ["Armée Nationale"]


def test_panel_without_a_mission_or_stakeholder(qtbot):
    widget = RelationshipsPanel()
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.add_button.isEnabled() and not widget.edit_button.isEnabled()
    assert widget.empty.text() == "Select a stakeholder to see its relationships."


def test_table_model_passes_the_model_tester(qtmodeltester, ctx, ids):
    with ctx.handle.unit_of_work() as uow:
        rel.create_relationship(uow, source_id=ids["Front Patriotique"],
                                target_id=ids["Armée Nationale"], type="leads")
    model = RelationshipTableModel()
    model.set_stakeholder(ids["Armée Nationale"], rel.list_relationships(ctx.handle))
    qtmodeltester.check(model)


def _type(combo, text: str) -> None:
    """Text typed in a picker (offscreen shows no completion popup, so the edit is emitted
    as a keystroke's would be)."""
    combo.lineEdit().setText(text)
    combo.lineEdit().textEdited.emit(text)


def test_the_picker_finds_stakeholders_by_alias_and_without_accents(qtbot, ctx, ids, panel,
                                                                    monkeypatch):
    """Issue 9, defect 13: "the relationship picker matches aliases"."""
    with ctx.handle.unit_of_work() as uow:
        stakeholders.create_stakeholder(uow, name="Présidence de la République",
                                        aliases=["Presidency", "Palais"])
        stakeholders.create_stakeholder(uow, name="Forces Armées Caranaises",
                                        aliases=["FACA"])
    by_name = {name: sid for sid, name in rel.stakeholder_choices(ctx.handle)}

    def ask(cls, parent, stakeholders_, sources, values, submit):
        dialog = cls(parent, stakeholders_, sources, values, submit)
        qtbot.addWidget(dialog)
        dialog.target.setEditText("faca")  # an alias typed whole: it names the stakeholder
        assert dialog.check(dialog.values()) is None
        assert dialog.target.chosen()[0] == by_name["Forces Armées Caranaises"]
        _type(dialog.target, "presidency")
        assert dialog.target.matches() == [
            "Présidence de la République \u2014 alias \u201cPresidency\u201d"]
        _type(dialog.target, "presidence de")  # no accent typed
        assert dialog.target.matches() == ["Présidence de la République"]
        dialog.target.choose_match(0)
        assert dialog.target.chosen()[0] == by_name["Présidence de la République"]
        dialog.target.setEditText("faca")  # an alias typed whole, then Save
        dialog.type.setCurrentIndex(dialog.type.findData("supports"))
        dialog._accept()
        assert dialog.error.isHidden(), dialog.error.text()
        return dialog.result() == cls.DialogCode.Accepted

    monkeypatch.setattr(RelationshipDialog, "ask", classmethod(ask))
    panel.add_button.click()
    (view,) = rel.list_relationships(ctx.handle)
    assert (view.source_name, view.type, view.target_name) == (
        "Armée Nationale", "supports", "Forces Armées Caranaises")
