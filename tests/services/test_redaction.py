"""Redact on real mission files: the content leaves the record, its drafts, its change-log
history, the search index and (plain file) the bytes on disk; the redaction is logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from missiondesk.services import stakeholders
from missiondesk.services.audit import history
from missiondesk.services.redaction import redact, redactable_fields
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.handle import open_mission, utcnow
from missiondesk.store.schema import ChangeLog, Draft

SECRET = "Zanzibarquux met the colonel at the Kalari ferry"
OTHER = "Oldtextplugh says the convoy leaves at dawn"


def _stakeholder(handle) -> tuple[str, int]:
    with handle.unit_of_work() as uow:
        view = stakeholders.create_stakeholder(uow, name="Colonel Test", category="other",
                                               description=OTHER, grievances="kept")
    with handle.unit_of_work() as uow:
        view = stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                               description=SECRET)
    return view.id, view.revision


def _draft(handle, record_id: str, field: str, text: str) -> None:
    now = utcnow()
    with handle.session() as session, session.begin():
        session.add(Draft(table_name="stakeholders", record_id=record_id, field=field,
                          text=text, created_at=now, updated_at=now, revision=1))


def test_redact_removes_record_drafts_and_history(plain_mission):
    sid, revision = _stakeholder(plain_mission)
    _draft(plain_mission, sid, "description", SECRET + " and more")
    _draft(plain_mission, sid, "grievances", "another field's draft")
    with plain_mission.unit_of_work() as uow:
        report = redact(uow, "stakeholders", sid, "description")
    assert (report.record, report.drafts, report.log_entries) == (True, 1, 1)

    detail = stakeholders.get_stakeholder(plain_mission, sid)
    assert detail.description is None
    assert detail.grievances == "kept"
    assert detail.revision == revision + 1
    with plain_mission.session() as session:
        drafts = session.scalars(select(Draft.field)).all()
        log = session.scalars(select(ChangeLog).where(ChangeLog.record_id == sid)).all()
    assert drafts == ["grievances"]
    texts = " ".join(str(c.old_value) + str(c.new_value) for c in log)
    assert "Zanzibarquux" not in texts and "Oldtextplugh" not in texts
    actions = [e.action for e in history(plain_mission, "stakeholders", sid)]
    assert actions.count("redact") == 1 and actions.count("redacted") == 1
    assert "create" in actions
    # An edit or undo holding the old revision is refused.
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        stakeholders.update_stakeholder(uow, sid, expected_revision=revision,
                                        description=SECRET)


def test_redacted_text_leaves_the_search_index_and_the_plain_file(tmp_path):
    from missiondesk.store.handle import NewMission, create_mission

    path = tmp_path / "plain.mdesk"
    handle = create_mission(path, None, NewMission(name="Plain"))
    handle.set_user(None, "Tester")
    sid, _rev = _stakeholder(handle)
    _draft(handle, sid, "description", SECRET)
    with handle.driver_connection() as conn:
        hits = conn.execute("SELECT rowid FROM stakeholders_fts WHERE stakeholders_fts "
                            "MATCH 'zanzibarquux'").fetchall()
    assert hits  # the positive control: the index held the word
    handle.close()
    raw = path.read_bytes()
    assert b"Zanzibarquux" in raw  # and so did the file

    handle = open_mission(path, None)
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        redact(uow, "stakeholders", sid, "description")
    with handle.driver_connection() as conn:
        hits = conn.execute("SELECT rowid FROM stakeholders_fts WHERE stakeholders_fts "
                            "MATCH 'zanzibarquux'").fetchall()
    assert hits == []
    handle.close()
    leftovers = [p.name for p in tmp_path.iterdir()
                 if p.is_file() and b"zanzibarquux" in p.read_bytes().lower()]
    assert leftovers == []


def test_redact_of_an_empty_field_and_refusals(plain_mission):
    sid, _rev = _stakeholder(plain_mission)
    with plain_mission.unit_of_work() as uow:
        report = redact(uow, "stakeholders", sid, "needs")
    assert (report.record, report.drafts, report.log_entries) == (False, 0, 0)
    with pytest.raises(InvalidValue) as info, plain_mission.unit_of_work() as uow:
        redact(uow, "stakeholders", sid, "influence")
    assert info.value.params["reason"] == "not_redactable"
    with pytest.raises(RecordMissing), plain_mission.unit_of_work() as uow:
        redact(uow, "stakeholders", "no-such-id", "description")
    # Names and aliases are redactable (issue 8, item 1); a team member's name, the "who" of
    # every log entry, and the mission's are not.
    assert {"name", "aliases"} <= set(redactable_fields("stakeholders"))
    assert "name" not in redactable_fields("team_members")
    assert "name" not in redactable_fields("mission")
    assert "description" in redactable_fields("sources")


def test_redaction_notifies_listeners(plain_mission):
    sid, _rev = _stakeholder(plain_mission)
    seen = []
    plain_mission.add_listener(seen.append)
    with plain_mission.unit_of_work() as uow:
        redact(uow, "stakeholders", sid, "description")
    assert seen and seen[0].touches("stakeholders")
