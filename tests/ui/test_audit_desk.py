"""The Audit trail desk on the Carana demo (offscreen): the log after edits, filters,
paging, one record's history, Restore of a deletion (undoable), Export, masking."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from missiondesk.services import relationships as relationship_service
from missiondesk.services import sources as source_service
from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.services.table_io import read_table
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import MODELS, TABLES_IN_ORDER
from missiondesk.ui.audit import desk as audit_desk
from missiondesk.ui.audit.desk import AuditDesk
from missiondesk.ui.context import MissionBus, MissionContext
from tests.conftest import PASSPHRASE


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
    widget = AuditDesk()
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _edit_some(ctx, n: int = 3):
    rows = stakeholder_service.list_stakeholders(ctx.handle)[:n]
    for row in rows:
        with ctx.handle.unit_of_work() as uow:
            stakeholder_service.update_stakeholder(uow, row.id, expected_revision=row.revision,
                                                   influence=row.influence % 5 + 1)
    return rows


def _column(desk, name: str) -> list[str]:
    column = desk.model.column_of(name)
    return [desk.model.data(desk.model.index(r, column)) for r in range(desk.model.rowCount())]


def test_empty_log_then_edits_appear_live(desk, ctx):
    assert desk.model.rowCount() == 0
    assert "No change recorded yet" in desk.detail.toPlainText()
    rows = _edit_some(ctx, 2)
    assert desk.model.rowCount() == 2  # the desk listens to the mission bus
    assert set(_column(desk, "record")) == {r.name for r in rows}
    assert _column(desk, "who") == ["Desk tester", "Desk tester"]
    assert "2 of 2" in desk.count_label.text()
    assert "Influence" in desk.detail.toPlainText()


def test_filters_by_who_and_desk(desk, ctx):
    _edit_some(ctx, 2)
    ctx.handle.set_user(None, "Second officer")
    src = source_service.list_sources(ctx.handle)[0]
    with ctx.handle.unit_of_work() as uow:
        source_service.update_source(uow, src.id, expected_revision=src.revision,
                                     credibility=4)
    desk.refresh()
    desk.who.setCurrentIndex(desk.who.findData("Second officer"))
    assert _column(desk, "record") == [src.code_name]
    desk.who.setCurrentIndex(0)
    desk.table_filter.setCurrentIndex(desk.table_filter.findData("stakeholders"))
    assert desk.model.rowCount() == 2
    desk.since_check.setChecked(True)
    desk.since.setDate(desk.since.date().addDays(40))  # after today: nothing
    assert desk.model.rowCount() == 0
    assert "No change matches" in desk.detail.toPlainText()


def test_paging_fetches_more_as_asked(qtbot, desk, ctx, monkeypatch):
    monkeypatch.setattr(audit_desk, "PAGE", 3)
    desk.hide()  # a shown view fetches on its own until its viewport is full
    _edit_some(ctx, 7)
    desk.refresh()
    assert desk.model.rowCount() == 3 and desk.more_button.isEnabled()
    assert "3 of 7" in desk.count_label.text()
    desk.more_button.click()
    assert desk.model.rowCount() == 6
    desk.show()
    qtbot.waitUntil(lambda: desk.model.rowCount() == 7)  # the view asked for the rest
    assert not desk.model.canFetchMore()


def test_restore_a_deletion_and_undo_it(desk, ctx):
    row = stakeholder_service.list_stakeholders(ctx.handle)[0]
    with ctx.handle.unit_of_work() as uow:
        stakeholder_service.delete_stakeholder(uow, row.id, expected_revision=row.revision)
    desk.deletions_only.setChecked(True)
    desk.table.selectRow(0)
    assert desk.restore_button.isEnabled()
    assert desk.restore_selected() is None
    ids = {r.id for r in stakeholder_service.list_stakeholders(ctx.handle)}
    assert row.id in ids
    desk.deletions_only.setChecked(False)
    assert _column(desk, "action")[0] == "restored"
    ctx.undo_stack.undo()
    assert row.id not in {r.id for r in stakeholder_service.list_stakeholders(ctx.handle)}


def test_record_history_narrows_the_log(desk, ctx):
    rows = _edit_some(ctx, 3)
    index = _column(desk, "record").index(rows[1].name)
    desk.table.selectRow(index)
    desk.history_button.click()
    assert desk.record_bar.isVisible()
    assert _column(desk, "record") == [rows[1].name]
    desk.show_all()
    assert desk.model.rowCount() == 3


def test_protected_source_history_is_masked_and_export_is_marked(desk, ctx, tmp_path,
                                                                  monkeypatch):
    protected = next(s for s in source_service.list_sources(ctx.handle) if s.protected)
    with ctx.handle.unit_of_work() as uow:
        source_service.update_source(uow, protected.id, expected_revision=protected.revision,
                                     description="Driver of the northern governor")
    desk.table.selectRow(0)
    assert "governor" not in desk.detail.toPlainText()
    assert "protected source" in _column(desk, "change")[0]
    target = tmp_path / "log.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSV, UTF-8 (*.csv)"))
    assert desk.export_log() == target
    table = read_table(target)
    assert table.classification == protected.classification
    assert table.headers[0] == "When (UTC)" and len(table.rows) == 1
    assert "governor" not in target.read_text(encoding="utf-8-sig")


def test_redact_a_stakeholder_field_as_the_stakeholders_desk_will(desk, ctx, monkeypatch):
    """The calls the Stakeholders desk's Redact… button makes (field_choices, redact_field)."""
    from PySide6.QtWidgets import QMessageBox

    from missiondesk.ui.audit.redact_dialog import RedactDialog, field_choices, redact_field

    row = stakeholder_service.list_stakeholders(ctx.handle)[0]
    with ctx.handle.unit_of_work() as uow:
        stakeholder_service.update_stakeholder(uow, row.id, expected_revision=row.revision,
                                               grievances="Met Quuxlington at the ferry")
    detail = stakeholder_service.get_stakeholder(ctx.handle, row.id)
    fields = field_choices("stakeholders", detail)
    assert ("grievances", "Grievances") in fields
    offered = []
    told = []
    monkeypatch.setattr(RedactDialog, "ask", classmethod(
        lambda cls, parent, choices: offered.extend(choices) or "grievances"))
    monkeypatch.setattr(RedactDialog, "confirm", classmethod(lambda cls, parent, label: True))
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: told.append(text))
    report = redact_field(desk, ctx, "stakeholders", row.id, fields)
    assert (report.record, report.log_entries) == (True, 1)
    assert stakeholder_service.get_stakeholder(ctx.handle, row.id).grievances is None
    assert "Quuxlington" not in desk.detail.toPlainText() + " ".join(_column(desk, "change"))
    assert _column(desk, "action")[:2] == ["redacted a field", "changed (redacted)"]
    assert "Grievances" in told[0]
    # Cancelled at the confirmation: nothing happens.
    monkeypatch.setattr(RedactDialog, "confirm", classmethod(lambda cls, parent, label: False))
    assert redact_field(desk, ctx, "stakeholders", row.id, fields) is None


