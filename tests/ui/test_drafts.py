"""Draft keeping in the stakeholder form, on real mission files (offscreen)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from missiondesk.services import drafts as draft_service
from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.services.drafts import DraftKey, all_drafts, drafts_for, save_draft
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import ChangeLog
from missiondesk.ui.framework import drafts as draft_ui
from missiondesk.ui.framework.drafts import DraftOffer, DraftOfferDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from missiondesk.ui.stakeholders.forms import StakeholderForm
from tests.conftest import PASSPHRASE

TYPED = "He asked twice about the amnesty clause \u2014 Ñandú route"


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(draft_ui, "SAVE_EVERY_MS", 30)


@pytest.fixture
def mission(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


@pytest.fixture
def offers(monkeypatch):
    """Answers the draft offer with `offers.answer`; records what was offered."""

    class Offers(list):
        answer = True

    seen = Offers()

    def ask(cls, parent, fields):
        seen.append(fields)
        return seen.answer

    monkeypatch.setattr(DraftOffer, "ask", classmethod(ask))
    return seen


def _detail(handle):
    row = stakeholder_service.list_stakeholders(handle)[0]
    return stakeholder_service.get_stakeholder(handle, row.id)


def _log_count(handle) -> int:
    with handle.session() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog))


def test_typing_keeps_a_draft_every_few_seconds_without_a_log_entry(
        mission, fast, qtbot, offers):
    detail = _detail(mission)
    before = _log_count(mission)
    form = StakeholderForm(None, [], detail=detail, handle=mission)
    qtbot.addWidget(form)
    form.show()
    form.texts["grievances"].setPlainText(TYPED)
    key = DraftKey("stakeholders", detail.id, "grievances")
    qtbot.waitUntil(lambda: draft_service.get_draft(mission, key) is not None, timeout=2000)
    assert draft_service.get_draft(mission, key).text == TYPED
    assert _log_count(mission) == before
    form.texts["grievances"].setPlainText(detail.grievances or "")  # typed back to the saved text
    qtbot.waitUntil(lambda: draft_service.get_draft(mission, key) is None, timeout=2000)


def test_a_draft_survives_closing_the_mission_and_is_offered_back(demo_file, qtbot, offers):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    detail = _detail(handle)
    form = StakeholderForm(None, [], detail=detail, handle=handle)
    qtbot.addWidget(form)
    form.texts["needs"].setPlainText(TYPED)
    form.drafts.flush()
    handle.close()  # a crash or a flat battery: the form never closed
    form.drafts.keepers.clear()

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        again = StakeholderForm(None, [], detail=_detail(handle), handle=handle)
        qtbot.addWidget(again)
        again.show()
        qtbot.waitUntil(lambda: bool(offers))
        assert offers == [[("Needs", TYPED)]]
        assert again.texts["needs"].toPlainText() == TYPED
        assert again.texts["description"].toPlainText() == (detail.description or "")
    finally:
        handle.close()


def test_declining_the_offer_discards_the_draft(mission, qtbot, offers):
    detail = _detail(mission)
    save_draft(mission, DraftKey("stakeholders", detail.id, "motivations"), TYPED)
    offers.answer = False
    form = StakeholderForm(None, [], detail=detail, handle=mission)
    qtbot.addWidget(form)
    assert form.drafts.offer() is False
    assert form.texts["motivations"].toPlainText() == (detail.motivations or "")
    assert drafts_for(mission, "stakeholders", detail.id) == []


def test_saving_the_form_discards_its_drafts_but_a_refused_save_keeps_them(
        mission, qtbot, offers):
    detail = _detail(mission)
    form = StakeholderForm(None, [], detail=detail, handle=mission)
    qtbot.addWidget(form)
    form.show()
    form.texts["positions"].setPlainText(TYPED)
    form.drafts.flush()
    form.accept()
    form.show()  # the desk shows the form again when the save is refused
    qtbot.wait(20)
    assert len(drafts_for(mission, "stakeholders", detail.id)) == 1
    form.accept()  # saved this time: the form stays closed
    qtbot.waitUntil(lambda: drafts_for(mission, "stakeholders", detail.id) == [])


def test_a_new_stakeholder_form_keeps_its_name_and_text(mission, qtbot, offers):
    form = StakeholderForm(None, [], handle=mission)
    qtbot.addWidget(form)
    form.name.setText("Colonel X")
    form.texts["description"].setPlainText(TYPED)
    form.drafts.flush()
    kept = {d.key.field: d.text for d in drafts_for(mission, "stakeholders", None)}
    assert kept == {"name": "Colonel X", "description": TYPED}
    form.reject()
    assert all_drafts(mission) == []


def test_a_form_without_a_mission_keeps_no_drafts(qtbot):
    form = StakeholderForm(None, [])
    qtbot.addWidget(form)
    assert form.drafts is None


def test_opening_a_mission_with_drafts_says_so(demo_file, qtbot, monkeypatch):
    from missiondesk.ui.dialogs import Identity, IdentityDialog

    handle = open_mission(demo_file, PASSPHRASE)
    save_draft(handle, DraftKey("stakeholders", None, "description"), TYPED)
    handle.close()
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.open_path(demo_file, passphrase=PASSPHRASE)
        assert "unsaved text" in window.statusBar().currentMessage()
    finally:
        window.close_mission()


def test_the_offer_dialog_shows_each_field_and_its_text(qtbot):
    dialog = DraftOfferDialog(None, [("Needs", TYPED), ("Description", "x" * 1000)])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.restore_button.text() == "Restore the Text"
    dialog.restore_button.click()
    assert dialog.result() == DraftOfferDialog.DialogCode.Accepted
