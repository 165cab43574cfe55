"""The JSON export and its round trip (DESIGN.md's public interface)."""

from __future__ import annotations

import copy

import pytest

from missiondesk.services.interchange import export_mission, import_mission, is_empty
from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, schema_number
from tests.conftest import PASSPHRASE

DESIGN_KEYS = [
    "format", "schema", "mission", "stakeholders", "relationships", "drivers", "engagements",
    "commitments", "team_members", "portfolios", "assignments", "mandates", "mandate_tasks",
    "benchmarks", "indicators", "measurements", "consultations", "cycle_events",
    "comms_objectives", "audiences", "key_messages", "comms_milestones", "media_outlets",
    "rumours", "strategy_objectives", "agreements",
]


@pytest.fixture
def demo_export(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        return export_mission(handle)
    finally:
        handle.close()


def test_export_has_the_documented_shape(demo_export):
    for key in DESIGN_KEYS:
        assert key in demo_export
    assert demo_export["format"] == "missiondesk"
    # the schema number of the file that wrote it: 1 for 0001_initial_schema, one more for
    # each migration since
    assert demo_export["schema"] == schema_number(HEAD_REVISION) >= 1
    assert demo_export["classification"] == "STRICTLY CONFIDENTIAL"
    stakeholder = demo_export["stakeholders"][0]
    for field in ("id", "name", "category", "stance_peace", "stance_mission", "influence",
                  "aliases", "classification", "deleted_at", "revision"):
        assert field in stakeholder
    assert isinstance(stakeholder["aliases"], list)
    assert "drafts" not in demo_export


def test_round_trip_gives_the_same_records(demo_export, tmp_path):
    target = create_mission(tmp_path / "copy.mdesk", "another passphrase",
                            NewMission(name="placeholder"))
    target.set_user(None, "Importer")
    try:
        assert is_empty(target)
        with target.unit_of_work() as uow:
            counts = import_mission(uow, demo_export)
        assert counts["stakeholders"] == len(demo_export["stakeholders"])
        assert export_mission(target) == demo_export
    finally:
        target.close()


def test_bad_export_is_refused_and_nothing_written(demo_export, plain_mission):
    broken = copy.deepcopy(demo_export)
    broken["stakeholders"][3]["influence"] = "very high"
    broken["engagements"][0]["starts_at"] = "yesterday"
    broken["rumours"][0]["flavour"] = "spicy"
    before = export_mission(plain_mission)
    with pytest.raises(errors.BadImport) as info:
        with plain_mission.unit_of_work() as uow:
            import_mission(uow, broken)
    codes = {(code, params.get("table"), params.get("field"))
             for code, params in info.value.params["problems"]}
    assert ("bad_value", "stakeholders", "influence") in codes
    assert ("bad_value", "engagements", "starts_at") in codes
    assert ("unknown_field", "rumours", "flavour") in codes
    assert export_mission(plain_mission) == before


def test_broken_link_rolls_back_the_whole_import(demo_export, plain_mission):
    broken = copy.deepcopy(demo_export)
    broken["relationships"][0]["source_id"] = "00000000-0000-0000-0000-000000000000"
    before = export_mission(plain_mission)
    with pytest.raises(errors.BadImport):
        with plain_mission.unit_of_work() as uow:
            import_mission(uow, broken)
    assert export_mission(plain_mission) == before


def test_import_refuses_a_mission_that_holds_records(demo_export, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        with pytest.raises(errors.BadImport) as info:
            with handle.unit_of_work() as uow:
                import_mission(uow, demo_export)
        assert info.value.params["problems"][0][0] == "mission_not_empty"
    finally:
        handle.close()


@pytest.mark.parametrize("document", [[], {"format": "other"}, {"format": "missiondesk"},
                                      {"format": "missiondesk", "schema": 99, "mission": {}}])
def test_documents_that_are_not_exports(document, plain_mission):
    with pytest.raises((errors.BadImport, errors.NewerSchema)):
        with plain_mission.unit_of_work() as uow:
            import_mission(uow, document)
