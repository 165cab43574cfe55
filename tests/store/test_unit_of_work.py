"""The unit of work: change log, revisions, listeners, tombstones, refusals."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from missiondesk.services import mission as mission_service
from missiondesk.store import errors
from missiondesk.store.handle import utcnow
from missiondesk.store.schema import ChangeLog, Stakeholder


def _log(handle):
    with handle.session() as session:
        return [(c.action, c.table_name, c.field, c.old_value, c.new_value, c.user_name)
                for c in session.scalars(select(ChangeLog).order_by(ChangeLog.at))]


def test_edit_writes_change_log_bumps_revision_and_notifies_after_commit(plain_mission):
    seen = []

    def listener(changed):
        # the change is committed when listeners hear of it: a new session sees it
        seen.append((changed, mission_service.get_mission(plain_mission).name))

    plain_mission.add_listener(listener)
    before = mission_service.get_mission(plain_mission)
    with plain_mission.unit_of_work() as uow:
        view = mission_service.update_mission(uow, expected_revision=before.revision,
                                              name="UNAC", host_country="Carana")
    assert view.revision == before.revision + 1
    assert len(seen) == 1
    changed, name_seen = seen[0]
    assert changed.tables == {"mission": frozenset({before.id})}
    assert name_seen == "UNAC"
    updates = [entry for entry in _log(plain_mission) if entry[0] == "update"]
    assert ("update", "mission", "name", json.dumps("Plain mission"), json.dumps("UNAC"),
            "Tester") in updates
    assert ("update", "mission", "host_country", None, json.dumps("Carana"), "Tester") in updates


def test_failed_unit_of_work_writes_nothing_and_notifies_nobody(plain_mission):
    seen = []
    plain_mission.add_listener(seen.append)
    before = mission_service.get_mission(plain_mission)
    log_before = _log(plain_mission)
    with pytest.raises(errors.InvalidValue) as info:
        with plain_mission.unit_of_work() as uow:
            mission_service.update_mission(uow, expected_revision=before.revision,
                                           host_country="Carana")
            mission_service.update_mission(uow, expected_revision=before.revision + 1,
                                           time_zone="Mars/Olympus")
    assert info.value.params["reason"] == "unknown_time_zone"
    assert mission_service.get_mission(plain_mission) == before
    assert _log(plain_mission) == log_before
    assert seen == []


def test_stale_revision_is_refused(plain_mission):
    current = mission_service.get_mission(plain_mission)
    with plain_mission.unit_of_work() as uow:
        mission_service.update_mission(uow, expected_revision=current.revision, acronym="A")
    with pytest.raises(errors.RevisionConflict):
        with plain_mission.unit_of_work() as uow:
            mission_service.update_mission(uow, expected_revision=current.revision, acronym="B")
    assert mission_service.get_mission(plain_mission).acronym == "A"


def test_validation_codes_for_bad_mission_fields(plain_mission):
    rev = mission_service.get_mission(plain_mission).revision
    cases = [({"name": "  "}, "required"),
             ({"default_classification": "SECRET"}, "not_in_vocabulary"),
             ({"mandate_expiry": "next spring"}, "not_a_date")]
    for changes, reason in cases:
        with pytest.raises(errors.InvalidValue) as info:
            with plain_mission.unit_of_work() as uow:
                mission_service.update_mission(uow, expected_revision=rev, **changes)
        assert info.value.params["reason"] == reason


def test_tombstoned_rows_are_hidden_everywhere_but_kept(plain_mission):
    with plain_mission.unit_of_work() as uow:
        a = uow.add(Stakeholder(name="Alpha", name_key="alpha"))
        uow.add(Stakeholder(name="Beta", name_key="beta"))
    with plain_mission.unit_of_work() as uow:
        row = uow.session.get(Stakeholder, a.id)
        row.deleted_at = utcnow()
    with plain_mission.session() as session:
        assert [s.name for s in session.scalars(select(Stakeholder))] == ["Beta"]
        hidden = session.scalars(
            select(Stakeholder).execution_options(include_deleted=True)).all()
        assert sorted(s.name for s in hidden) == ["Alpha", "Beta"]
    assert mission_service.mission_summary(plain_mission).counts["stakeholders"] == 1
    assert ("delete", "stakeholders", None, None, None, "Tester") in _log(plain_mission)


def test_new_rows_get_the_common_columns(plain_mission):
    plain_mission.set_user("member-1", "Hamid Osei")
    with plain_mission.unit_of_work() as uow:
        row = uow.add(Stakeholder(name="Gamma", name_key="gamma"))
    with plain_mission.session() as session:
        stored = session.get(Stakeholder, row.id)
        assert len(stored.id) == 36
        assert stored.created_by == stored.updated_by == "Hamid Osei"
        assert stored.revision == 1
        assert stored.origin == plain_mission.device
        assert stored.deleted_at is None
        assert stored.created_at is not None