# --- issue 9, defect 9: kinds and names in words, never a table name or an id --------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ID_PREFIX = re.compile(r"\b[0-9a-f]{8}\b")


def _raw_in(text: str) -> list[str]:
    """Table names, ids or id prefixes a text shows."""
    return (_UUID.findall(text) + _ID_PREFIX.findall(text)
            + [t for t in MODELS if "_" in t and re.search(r"\b%s\b" % t, text)]
            + [t for t in MODELS if text.strip() == t])


def _touch_every_table(ctx) -> set[str]:
    """One logged change in every table the demo fills (its classification raised): the
    trail then holds an entry of every kind a user can meet on the demo."""
    touched = set()
    for table in TABLES_IN_ORDER:
        model = MODELS[table]
        if table in ("change_log", "mission", "map_positions"):
            continue
        with ctx.handle.unit_of_work() as uow:
            row = uow.session.scalars(select(model).limit(1)).first()
            if row is None:
                continue
            row.classification = ("CONFIDENTIAL" if row.classification
                                  == "STRICTLY CONFIDENTIAL" else "STRICTLY CONFIDENTIAL")
            touched.add(table)
    return touched


def _every_cell(desk) -> list[list[str]]:
    model = desk.model
    while model.canFetchMore():
        model.fetchMore()
    return [[model.data(model.index(r, c)) or "" for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_every_entry_reads_in_words_and_layout_is_not_logged(desk, ctx, tmp_path,
                                                             monkeypatch):
    from missiondesk.services import network

    ids = [r.id for r in stakeholder_service.list_stakeholders(ctx.handle)]
    with ctx.handle.unit_of_work() as uow:  # the first opening of the map lays out everyone
        network.save_positions(uow, {sid: (float(i), 0.0, False) for i, sid in enumerate(ids)})
    touched = _touch_every_table(ctx)
    assert len(touched) >= 40   # nearly every table of the schema

    cells = _every_cell(desk)
    for row in cells:
        assert not _raw_in(" | ".join(row)), row
    assert len(cells) == len(touched)  # one entry per change; no layout position logged
    shown = {tuple(row[2:4]) for row in cells}
    rel = relationship_service.list_relationships(ctx.handle)[0]
    assert any(kind == "Relationship" and "\u2192" in name for kind, name in shown)
    assert any(kind == "Driver link" and "\u2194" in name for kind, name in shown)
    assert any(kind == "Stakeholder" for kind, _name in shown)
    assert rel.source_id and rel.target_id

    # the detail and the export say the same words
    for r in range(desk.model.rowCount()):
        desk.table.selectRow(r)
        assert not _raw_in(desk.detail.toPlainText()), desk.detail.toPlainText()
    target = tmp_path / "log.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSV, UTF-8 (*.csv)"))
    assert desk.export_log() == target
    exported = read_table(target)
    assert len(exported.rows) == len(touched)
    for row in exported.rows:
        assert not _raw_in(" | ".join(str(v) for v in row)), row


