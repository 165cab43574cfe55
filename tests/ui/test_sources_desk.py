"""The Sources desk on the Carana demo (offscreen): the register, masking of protected
descriptions, forms with their messages, undo, Redact…, export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import sources as source_service
from missiondesk.services.audit import history
from missiondesk.services.table_io import read_table
from missiondesk.store.handle import open_mission
from missiondesk.ui.audit.redact_dialog import RedactDialog
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.sources.desk import MASK, SourceDialog, SourcesDesk, SourceTableModel
from tests.conftest import PASSPHRASE

DESC = SourceTableModel().column_of("description")


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def desk(qtbot, ctx):
    widget = SourcesDesk()
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _protected_row(desk) -> int:
    return next(i for i in range(desk.model.rowCount()) if desk.model.row_at(i).protected)


def _text(desk, row: int, column: int) -> str:
    return desk.model.data(desk.model.index(row, column))


def test_protected_descriptions_are_masked_until_asked(desk, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert desk.model.rowCount() == 12
    assert "12 source(s)" in desk.count_label.text()
    row = _protected_row(desk)
    secret = desk.model.row_at(row).description
    assert secret and _text(desk, row, DESC).startswith(MASK)
    desk.table.selectRow(row)
    assert secret not in desk.detail.toPlainText()
    headers, rows, _levels = desk.export_rows()
    assert secret not in str(rows)
    desk.show_protected.setChecked(True)
    assert _text(desk, row, DESC) == secret.replace("\n", " ")
    assert secret[:30] in desk.detail.toPlainText()
    desk.detach()
    assert not desk.show_protected.isChecked()  # a reopened mission starts masked
    assert desk.model.rowCount() == 0


def test_sorting_happens_in_the_model(desk):
    column = SourceTableModel().column_of("credibility")
    desk.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    values = [desk.model.row_at(i).credibility for i in range(desk.model.rowCount())]
    assert values == sorted(values, reverse=True)


def test_new_source_with_messages_and_undo(desk, ctx, monkeypatch):
    seen = {}

    def fake_ask(parent, values, submit, *, creating):
        seen["code"] = values["code_name"]
        seen["duplicate"] = submit({**values, "code_name": "src-001"})
        seen["bad"] = submit({**values, "credibility": 9})
        seen["ok"] = submit({**values, "description": "The ferry operator"})
        return True

    monkeypatch.setattr(SourceDialog, "ask", classmethod(
        lambda cls, *a, **k: fake_ask(*a, **k)))
    desk.new_button.click()
    assert seen["code"] == "SRC-013"
    assert "already used" in seen["duplicate"]
    assert "from 1 to 6" in seen["bad"]
    assert seen["ok"] is None
    assert desk.model.rowCount() == 13
    assert desk.model.row_at(desk.table.currentIndex().row()).code_name == "SRC-013"
    ctx.undo_stack.undo()
    assert desk.model.rowCount() == 12
    ctx.undo_stack.redo()
    assert desk.model.rowCount() == 13


def test_edit_and_delete_are_undoable(desk, ctx, monkeypatch):
    desk.table.selectRow(0)
    current = desk.model.row_at(0)
    monkeypatch.setattr(SourceDialog, "ask", classmethod(
        lambda cls, parent, values, submit, creating: submit({**values, "reliability": "E"})
        is None))
    desk.edit_button.click()
    assert source_service.get_source(ctx.handle, current.id).reliability == "E"
    ctx.undo_stack.undo()
    assert source_service.get_source(ctx.handle, current.id).reliability == current.reliability
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    desk.table.selectRow(0)
    desk.delete_button.click()
    assert desk.model.row_of(current.id) < 0
    ctx.undo_stack.undo()
    assert desk.model.row_of(current.id) >= 0


def test_redact_description_says_what_it_removed(desk, ctx, monkeypatch):
    row = _protected_row(desk)
    source = desk.model.row_at(row)
    with ctx.handle.unit_of_work() as uow:
        source_service.update_source(uow, source.id, expected_revision=source.revision,
                                     description="Brother-in-law of the prefect")
    desk.table.selectRow(desk.model.row_of(source.id))
    told = []
    monkeypatch.setattr(RedactDialog, "ask", classmethod(lambda cls, parent, fields:
                                                         fields[0][0]))
    monkeypatch.setattr(RedactDialog, "confirm", classmethod(lambda cls, parent, label: True))
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: told.append(text))
    desk.redact_button.click()
    assert source_service.get_source(ctx.handle, source.id).description is None
    assert told and "emptied" in told[0] and "1 change-history" in told[0]
    entries = history(ctx.handle, "sources", source.id)
    assert entries[0].action == "redact"
    assert all("prefect" not in str(e.old_value) + str(e.new_value) for e in entries)
    assert ctx.undo_stack.count() == 0


def test_export_writes_the_masked_rows_marked(desk, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "sources.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSV, UTF-8 (*.csv)"))
    desk.export_button.click()
    table = read_table(target)
    assert table.classification == "STRICTLY CONFIDENTIAL"
    assert len(table.rows) == 12
    secret = desk.model.row_at(_protected_row(desk)).description
    assert secret not in target.read_text(encoding="utf-8-sig")


def test_show_protected_asks_first_and_the_audit_trail_says_so(desk, ctx, qtbot,
                                                               monkeypatch):
    from missiondesk.services.audit import AuditFilter, change_log
    from missiondesk.ui.audit.desk import AuditDesk

    row = _protected_row(desk)
    secret = desk.model.row_at(row).description
    desk.table.selectRow(row)
    asked = []

    def answer(reply):
        def question(*args, **kwargs):
            asked.append(args[2] if len(args) > 2 else "")
            return reply
        return question

    def reveals():
        return change_log(ctx.handle, AuditFilter(actions=("reveal",))).entries

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    desk.show_protected.setChecked(True)
    assert len(asked) == 1 and "audit trail" in asked[0]
    assert not desk.show_protected.isChecked()
    assert _text(desk, row, DESC).startswith(MASK)
    assert secret[:30] not in desk.detail.toPlainText()
    assert reveals() == []

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    desk.show_protected.setChecked(True)
    assert len(asked) == 2 and desk.show_protected.isChecked()
    assert _text(desk, row, DESC) == secret.replace("\n", " ")
    [entry] = reveals()
    assert (entry.user_name, entry.field, entry.old_value, entry.new_value) == (
        "Desk tester", None, None, None)
    desk.show_protected.setChecked(False)  # hiding again asks nothing, logs nothing
    assert len(asked) == 2 and len(reveals()) == 1

    trail = AuditDesk()
    qtbot.addWidget(trail)
    trail.attach(ctx)
    try:
        action = trail.model.column_of("action")
        assert trail.model.data(trail.model.index(0, action)) == "showed the protected sources"
    finally:
        trail.detach()
