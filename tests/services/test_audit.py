"""The audit trail on real mission files: history per record, the filtered and paged
mission-wide log, its marked export, masked protected sources, restoring a deletion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from missiondesk.services import audit, sources, stakeholders
from missiondesk.services.audit import AuditFilter
from missiondesk.services.table_io import read_table
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE


def _stakeholder(handle, name="Colonel Test", **fields):
    with handle.unit_of_work() as uow:
        return stakeholders.create_stakeholder(uow, name=name, category="other", **fields)


def test_history_of_one_record_newest_first(plain_mission):
    view = _stakeholder(plain_mission)
    with plain_mission.unit_of_work() as uow:
        stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                        influence=5)
    entries = audit.history(plain_mission, "stakeholders", view.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert (entries[0].field, entries[0].old_value, entries[0].new_value) == ("influence", 3, 5)
    assert entries[0].record_label == "Colonel Test"
    assert entries[0].user_name == "Tester"


def test_filters_and_paging(plain_mission):
    for i in range(5):
        _stakeholder(plain_mission, name="Person %d" % i)
    plain_mission.set_user(None, "Other Officer")
    with plain_mission.unit_of_work() as uow:
        sources.create_source(uow, code_name="SRC-001", source_type="media")
    everything = audit.change_log(plain_mission, count=True)
    assert everything.total == len(everything.entries) == 6
    first = audit.change_log(plain_mission, limit=3)
    second = audit.change_log(plain_mission, limit=3, offset=3)
    assert first.has_more and len(first.entries) == 3
    assert {e.id for e in first.entries}.isdisjoint(e.id for e in second.entries)
    assert first.entries[0].at >= second.entries[-1].at  # newest first
    by_who = audit.change_log(plain_mission, AuditFilter(who="Other Officer"))
    assert [e.table for e in by_who.entries] == ["sources"]
    by_table = audit.change_log(plain_mission, AuditFilter(tables=("stakeholders",)))
    assert len(by_table.entries) == 5
    today = date.today()
    assert audit.change_log(plain_mission, AuditFilter(since=today + timedelta(days=1))
                            ).entries == []
    assert len(audit.change_log(plain_mission, AuditFilter(since=today - timedelta(days=1),
                                                           until=today)).entries) == 6
    assert "Other Officer" in audit.log_users(plain_mission)
    assert {"stakeholders", "sources"} <= set(audit.log_tables(plain_mission))


def test_protected_source_description_is_masked_in_the_trail(plain_mission):
    with plain_mission.unit_of_work() as uow:
        view = sources.create_source(uow, code_name="SRC-009", source_type="interlocutor",
                                     description="first")
    with plain_mission.unit_of_work() as uow:
        sources.update_source(uow, view.id, expected_revision=view.revision,
                              description="The driver of the governor")
    entry = audit.history(plain_mission, "sources", view.id)[0]
    assert entry.masked and entry.old_value is None and entry.new_value is None
    assert entry.record_label == "SRC-009"


def test_export_is_marked_with_the_highest_classification(plain_mission, tmp_path):
    _stakeholder(plain_mission, classification="UNCLASSIFIED")
    _stakeholder(plain_mission, name="Secret one", classification="STRICTLY CONFIDENTIAL")
    path = audit.export_change_log(plain_mission, tmp_path / "log.csv", "csv")
    table = read_table(path)
    assert table.classification == "STRICTLY CONFIDENTIAL"
    assert table.headers[:3] == ["at", "who", "table"]
    assert len(table.rows) == 2
    only_first = audit.export_change_log(
        plain_mission, tmp_path / "log.xlsx", "xlsx",
        AuditFilter(tables=("stakeholders",)), headers=["When", "Who", "Desk", "Record",
                                                        "Id", "Action", "Field", "Old",
                                                        "New"])
    assert read_table(only_first).headers[0] == "When"


def test_export_of_nothing_uses_the_mission_default(plain_mission, tmp_path):
    path = audit.export_change_log(plain_mission, tmp_path / "log.csv", "csv",
                                   AuditFilter(who="Nobody"))
    assert read_table(path).classification == "CONFIDENTIAL"


def test_restore_deleted_from_the_log(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    try:
        row = stakeholders.list_stakeholders(handle)[0]
        with handle.unit_of_work() as uow:
            stakeholders.delete_stakeholder(uow, row.id, expected_revision=row.revision)
        deletion = audit.change_log(handle, AuditFilter(actions=("delete",))).entries[0]
        assert deletion.record_id == row.id and deletion.record_deleted
        with handle.unit_of_work() as uow:
            restored = audit.restore_deleted(uow, deletion.table, deletion.record_id)
        assert row.id in {r.id for r in stakeholders.list_stakeholders(handle)}
        assert audit.history(handle, "stakeholders", row.id)[0].action == "restore"
        with pytest.raises(InvalidValue) as info, handle.unit_of_work() as uow:
            audit.restore_deleted(uow, "stakeholders", row.id)
        assert info.value.params["reason"] == "not_deleted"
        with handle.unit_of_work() as uow:
            audit.delete_again(uow, "stakeholders", row.id,
                               expected_revision=restored.revision)
        assert row.id not in {r.id for r in stakeholders.list_stakeholders(handle)}
    finally:
        handle.close()
