"""The Tasks tab's links to stakeholders, engagements and commitments, driven offscreen: a
stakeholder typed with completion, an engagement found by a date and a commitment ticked in the
Links… dialog become one undo step shown in the detail; undo takes them away, redo brings them
back; an unknown name is refused in words; the demo's ceasefire task shows its links, a click
on one opens the record in its desk, and the stakeholder's profile and the commitment's detail
name the task (a link back to it)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog

from missiondesk.services import mandate as service
from missiondesk.store.schema import Commitment, Engagement, Stakeholder
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.mandate.desk import MandateDesk
from missiondesk.ui.mandate.task_links import TaskLinksDialog, date_span
from tests.conftest import PASSPHRASE


def _write(handle, fn, *args, **kwargs):
    with handle.unit_of_work() as uow:
        return fn(uow, *args, **kwargs)


@pytest.fixture
def ctx(plain_mission):
    h = plain_mission
    m = _write(h, service.create_mandate, resolution="S/RES/2799 (2026)",
               adopted_on=date(2026, 5, 2), expires_on=date(2027, 5, 2))
    _write(h, service.create_task, m.id, paragraph="OP 28(b)",
           text="Support the Joint Ceasefire Commission")
    with h.unit_of_work() as uow:
        for name in ("General Pea", "General Zed", "Joseph Anoké"):
            uow.add(Stakeholder(name=name, name_key=name.casefold()))
        for day, title in ((3, "JCC monthly session"), (17, "JCC monthly session"),
                           (9, "Field visit to Torongo")):
            uow.add(Engagement(starts_at=datetime(2026, 11, day, 9), format="meeting",
                               title=title))
        uow.add(Commitment(text="Resume ICSC participation in the JCC",
                           due_date=date(2026, 12, 20)))
    bus = MissionBus()
    h.add_listener(bus.relay)
    return MissionContext(h, QUndoStack(), bus)


def _tasks_tab(qtbot, ctx):
    desk = MandateDesk()
    qtbot.addWidget(desk)
    desk.resize(1180, 760)
    desk.attach(ctx)
    desk.show()
    tasks = desk.select_tab("tasks")
    tasks.select_id(tasks.model.row_at(0).id)
    return desk, tasks


def _item(pick, text: str):
    return next(pick.list.item(i) for i in range(pick.list.count())
                if text in pick.list.item(i).text())


def test_date_words_are_a_span_of_days():
    assert date_span("2026-11 jcc") == (date(2026, 11, 1), date(2026, 11, 30), "jcc")
    assert date_span("2026-11-03") == (date(2026, 11, 3), date(2026, 11, 3), "")
    assert date_span("2026-13 talks") == (None, None, "2026-13 talks")


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")  # completion, offscreen
def test_link_a_stakeholder_an_engagement_and_a_commitment_then_undo(qtbot, ctx, monkeypatch):
    desk, tasks = _tasks_tab(qtbot, ctx)
    assert "Nothing yet: Links" in tasks.detail.toPlainText()
    assert tasks.links_button.isEnabled()

    def fill(dialog):
        field = dialog.stakeholders
        field.setFocus()
        qtbot.keyClicks(field, "Pea")  # completion offers the person; Enter takes it
        assert field.popup.isVisible() and field.popup.item(0).text() == "General Pea"
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert field.text().startswith("General Pea")
        engagements = dialog.engagements
        assert engagements.list.count() == 3  # the newest first
        engagements.find.setText("2026-11-17")
        engagements.refresh()
        assert engagements.list.count() == 1
        _item(engagements, "JCC monthly session").setCheckState(Qt.CheckState.Checked)
        engagements.find.setText("Torongo")
        engagements.refresh()  # the ticked one stays on top, ticked
        assert [engagements.list.item(i).text() for i in range(2)] == [
            "2026-11-17  JCC monthly session", "2026-11-09  Field visit to Torongo"]
        assert engagements.count.text() == "1 linked"
        commitment = _item(dialog.commitments, "Resume ICSC participation")
        assert commitment.text() == "due 2026-12-20 \u00b7 Resume ICSC participation in the JCC"
        commitment.setCheckState(Qt.CheckState.Checked)
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(TaskLinksDialog, "exec", fill)
    tasks.edit_links()
    row = tasks.current_row()
    assert len(row.stakeholder_ids) == 1 and len(row.engagement_ids) == 1
    assert len(row.commitment_ids) == 1
    text = tasks.detail.toPlainText()
    assert "Stakeholders: General Pea" in text
    assert "2026-11-17 JCC monthly session" in text
    assert "Resume ICSC participation in the JCC \u2014 Open, due 2026-12-20" in text
    assert tasks.model.display(row, "links") == "3"

    stack = ctx.undo_stack
    assert stack.count() == 1 and stack.undoText() == "Change the links of task OP 28(b)"
    stack.undo()
    assert tasks.current_row().stakeholder_ids == ()
    assert "General Pea" not in tasks.detail.toPlainText()
    assert "Nothing yet: Links" in tasks.detail.toPlainText()
    stack.redo()
    assert "Stakeholders: General Pea" in tasks.detail.toPlainText()
    desk.detach()


def test_an_unknown_name_is_refused_in_words(qtbot, ctx, monkeypatch):
    desk, tasks = _tasks_tab(qtbot, ctx)
    seen = {}

    def fill(dialog):
        dialog.stakeholders.setText("General Pea; Colonel Nobody")
        dialog._accept()
        seen["error"] = dialog.error.text()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(TaskLinksDialog, "exec", fill)
    tasks.edit_links()
    assert seen["error"].startswith("Not a stakeholder of the mission: Colonel Nobody.")
    assert ctx.undo_stack.count() == 0
    assert tasks.current_row().stakeholder_ids == ()
    desk.detach()


def test_the_demo_ceasefire_task_shows_its_links_and_opens_them(qtbot, demo_file,
                                                                 monkeypatch):
    from missiondesk.ui.dialogs import Identity, IdentityDialog
    from missiondesk.ui.main_window import MainWindow
    from missiondesk.ui.settings import Settings

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    assert win.open_path(demo_file, passphrase=PASSPHRASE)
    try:
        handle = win.ctx.handle
        task = next(t for t in service.list_tasks(handle, service.list_mandates(handle)[0].id)
                    if t.paragraph == "28(b)")
        assert win.show_record("mandate", task.id)
        tab = win.desk("mandate").tab("tasks")
        text = tab.detail.toPlainText()
        assert "General Pea" in text and "JCC monthly session" in text
        assert "Resume ICSC participation in the JCC." in text
        assert "Engagements on its benchmarks" in text
        detail = service.get_task(handle, task.id)
        person = next(s for s in detail.stakeholders if s.name == "General Pea")
        tab.open_link("stakeholder:" + person.id)
        assert win.desk("stakeholders").current_id() == person.id
        # the other direction: the profile names the task, and its link opens it
        people = win.desk("stakeholders")
        assert "Mandate tasks: 28(b) (S/RES/2799" in people.detail.toPlainText()
        people._link_clicked(QUrl("mandate-task:" + task.id))
        assert win.desk("mandate").tabs.currentWidget() is tab
        assert tab.current_id() == task.id
        commitment = detail.commitments[0]
        tab.open_link("commitment:" + commitment.id)
        commitments = win.desk("commitments")
        assert commitments.current_id() == commitment.id
        assert "Mandate tasks: 28(b) (S/RES/2799" in commitments.detail.toPlainText()
    finally:
        win.close_mission()
