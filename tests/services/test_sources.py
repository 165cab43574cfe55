"""The Source register on real mission files: validation codes, unique code names,
citations, masking of protected descriptions, delete and restore."""

from __future__ import annotations

import pytest

from missiondesk.messages import error_text
from missiondesk.services import sources
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE


def _create(handle, **fields):
    with handle.unit_of_work() as uow:
        return sources.create_source(uow, **fields)


def test_create_normalises_and_defaults(plain_mission):
    view = _create(plain_mission, code_name=" src-014 ", source_type="interlocutor",
                   description="Cousin of the Leppko commander")
    row = sources.get_source(plain_mission, view.id)
    assert row.code_name == "SRC-014"
    assert (row.reliability, row.credibility, row.protected) == ("F", 6, True)
    assert row.classification == "CONFIDENTIAL"  # the mission's default
    assert sources.display_description(row) is None
    assert sources.display_description(row, show_protected=True).startswith("Cousin")


@pytest.mark.parametrize("fields, field, reason", [
    ({"source_type": "media"}, "code_name", "required"),
    ({"code_name": "SRC-1", "source_type": "rumour"}, "source_type", "not_in_vocabulary"),
    ({"code_name": "SRC-1", "source_type": "media", "reliability": "G"}, "reliability",
     "not_in_vocabulary"),
    ({"code_name": "SRC-1", "source_type": "media", "credibility": 7}, "credibility",
     "out_of_range"),
    ({"code_name": "SRC-1", "source_type": "media", "credibility": "x"}, "credibility",
     "out_of_range"),
    ({"code_name": "X" * 41, "source_type": "media"}, "code_name", "too_long"),
])
def test_invalid_fields_give_codes_and_a_sentence(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as info:
        _create(plain_mission, **fields)
    assert (info.value.params["field"], info.value.params["reason"]) == (field, reason)
    assert error_text(info.value)
    assert sources.list_sources(plain_mission) == []


def test_code_names_are_unique_even_against_deleted_sources(plain_mission):
    first = _create(plain_mission, code_name="SRC-001", source_type="media")
    with pytest.raises(InvalidValue) as info:
        _create(plain_mission, code_name="src-001", source_type="ngo_report")
    assert info.value.params["reason"] == "duplicate_code"
    with plain_mission.unit_of_work() as uow:
        sources.delete_source(uow, first.id, expected_revision=first.revision)
    assert sources.list_sources(plain_mission) == []
    with pytest.raises(InvalidValue) as info:
        _create(plain_mission, code_name="SRC-001", source_type="ngo_report")
    assert info.value.params["deleted"] is True
    assert "deleted source" in error_text(info.value)
    assert sources.next_code_name(plain_mission) == "SRC-002"


def test_update_checks_revision_and_restore_brings_it_back(plain_mission):
    view = _create(plain_mission, code_name="SRC-002", source_type="media", protected=False)
    with plain_mission.unit_of_work() as uow:
        updated = sources.update_source(uow, view.id, expected_revision=view.revision,
                                        reliability="b", credibility=2)
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        sources.update_source(uow, view.id, expected_revision=view.revision, credibility=3)
    with plain_mission.unit_of_work() as uow:
        gone = sources.delete_source(uow, view.id, expected_revision=updated.revision)
    with plain_mission.unit_of_work() as uow:
        sources.restore_source(uow, view.id, expected_revision=gone.revision)
    row = sources.get_source(plain_mission, view.id)
    assert (row.reliability, row.credibility) == ("B", 2)


def test_demo_sources_sort_by_number_and_count_citations(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        rows = sources.list_sources(handle)
        assert [r.code_name for r in rows][:3] == ["SRC-001", "SRC-002", "SRC-003"]
        assert any(r.protected for r in rows) and any(not r.protected for r in rows)
        assert sum(r.citations for r in rows) > 0
        by_cred = sources.sort_rows(rows, "credibility", descending=True)
        assert by_cred[0].credibility >= by_cred[-1].credibility
        assert sources.next_code_name(handle) == "SRC-%03d" % (len(rows) + 1)
    finally:
        handle.close()
