"""Quick capture on the Carana demo (offscreen), typed with the keyboard alone: names completed
as typed (aliases too), unknown names refused by name, flagged counterparts confirmed, inline
commitments saved with the engagement in one undo step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from missiondesk.services import commitments as commitment_service
from missiondesk.services import engagements as engagement_service
from missiondesk.services.team import list_team
from missiondesk.store.errors import RecordMissing
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.engagements.capture import (
    DiscardTyping,
    FlaggedCounterparts,
    QuickCaptureDialog,
    parse_due,
)
from tests.conftest import PASSPHRASE

#: The offscreen platform cannot raise the list of offers above the dialog (a real one can).
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    srsg = list_team(handle)[0]
    handle.set_user(srsg.id, srsg.name)
    yield MissionContext(handle, QUndoStack(), MissionBus())
    handle.close()


@pytest.fixture(autouse=True)
def no_questions_at_teardown(monkeypatch):
    """A dialog closed at the end of a test must not wait for an answer."""
    monkeypatch.setattr(DiscardTyping, "confirm", classmethod(lambda cls, parent: True))


@pytest.fixture
def dialog(qtbot, ctx):
    widget = QuickCaptureDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return widget


def focused():
    return QApplication.focusWidget()


def type_(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def count(ctx) -> int:
    return engagement_service.count_engagements(ctx.handle, None)


def test_a_whole_capture_typed_without_the_mouse_lands_in_the_mission(qtbot, ctx, dialog):
    before = count(ctx)
    me = ctx.handle.user_id
    assert dialog.lead.text() == ctx.handle.user_name  # the current user leads
    assert focused() is dialog.participants
    type_(qtbot, "tomas")
    press(qtbot, Qt.Key.Key_Tab)          # accepts "Tomás Ferreira"
    press(qtbot, Qt.Key.Key_Tab)          # on to the counterparts
    assert focused() is dialog.counterparts
    type_(qtbot, "general pe")
    press(qtbot, Qt.Key.Key_Return)       # accepts "General Pea"
    type_(qtbot, "anoke")
    press(qtbot, Qt.Key.Key_Tab)          # accepts "Joseph Anoké"
    press(qtbot, Qt.Key.Key_Tab)          # title (left empty: made from the counterparts)
    press(qtbot, Qt.Key.Key_Tab)          # format
    assert focused() is dialog.format
    type_(qtbot, "Ph")                    # type-ahead: "Phone or video call"
    assert dialog.format.currentData() == "phone_video"
    press(qtbot, Qt.Key.Key_Tab)          # political
    press(qtbot, Qt.Key.Key_Tab)          # location
    type_(qtbot, "Galasi")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.outcome
    type_(qtbot, "Release of the children agreed.")
    press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)   # first commitment
    assert focused() is dialog.rows[0].by
    press(qtbot, Qt.Key.Key_Down)         # General Pea -> the mission
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "Release the 14 children to UNICEF")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "+30")
    press(qtbot, Qt.Key.Key_Tab)          # owner, prefilled with the lead
    assert focused() is dialog.rows[0].owner
    focused().selectAll()
    type_(qtbot, "ferrei")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)   # second commitment: by the mission
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "Send a JCC team to the cantonment site")
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "15/01/2027")
    press(qtbot, Qt.Key.Key_S, CTRL)

    assert not dialog.isVisible(), dialog.error.text()
    assert count(ctx) == before + 1
    view = engagement_service.get_engagement(ctx.handle, dialog.created_id)
    assert view.lead_id == me
    assert view.title == "Meeting with General Pea, Joseph Anoké"
    assert view.format == "phone_video" and view.location == "Galasi"
    from missiondesk.services import clock

    zone = clock.mission_zone(ctx.handle)   # Carana: Africa/Nairobi, UTC+3
    typed = dialog.date.date().toPython(), dialog.time.time().toPython()
    local = clock.to_local(view.starts_at, zone)
    assert (local.date(), local.time()) == typed        # typed on the mission's clock
    assert view.starts_at != local                       # stored as UTC
    assert view.outcomes == "Release of the children agreed."
    names = {p.id: p.name for p in dialog.people}
    assert sorted(names[i] for i in view.counterpart_ids) == ["General Pea", "Joseph Anoké"]
    assert "Tomás Ferreira" in [names[i] for i in view.participant_ids]
    made = {c.text: c for c in (commitment_service.get_commitment(ctx.handle, cid)
                                for cid in view.commitment_ids)}
    assert set(made) == {"Release the 14 children to UNICEF",
                         "Send a JCC team to the cantonment site"}
    pea = made["Release the 14 children to UNICEF"]
    meeting = dialog.date.date().toPython()
    assert not pea.by_mission and names[pea.committed_by_id] == "General Pea"
    assert pea.due_date == meeting + timedelta(days=30)
    assert names[pea.owner_id] == "Tomás Ferreira"
    jcc = made["Send a JCC team to the cantonment site"]
    assert jcc.by_mission and jcc.owner_id == me
    assert jcc.due_date.isoformat() == "2027-01-15"


def test_completion_by_alias(qtbot, dialog):
    dialog.counterparts.setFocus()
    type_(qtbot, "lion du")
    popup = dialog.counterparts.popup
    assert popup.isVisible()
    press(qtbot, Qt.Key.Key_Escape)       # closes the offers, not the dialog
    assert not popup.isVisible() and dialog.isVisible()
    type_(qtbot, " ")
    press(qtbot, Qt.Key.Key_Backspace)    # typing again offers again
    assert popup.isVisible()
    assert popup.item(0).text() == "General Pea (Le Lion du Sud)"
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.counterparts.text() == "General Pea; "
    assert focused() is dialog.counterparts and not popup.isVisible()
    type_(qtbot, "gnr")                   # an acronym alias, then Down to the next offer
    assert popup.item(0).text().startswith("Government of National Reconciliation")
    press(qtbot, Qt.Key.Key_Tab)
    assert [p.name for p in dialog.counterparts.persons()] == [
        "General Pea", "Government of National Reconciliation"]


def test_an_unknown_name_is_refused_with_its_name(qtbot, ctx, dialog):
    before = count(ctx)
    dialog.counterparts.setFocus()
    type_(qtbot, "Pea; Nobody Known")
    press(qtbot, Qt.Key.Key_Tab)          # leaving the field marks the unknown name
    assert dialog.counterparts.unknown_names() == ["Nobody Known"]
    assert len(dialog.counterparts.unknown_spans()) == 1
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert dialog.isVisible()
    assert "Nobody Known" in dialog.error.text() and dialog.error.isVisible()
    assert count(ctx) == before
    assert [p.name for p in dialog.counterparts.persons()] == ["General Pea"]  # the alias


def test_a_do_not_engage_counterpart_asks_first(qtbot, ctx, dialog, monkeypatch):
    before = count(ctx)
    dialog.counterparts.setFocus()
    type_(qtbot, "passeurs")
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.badges.isVisible() and "DO NOT ENGAGE" in dialog.badges.text()
    asked = []
    monkeypatch.setattr(FlaggedCounterparts, "confirm",
                        classmethod(lambda cls, parent, flags: asked.append(flags) or False))
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert asked and asked[0][0].do_not_engage
    assert "criminal network" in asked[0][0].reason
    assert dialog.isVisible() and count(ctx) == before   # cancel: nothing saved
    monkeypatch.setattr(FlaggedCounterparts, "confirm",
                        classmethod(lambda cls, parent, flags: True))
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible() and count(ctx) == before + 1


def test_undo_removes_the_engagement_and_its_commitments(qtbot, ctx, dialog):
    before = count(ctx)
    dialog.counterparts.setFocus()
    type_(qtbot, "joseph anoke")
    press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.rows[0].what
    type_(qtbot, "Convene the JCC")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert not dialog.isVisible(), dialog.error.text()
    view = engagement_service.get_engagement(ctx.handle, dialog.created_id)
    (cid,) = view.commitment_ids
    ctx.undo_stack.undo()
    assert count(ctx) == before
    with pytest.raises(RecordMissing):
        commitment_service.get_commitment(ctx.handle, cid)
    ctx.undo_stack.redo()
    assert count(ctx) == before + 1
    assert commitment_service.get_commitment(ctx.handle, cid).text == "Convene the JCC"
    ctx.undo_stack.undo()
    assert count(ctx) == before


def test_esc_asks_before_throwing_typing_away(qtbot, dialog, monkeypatch):
    answers = []
    monkeypatch.setattr(DiscardTyping, "confirm",
                        classmethod(lambda cls, parent: answers.append(1) or False))
    dialog.location.setFocus()
    type_(qtbot, "Corma")
    press(qtbot, Qt.Key.Key_Escape)
    assert answers and dialog.isVisible()
    monkeypatch.setattr(DiscardTyping, "confirm", classmethod(lambda cls, parent: True))
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_esc_on_an_untouched_capture_closes_without_asking(qtbot, dialog, monkeypatch):
    monkeypatch.setattr(DiscardTyping, "confirm",
                        classmethod(lambda cls, parent: pytest.fail("asked")))
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_political_follows_the_format_until_set_by_hand(qtbot, dialog):
    dialog.format.setFocus()
    type_(qtbot, "Pu")                    # public event
    assert dialog.format.currentData() == "public_event"
    assert not dialog.political.isChecked()
    press(qtbot, Qt.Key.Key_Home)         # bilateral
    assert dialog.political.isChecked()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.political
    press(qtbot, Qt.Key.Key_Space)        # by hand: unticked
    press(qtbot, Qt.Key.Key_Backtab)
    press(qtbot, Qt.Key.Key_Down)         # group: stays as set by hand
    assert dialog.format.currentData() == "group"
    assert not dialog.political.isChecked()


def test_a_commitment_row_is_removed_by_keyboard(qtbot, dialog):
    dialog.add_commitment()
    second = dialog.add_commitment()
    assert len(dialog.rows) == 2
    second.remove.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.rows == [dialog.rows[0]] and len(dialog.rows) == 1


def test_due_dates_as_typed():
    from datetime import date

    meeting = date(2026, 3, 1)
    assert parse_due("", meeting) is None
    assert parse_due("2026-04-30", meeting) == date(2026, 4, 30)
    assert parse_due("30/04/2026", meeting) == date(2026, 4, 30)
    assert parse_due("+10", meeting) == date(2026, 3, 11)
    assert parse_due("+2w", meeting) == date(2026, 3, 15)
    with pytest.raises(ValueError):
        parse_due("next week", meeting)


def test_the_outcome_is_kept_as_a_draft_and_offered_back(qtbot, ctx, dialog, monkeypatch):
    from missiondesk.services.drafts import DraftKey, get_draft
    from missiondesk.ui.framework.drafts import DraftOffer

    dialog.outcome.setFocus()
    type_(qtbot, "The spokesperson hinted at talks")
    dialog._drafts.flush()                # what the timer does every few seconds
    key = DraftKey("engagements", None, "outcomes")
    assert get_draft(ctx.handle, key).text == "The spokesperson hinted at talks"
    dialog._drafts.keep_state()           # a lock: the dialog goes, the draft stays
    for keeper in dialog._drafts.keepers.values():
        keeper.suspend()
    dialog.close()
    monkeypatch.setattr(DraftOffer, "ask", classmethod(lambda cls, parent, fields: True))
    again = QuickCaptureDialog(ctx)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.outcome.toPlainText() == "The spokesperson hinted at talks")


def test_the_full_editor_gets_what_was_typed_and_the_commitments(qtbot, ctx, dialog,
                                                                   monkeypatch):
    from missiondesk.ui.engagements.editor import EngagementEditor

    assert dialog.full_editor_button is not None
    before = count(ctx)
    dialog.counterparts.setFocus()
    type_(qtbot, "joseph anoke")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)
    press(qtbot, Qt.Key.Key_Tab)
    type_(qtbot, "Share the ceasefire map")
    seen = {}

    def ask(cls, parent, handle, values, submit, *, creating):
        seen.update(values)
        return submit({**values, "title": "Talks with the Vice-President"}) is None

    monkeypatch.setattr(EngagementEditor, "ask", classmethod(ask))
    dialog.full_editor_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert seen["lead_id"] == ctx.handle.user_id and len(seen["counterpart_ids"]) == 1
    assert not dialog.isVisible() and count(ctx) == before + 1
    view = engagement_service.get_engagement(ctx.handle, dialog.created_id)
    assert view.title == "Talks with the Vice-President"
    (cid,) = view.commitment_ids
    assert commitment_service.get_commitment(ctx.handle, cid).text == "Share the ceasefire map"
    ctx.undo_stack.undo()
    assert count(ctx) == before