def test_a_drag_reads_moved_on_the_map_against_the_stakeholder(desk, ctx):
    from missiondesk.services import network
    from missiondesk.services.network.positions import record_moves

    row = stakeholder_service.list_stakeholders(ctx.handle)[0]
    with ctx.handle.unit_of_work() as uow:
        network.save_positions(uow, {row.id: (12.0, 34.0, True)})
        record_moves(uow, [row.id])
    assert _every_cell(desk) == [[_column(desk, "at")[0], "Desk tester", "Stakeholder",
                                  row.name, "moved on the map", "", ""]]
    desk.table.selectRow(0)
    desk.history_button.click()
    assert _column(desk, "action") == ["moved on the map"]
    assert row.name in desk.record_label.text() and "stakeholders" not in \
        desk.record_label.text()


def test_audit_log_model_passes_the_model_tester(ctx, qtmodeltester):
    from missiondesk.services import audit
    from missiondesk.ui.framework.table_model import Page

    _touch_every_table(ctx)
    model = audit_desk.AuditLogModel()

    def fetch(offset):
        page = audit.change_log(ctx.handle, limit=7, offset=offset)  # several pages
        return Page(page.entries, page.has_more)

    model.set_source(fetch)
    assert model.canFetchMore()
    qtmodeltester.check(model)


def test_redact_dialog_offers_the_fields_in_words_and_returns_the_chosen_code(qtbot):
    from missiondesk.ui.audit.redact_dialog import RedactDialog

    dialog = RedactDialog(None, [("grievances", "Grievances"), ("needs", "Needs")])
    qtbot.addWidget(dialog)
    assert [dialog.field.itemText(i) for i in range(dialog.field.count())] == [
        "Grievances", "Needs"]
    assert dialog.chosen() == "grievances"
    dialog.field.setCurrentIndex(1)
    assert dialog.chosen() == "needs" and dialog.redact_button.isEnabled()
    empty = RedactDialog(None, [])
    qtbot.addWidget(empty)
    assert empty.chosen() is None and not empty.redact_button.isEnabled()
