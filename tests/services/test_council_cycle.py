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


# --- preparation tasks ------------------------------------------------------------------------


def test_preparation_tasks_with_owners_live_beside_the_notes(plain_mission):
    from missiondesk.services.checklist import ChecklistTask

    created = _event(plain_mission, kind="sg_report_due", due_on="2026-05-06",
                     title="SG report due", notes="Four-monthly report.",
                     tasks=[("Benchmarks annex", "Amina Diallo", False),
                            {"text": "Political section", "owner": None, "done": True}])
    assert created.notes == "Four-monthly report."
    assert created.tasks == (ChecklistTask("Benchmarks annex", "Amina Diallo", False),
                             ChecklistTask("Political section", None, True))
    assert created.open_tasks == 1
    # Editing the notes keeps the tasks; ticking a task keeps the notes.
    with plain_mission.unit_of_work() as uow:
        after = cycle.update_cycle_event(uow, created.id, expected_revision=created.revision,
                                         notes="Report every four months.")
    assert after.tasks == created.tasks
    with plain_mission.unit_of_work() as uow:
        ticked = cycle.update_cycle_event(
            uow, created.id, expected_revision=after.revision,
            tasks=[ChecklistTask("Benchmarks annex", "Amina Diallo", True),
                   created.tasks[1]])
    assert ticked.notes == "Report every four months." and ticked.open_tasks == 0
    # What the file holds is readable as it is (exports, the audit trail).
    from missiondesk.store.schema import CycleEvent

    with plain_mission.session() as session:
        stored = session.get(CycleEvent, created.id).notes
    assert stored == ("Report every four months.\n\n"
                      "- [x] Benchmarks annex \u2014 Amina Diallo\n- [x] Political section")


def test_an_empty_task_is_refused(plain_mission):
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        cycle.create_cycle_event(uow, kind="renewal", due_on="2026-05-06", title="Renewal",
                                 tasks=[("  ", "Amina", False)])
    assert caught.value.params["field"] == "tasks"


# --- generation ---------------------------------------------------------------------------


def test_generation_from_dates_and_rhythm(plain_mission):
    mandate = _mandate(plain_mission, adopted=date(2026, 1, 1), expires=date(2026, 12, 31))
    rhythm = cycle.CycleRhythm(report_every_days=90, briefing_after_report_days=14,
                               tcc_before_renewal_days=30)
    planned = cycle.plan_cycle(plain_mission, mandate, rhythm)
    assert [(p.kind, p.date.isoformat(), p.number) for p in planned] == [
        ("sg_report_due", "2026-04-01", 1), ("council_briefing", "2026-04-15", 1),
        ("sg_report_due", "2026-06-30", 2), ("council_briefing", "2026-07-14", 2),
        ("sg_report_due", "2026-09-28", 3), ("council_briefing", "2026-10-12", 3),
        ("tcc_meeting", "2026-12-01", 0),
        ("sg_report_due", "2026-12-27", 4),          # its briefing would be after the expiry
        ("renewal", "2026-12-31", 0),
    ]
    assert all(p.is_new for p in planned)


def test_generation_never_duplicates_events_already_there(plain_mission):
    mandate = _mandate(plain_mission, adopted=date(2026, 1, 1), expires=date(2026, 12, 31))
    kept = _event(plain_mission, kind="sg_report_due", due_on=date(2026, 4, 6),
                  title="First report (agreed date)", mandate_id=mandate)
    _event(plain_mission, kind="council_briefing", due_on=date(2026, 6, 1),
           title="Unrelated briefing")
    rhythm = cycle.CycleRhythm(report_every_days=120, briefing_after_report_days=14,
                               tcc_before_renewal_days=30, match_days=10)
    planned = cycle.plan_cycle(plain_mission, mandate, rhythm)
    first = planned[0]
    assert (first.kind, first.date, first.existing_id) == ("sg_report_due",
                                                           date(2026, 5, 1), None)
    # 2026-04-06 is 25 days from the proposed 2026-05-01: too far with match_days=10.
    rhythm = cycle.CycleRhythm(report_every_days=95, match_days=10)
    planned = cycle.plan_cycle(plain_mission, mandate, rhythm)
    assert planned[0].existing_id == kept.id and planned[0].existing_date == date(2026, 4, 6)
    new = [cycle.NewEvent(p.kind, p.date, "%s %d" % (p.kind, p.number))
           for p in planned if p.is_new]
    with plain_mission.unit_of_work() as uow:
        created = cycle.create_planned(uow, mandate, new, match_days=10)
    assert len(created) == len(planned) - 1
    events = cycle.list_cycle_events(plain_mission)
    assert len(events) == len(planned) + 1   # + the unrelated briefing
    assert sum(e.kind == "renewal" for e in events) == 1
    # A second generation proposes nothing new and creates nothing.
    again = cycle.plan_cycle(plain_mission, mandate, rhythm)
    assert not [p for p in again if p.is_new]
    with plain_mission.unit_of_work() as uow:
        assert cycle.create_planned(uow, mandate, new, match_days=10) == []
    assert len(cycle.list_cycle_events(plain_mission)) == len(events)


def test_generation_needs_both_dates(plain_mission):
    from missiondesk.messages import error_text

    mandate = _mandate(plain_mission, adopted=None, expires=date(2026, 12, 31))
    with pytest.raises(InvalidValue) as caught:
        cycle.plan_cycle(plain_mission, mandate)
    assert caught.value.params["field"] == "adopted_on"
    backwards = _mandate(plain_mission, adopted=date(2027, 1, 1), expires=date(2026, 12, 31))
    with pytest.raises(InvalidValue) as caught:
        cycle.plan_cycle(plain_mission, backwards)
    assert "after" in error_text(caught.value)
    with pytest.raises(InvalidValue) as caught:
        cycle.plan_cycle(plain_mission, backwards, cycle.CycleRhythm(report_every_days=5))
    assert caught.value.params["field"] == "cycle_report_every_days"


def test_rhythm_is_a_mission_setting(plain_mission):
    assert cycle.mission_rhythm(plain_mission) == cycle.CycleRhythm()
    chosen = cycle.CycleRhythm(report_every_days=120, briefing_after_report_days=10,
                               tcc_before_renewal_days=45)
    with plain_mission.unit_of_work() as uow:
        cycle.save_rhythm(uow, chosen)
    assert cycle.mission_rhythm(plain_mission) == chosen


# --- imminent -------------------------------------------------------------------------------


def test_imminent_events_within_the_mission_window(plain_mission):
    from missiondesk.services.mission_settings import set_setting

    today = date(2026, 5, 1)
    _event(plain_mission, kind="sg_report_due", due_on=date(2026, 4, 30), title="Yesterday")
    _event(plain_mission, kind="sg_report_due", due_on=today, title="Today")
    done = _event(plain_mission, kind="tcc_meeting", due_on=date(2026, 5, 3), title="Done")
    with plain_mission.unit_of_work() as uow:
        cycle.update_cycle_event(uow, done.id, expected_revision=done.revision, done=True)
    _event(plain_mission, kind="council_briefing", due_on=date(2026, 5, 22), title="Day 21")
    _event(plain_mission, kind="renewal", due_on=date(2026, 5, 23), title="Day 22")
    # 21 days ahead by default, both ends included
    assert [e.title for e in cycle.imminent_events(plain_mission, today=today)] == [
        "Today", "Day 21"]
    with plain_mission.unit_of_work() as uow:
        set_setting(uow, cycle.IMMINENT_SETTING, 30)
    assert [e.title for e in cycle.imminent_events(plain_mission, today=today)] == [
        "Today", "Day 21", "Day 22"]
