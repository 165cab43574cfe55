"""Exports are marked by everything they carry (deleted rows, change-log values), and the
identifying fields of protected sources leave the mission file only when asked for, which the
audit trail records (issue 8, item 2)."""

from __future__ import annotations

import json

from missiondesk.services import audit, sources, stakeholders
from missiondesk.services.interchange import export_mission, import_mission
from missiondesk.services.table_io import read_table
from missiondesk.store.handle import NewMission, create_mission

WHO = "The cousin of the northern governor"
EARLIER = "A driver at the prefecture"


def _stakeholder(handle, name, classification, **fields):
    with handle.unit_of_work() as uow:
        return stakeholders.create_stakeholder(uow, name=name, category="other",
                                               classification=classification, **fields)


def _protected_source(handle):
    with handle.unit_of_work() as uow:
        view = sources.create_source(uow, code_name="SRC-007", source_type="interlocutor",
                                     description=EARLIER, classification="CONFIDENTIAL")
    with handle.unit_of_work() as uow:
        sources.update_source(uow, view.id, expected_revision=view.revision, description=WHO)
    return view.id


def test_a_deleted_record_still_marks_the_json_export(plain_mission):
    _stakeholder(plain_mission, "Open actor", "UNCLASSIFIED")
    secret = _stakeholder(plain_mission, "Hidden actor", "STRICTLY CONFIDENTIAL")
    with plain_mission.unit_of_work() as uow:
        stakeholders.delete_stakeholder(uow, secret.id, expected_revision=secret.revision)
    data = export_mission(plain_mission)
    assert any(s["name"] == "Hidden actor" and s["deleted_at"] for s in data["stakeholders"])
    assert data["classification"] == "STRICTLY CONFIDENTIAL"


def _downgraded(handle):
    """A record whose old values in the log were written under STRICTLY CONFIDENTIAL."""
    view = _stakeholder(handle, "Actor", "STRICTLY CONFIDENTIAL",
                        grievances="Said in confidence")
    with handle.unit_of_work() as uow:
        view = stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                               grievances="Public grievances")
    with handle.unit_of_work() as uow:
        stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                        classification="UNCLASSIFIED")
    return view


def test_a_downgraded_record_marks_the_json_export_by_its_logged_past(plain_mission):
    _downgraded(plain_mission)
    data = export_mission(plain_mission)
    assert all(s["classification"] == "UNCLASSIFIED" for s in data["stakeholders"])
    assert any("Said in confidence" in (c["old_value"] or "") for c in data["change_log"])
    assert data["classification"] == "STRICTLY CONFIDENTIAL"


def test_a_downgraded_record_marks_the_audit_export_by_its_logged_past(plain_mission,
                                                                       tmp_path):
    view = _downgraded(plain_mission)
    log = read_table(audit.export_change_log(plain_mission, tmp_path / "log.csv", "csv"))
    assert log.classification == "STRICTLY CONFIDENTIAL"
    one_entry = audit.export_change_log(
        plain_mission, tmp_path / "grievances.csv", "csv",
        audit.AuditFilter(record=("stakeholders", view.id), actions=("update",)))
    assert read_table(one_entry).classification == "STRICTLY CONFIDENTIAL"


def test_json_export_masks_protected_sources_unless_asked(plain_mission, tmp_path):
    source_id = _protected_source(plain_mission)
    with plain_mission.unit_of_work() as uow:
        sources.create_source(uow, code_name="SRC-008", source_type="media", protected=False,
                              description="Radio Carana, evening bulletin")
    masked = export_mission(plain_mission)
    text = json.dumps(masked, ensure_ascii=False)
    assert WHO not in text and EARLIER not in text
    assert masked["protected_masked"] is True
    by_code = {s["code_name"]: s for s in masked["sources"]}
    assert by_code["SRC-007"]["description"] is None
    assert by_code["SRC-008"]["description"] == "Radio Carana, evening bulletin"
    logged = [c for c in masked["change_log"]
              if c["record_id"] == source_id and c["field"] == "description"]
    assert logged and all(c["old_value"] is None and c["new_value"] is None for c in logged)

    full = export_mission(plain_mission, include_protected=True)
    assert full["protected_masked"] is False
    assert {s["code_name"]: s for s in full["sources"]}["SRC-007"]["description"] == WHO
    assert EARLIER in json.dumps(full, ensure_ascii=False)

    # a masked export still imports, and exports again the same
    target = create_mission(tmp_path / "copy.mdesk", None, NewMission(name="placeholder"))
    target.set_user(None, "Importer")
    try:
        with target.unit_of_work() as uow:
            import_mission(uow, masked)
        assert export_mission(target) == masked
    finally:
        target.close()


def test_asking_for_protected_sources_is_logged_without_content(plain_mission):
    _protected_source(plain_mission)
    with plain_mission.unit_of_work() as uow:
        sources.log_protected_access(uow, sources.SHOWN_PROTECTED)
    plain_mission.set_user(None, "Other Officer")
    with plain_mission.unit_of_work() as uow:
        sources.log_protected_access(uow, sources.EXPORTED_PROTECTED)
    entries = audit.change_log(plain_mission, audit.AuditFilter(
        actions=(sources.SHOWN_PROTECTED, sources.EXPORTED_PROTECTED))).entries
    assert [(e.action, e.user_name, e.table, e.record_label) for e in entries] == [
        ("reveal_exp", "Other Officer", "mission", "Plain mission"),
        ("reveal", "Tester", "mission", "Plain mission")]
    assert all(e.field is None and e.old_value is None and e.new_value is None
               for e in entries)
