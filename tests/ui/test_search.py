"""The search popup (Ctrl+K) driven as a user would, over the encrypted Carana demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from missiondesk.services import search as search_service
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.search.popup import SearchResultsModel
from missiondesk.ui.settings import Settings
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, demo_file, monkeypatch):
    def choose(cls, parent, members):
        return Identity(members[0].id, members[0].name, members[0].role)

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(choose))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_path(demo_file, passphrase=PASSPHRASE)
    yield win
    popup = getattr(win, "search_popup", None)
    if popup is not None:
        try:
            popup.close()
        except RuntimeError:  # already deleted
            pass
    win.close_mission()


def _ctrl_k(qtbot, window):
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window.search_popup
    qtbot.waitUntil(popup.isVisible)
    return popup


def _type(qtbot, popup, text):
    QTest.keyClicks(popup.edit, text)
    # the debounce passes, then the results show
    qtbot.waitUntil(lambda: not popup._timer.isActive())  # noqa: SLF001
    return popup.model.hits()


def test_ctrl_k_type_enter_opens_the_stakeholder_in_its_desk(qtbot, window):
    popup = _ctrl_k(qtbot, window)
    hits = _type(qtbot, popup, "mbek")
    assert hits[0].kind == "stakeholder" and hits[0].title == "President Aurélien Mbeka"
    assert popup.current_hit() == hits[0]  # the best is selected
    assert popup.list.model().index(0, 0).data() == "Stakeholders"  # its kind's header
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    desk = window.desk("stakeholders")
    assert window.stack.currentWidget() is desk
    assert desk.selected_id() == hits[0].id


def test_up_and_down_move_across_kinds_skipping_headers_and_esc_closes(qtbot, window):
    popup = _ctrl_k(qtbot, window)
    hits = _type(qtbot, popup, "leppko")
    kinds = [h.kind for h in hits]
    last_stakeholder = kinds.index("engagement") - 1
    QTest.keyClick(popup.edit, Qt.Key.Key_Up)  # already first: stays
    assert popup.current_hit() == hits[0]
    for _ in range(last_stakeholder):
        QTest.keyClick(popup.edit, Qt.Key.Key_Down)
    assert popup.current_hit() == hits[last_stakeholder]
    QTest.keyClick(popup.edit, Qt.Key.Key_Down)  # over the "Engagements" header
    assert popup.current_hit() == hits[last_stakeholder + 1]
    assert popup.current_hit().kind == "engagement"
    QTest.keyClick(popup.edit, Qt.Key.Key_Up)
    assert popup.current_hit() == hits[last_stakeholder]
    QTest.keyClick(popup.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert window.stack.currentWidget() is window.desk("overview")  # nothing opened


def test_typing_refines_and_nothing_found_says_so(qtbot, window):
    popup = _ctrl_k(qtbot, window)
    assert len(_type(qtbot, popup, "calendar")) > 3
    assert _type(qtbot, popup, " zzq") == []
    assert popup.status.text() == "Nothing matches."
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)  # nothing to open: the popup stays
    assert popup.isVisible()


def test_enter_opens_a_source_by_its_code_name(qtbot, window):
    popup = _ctrl_k(qtbot, window)
    hits = _type(qtbot, popup, "SRC-004")
    assert [h.title for h in hits] == ["SRC-004"]
    assert hits[0].snippet == ""  # a protected source: the code name only
    QTest.keyClick(popup.edit, Qt.Key.Key_Enter)
    desk = window.desk("sources")
    assert window.stack.currentWidget() is desk
    assert desk.current_id() == hits[0].id


def test_delete_and_undo_through_the_desk_change_what_search_finds(qtbot, window):
    desk = window.desk("stakeholders")
    window.select_desk("stakeholders")
    (hit,) = search_service.search(window.ctx.handle, "mbeka", kinds=["stakeholder"])
    assert desk.select_stakeholder(hit.id)
    assert desk.actions.delete(desk.current_row()) is None
    popup = _ctrl_k(qtbot, window)
    assert _type(qtbot, popup, "mbeka") == []
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: [h.id for h in popup.model.hits()] == [hit.id])  # follows changes


def test_results_model_passes_the_model_tester(qtmodeltester, window):
    model = SearchResultsModel()
    model.set_hits(search_service.search(window.ctx.handle, "leppko", typing=True))
    assert model.rowCount() > 10
    qtmodeltester.check(model)


def test_no_mission_no_popup(qtbot):
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.search_action.trigger()
    assert getattr(win, "search_popup", None) is None
