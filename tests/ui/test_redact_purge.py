"""Redact a name, Purge… a deleted record, Save a Copy's own backups — driven as a user would
(offscreen, real mission files; modal dialogs patched). Issue 8, items 1 and 13."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox

from missiondesk.services import backups
from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.store.errors import RecordMissing
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.ui.audit.desk import AuditDesk
from missiondesk.ui.audit.redact_dialog import RedactDialog, redact_field
from missiondesk.ui.context import MissionBus, MissionContext
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctx(tmp_path, qapp):
    handle = create_mission(tmp_path / "desk.mdesk", PASSPHRASE, NewMission(name="Desk test"))
    handle.set_user(None, "Desk tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def shown(monkeypatch):
    texts = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda parent, title, text, *a: texts.append(text)))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: texts.append(text)))
    return texts


def _create(ctx, name: str, **fields):
    with ctx.handle.unit_of_work() as uow:
        return stakeholder_service.create_stakeholder(uow, name=name, **fields)


def test_redacting_a_name_says_which_copies_still_hold_it(ctx, tmp_path, monkeypatch, shown):
    person = _create(ctx, "Zorvath Quillane", aliases=["The Heron"])
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = backups.back_up_to(ctx.handle, stick)
    stick.rename(tmp_path / "stick-in-a-drawer")  # unplugged: out of reach
    monkeypatch.setattr(RedactDialog, "ask", classmethod(lambda cls, parent, fields: "name"))
    monkeypatch.setattr(RedactDialog, "confirm", classmethod(lambda cls, parent, label: True))

    report = redact_field(None, ctx, "stakeholders", person.id, [("name", "Name")])

    assert report is not None and report.record
    name = stakeholder_service.get_stakeholder(ctx.handle, person.id).name
    assert name.startswith("[redacted]") and "Zorvath" not in name
    assert "These copies still hold the old value" in shown[-1] and str(copy) in shown[-1]


def test_purge_a_deleted_record_from_the_audit_trail(ctx, qtbot, monkeypatch, shown):
    person = _create(ctx, "Ilsabet Marrowgate", description="contact at the mill")
    keep = _create(ctx, "Harbour Council")
    with ctx.handle.unit_of_work() as uow:
        stakeholder_service.delete_stakeholder(uow, person.id, expected_revision=1)
    desk = AuditDesk()
    qtbot.addWidget(desk)
    desk.attach(ctx)
    row = next(r for r, e in enumerate(desk.model.entries())
               if e.action == "delete" and e.record_id == person.id)
    desk.table.selectRow(row)
    live_row = next(r for r, e in enumerate(desk.model.entries()) if e.record_id == keep.id)
    asked = []

    desk.table.selectRow(live_row)
    assert not desk.purge_button.isEnabled()  # a live record offers no purge
    desk.table.selectRow(row)
    assert desk.purge_button.isEnabled()

    monkeypatch.setattr(AuditDesk, "confirm_purge",
                        staticmethod(lambda parent, label: asked.append(label) or False))
    assert desk.purge_selected() is None  # cancelled: nothing happens
    assert asked == ["Ilsabet Marrowgate"]
    with ctx.handle.driver_connection() as conn:
        assert conn.execute("SELECT count(*) FROM stakeholders WHERE id = ?",
                            (person.id,)).fetchone()[0] == 1

    monkeypatch.setattr(AuditDesk, "confirm_purge", staticmethod(lambda parent, label: True))
    reports = []
    monkeypatch.setattr(desk, "show_purge_report", reports.append)
    ctx.undo_stack.push(QUndoCommand("an earlier edit"))
    report = desk.purge_selected()

    assert report is not None and report.rows == 1
    assert ctx.undo_stack.count() == 0  # not undoable
    assert "purged" in reports[-1]
    with ctx.handle.driver_connection() as conn:
        assert conn.execute("SELECT count(*) FROM stakeholders WHERE id = ?",
                            (person.id,)).fetchone()[0] == 0
        assert conn.execute(
            "SELECT count(*) FROM change_log WHERE record_id = ? AND "
            "(old_value LIKE '%mill%' OR new_value LIKE '%mill%')", (person.id,)
        ).fetchone()[0] == 0
    actions = [e.action for e in desk.model.entries() if e.record_id == person.id]
    assert actions[0] == "purge"  # newest first, shown live
    assert stakeholder_service.get_stakeholder(ctx.handle, keep.id).name == "Harbour Council"
    with pytest.raises(RecordMissing):
        stakeholder_service.get_stakeholder(ctx.handle, person.id)
    desk.detach()


def test_save_a_copy_never_shares_backups_with_the_original(qtbot, tmp_path, monkeypatch,
                                                            demo_file):
    from missiondesk.ui.dialogs import Identity, IdentityDialog
    from missiondesk.ui.main_window import MainWindow
    from missiondesk.ui.settings import Settings

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    try:
        assert window.open_path(demo_file, passphrase=PASSPHRASE)
        target = tmp_path / "carana copy.mdesk"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, **k: (str(target), "")))
        window.copy_action.trigger()
        handle = window.ctx.handle
        copy = open_mission(target, PASSPHRASE)
        try:
            monday = datetime(2026, 3, 2, 9)
            mine = backups.run_daily_backup(handle, now=monday)
            assert mine is not None
            # The copy, open at the same time, takes its own backups every day for two weeks
            # and rotates them: the original's backup of that Monday is never touched.
            taken = [backups.run_daily_backup(copy, now=monday + timedelta(days=d))
                     for d in range(0, 15)]
            assert all(t is not None for t in taken)
            assert mine.exists()
            assert [p.path for p in backups.list_backups(handle.path, PASSPHRASE,
                                                         mission_id=backups.handle_mission_id(
                                                             handle))] == [mine]
            assert mine not in [p.path for p in backups.list_backups(target, PASSPHRASE)]
        finally:
            copy.close()
    finally:
        window.close_mission()
