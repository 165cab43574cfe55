"""Drafts kept in the mission file: one row per key, no change-log entry, encrypted with it."""

from __future__ import annotations

from sqlalchemy import func, select

from missiondesk.services.drafts import (
    DraftKey,
    all_drafts,
    delete_drafts,
    discard_draft,
    drafts_for,
    get_draft,
    save_draft,
)
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.schema import ChangeLog, Draft
from tests.conftest import PASSPHRASE

SECRET = "Commander Kaleb said the convoy moves Tuesday \u2014 Zyqwarx-7731"


def _count(handle, model) -> int:
    with handle.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_draft_is_kept_in_place_and_read_back(plain_mission):
    key = DraftKey("stakeholders", "sid-1", "description")
    save_draft(plain_mission, key, "first words")
    save_draft(plain_mission, key, "first words, then more")
    assert _count(plain_mission, Draft) == 1
    [draft] = drafts_for(plain_mission, "stakeholders", "sid-1")
    assert draft.key == key and draft.text == "first words, then more"
    assert get_draft(plain_mission, key).text == "first words, then more"
    assert drafts_for(plain_mission, "stakeholders", "sid-2") == []


def test_drafts_of_a_new_record_have_no_record_id(plain_mission):
    new = DraftKey("stakeholders", None, "needs")
    old = DraftKey("stakeholders", "sid-1", "needs")
    save_draft(plain_mission, new, "for the record not saved yet")
    save_draft(plain_mission, old, "for the saved record")
    assert [d.text for d in drafts_for(plain_mission, "stakeholders", None)] == [
        "for the record not saved yet"]
    assert [d.text for d in drafts_for(plain_mission, "stakeholders", "sid-1")] == [
        "for the saved record"]
    assert len(all_drafts(plain_mission)) == 2


def test_drafts_write_nothing_to_the_change_log_and_notify_nobody(plain_mission):
    heard = []
    plain_mission.add_listener(heard.append)
    before = _count(plain_mission, ChangeLog)
    key = DraftKey("stakeholders", "sid-1", "grievances")
    save_draft(plain_mission, key, "typed")
    save_draft(plain_mission, key, "typed again")
    assert discard_draft(plain_mission, key)
    assert _count(plain_mission, ChangeLog) == before
    assert heard == []


def test_discard_removes_the_row(plain_mission):
    key = DraftKey("stakeholders", "sid-1", "interests")
    save_draft(plain_mission, key, "x")
    assert discard_draft(plain_mission, key) is True
    assert discard_draft(plain_mission, key) is False
    assert _count(plain_mission, Draft) == 0


def test_delete_drafts_works_inside_a_callers_transaction(plain_mission):
    key = DraftKey("stakeholders", "sid-1", "positions")
    save_draft(plain_mission, key, "to be redacted")
    with plain_mission.unit_of_work() as uow:
        assert delete_drafts(uow.session, key) == 1
    assert all_drafts(plain_mission) == []


def test_a_draft_survives_closing_and_reopening_an_encrypted_mission(tmp_path):
    handle = create_mission(tmp_path / "m.mdesk", PASSPHRASE, NewMission(name="M"))
    path = handle.path
    key = DraftKey("stakeholders", "sid-9", "description")
    save_draft(handle, key, SECRET)
    handle.close()
    for name in (path.name, path.name + "-wal"):
        part = path.with_name(name)
        if part.exists():
            data = part.read_bytes()
            assert b"Zyqwarx" not in data and "Zyqwarx".encode("utf-16-le") not in data
    handle = open_mission(path, PASSPHRASE)
    try:
        assert get_draft(handle, key).text == SECRET
    finally:
        handle.close()
