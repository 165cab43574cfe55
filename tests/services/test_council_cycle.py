"""The Council cycle calendar on real mission files: listing by period (what the
communications calendar reads), create/update/delete/restore with revisions."""

from __future__ import annotations

from datetime import date

import pytest

from missiondesk.services import council_cycle as cycle
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict


def _mandate(handle, adopted=date(2026, 1, 15), expires=date(2027, 1, 14)):
    from missiondesk.store.schema import Mandate

    with handle.unit_of_work() as uow:
        row = Mandate(resolution="S/RES/2799 (2026)", adopted_on=adopted, expires_on=expires,
                      penholder="France")
        uow.add(row)
        uow.session.flush()
        return row.id


def _event(handle, **fields):
    with handle.unit_of_work() as uow:
        return cycle.create_cycle_event(uow, **fields)


def test_list_cycle_events_by_period_earliest_first(plain_mission):
    mandate = _mandate(plain_mission)
    _event(plain_mission, kind="renewal", due_on=date(2027, 1, 14), title="Renewal",
           mandate_id=mandate)
    _event(plain_mission, kind="council_briefing", due_on=date(2026, 5, 20),
           title="Briefing")
    _event(plain_mission, kind="sg_report_due", due_on=date(2026, 5, 6), title="Report")
    events = cycle.list_cycle_events(plain_mission)
    assert [e.title for e in events] == ["Report", "Briefing", "Renewal"]
    assert events[2].kind == "renewal" and events[2].mandate_id == mandate
    assert events[0].date == date(2026, 5, 6)
    # Both ends of the period are included.
    window = cycle.list_cycle_events(plain_mission, start=date(2026, 5, 6),
                                     end=date(2026, 5, 20))
    assert [e.title for e in window] == ["Report", "Briefing"]
    assert [e.title for e in cycle.list_cycle_events(plain_mission, start=date(2026, 6, 1))
            ] == ["Renewal"]


def test_demo_has_ten_events(demo_file):
    from missiondesk.store.handle import open_mission
    from tests.conftest import PASSPHRASE

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        events = cycle.list_cycle_events(handle)
    finally:
        handle.close()
    assert len(events) == 10
    assert sum(e.kind == "renewal" for e in events) == 2
    assert all(e.mandate_id for e in events)


def test_update_delete_restore_check_revisions(plain_mission):
    created = _event(plain_mission, kind="tcc_meeting", due_on="2026-09-01",
                     title="TCC/PCC consultations")
    assert created.date == date(2026, 9, 1)
    with plain_mission.unit_of_work() as uow:
        updated = cycle.update_cycle_event(uow, created.id, expected_revision=created.revision,
                                           done=True, title="TCC/PCC meeting")
    assert updated.revision == created.revision + 1 and updated.done
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        cycle.update_cycle_event(uow, created.id, expected_revision=created.revision,
                                 title="Stale")
    with plain_mission.unit_of_work() as uow:
        deleted = cycle.delete_cycle_event(uow, created.id,
                                           expected_revision=updated.revision)
    assert cycle.list_cycle_events(plain_mission) == []
    with pytest.raises(RecordMissing):
        cycle.get_cycle_event(plain_mission, created.id)
    with plain_mission.unit_of_work() as uow:
        cycle.restore_cycle_event(uow, created.id, expected_revision=deleted.revision)
    assert cycle.get_cycle_event(plain_mission, created.id).title == "TCC/PCC meeting"


@pytest.mark.parametrize("fields, field, reason", [
    ({"kind": "picnic", "due_on": "2026-01-01", "title": "x"}, "kind", "not_in_vocabulary"),
    ({"kind": "renewal", "due_on": "1 March", "title": "x"}, "due_on", "not_a_date"),
    ({"kind": "renewal", "due_on": "2026-01-01", "title": "  "}, "title", "required"),
    ({"kind": "renewal", "title": "x"}, "due_on", "required"),
    ({"kind": "renewal", "due_on": "2026-01-01", "title": "x", "mandate_id": "nope"},
     "mandate_id", "unknown_record"),
])
def test_bad_fields_are_refused_by_field(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        cycle.create_cycle_event(uow, **fields)
    assert caught.value.params["field"] == field
    assert caught.value.params["reason"] == reason
    assert cycle.list_cycle_events(plain_mission) == []
