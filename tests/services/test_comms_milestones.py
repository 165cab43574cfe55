"""Milestones, candidate achievements and the calendar on hand-built missions: benchmarks
newly met and commitments fulfilled in the window are proposed once, and a window around an
SG report marks the milestones that fall in it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from missiondesk.services import comms_milestones as service
from missiondesk.store.errors import InvalidValue
from missiondesk.store.schema import Benchmark, BenchmarkAssessment, ChangeLog, CycleEvent

TODAY = date(2026, 6, 30)


def _benchmark(handle, statement, *assessments):
    with handle.unit_of_work() as uow:
        b = uow.add(Benchmark(statement=statement, status=assessments[-1][1]))
        uow.session.flush()
        for days_ago, status in assessments:
            uow.add(BenchmarkAssessment(benchmark_id=b.id, status=status,
                                        assessed_on=TODAY - timedelta(days=days_ago)))
    return b.id


def _fulfilled_commitment(handle, text, days_ago):
    from missiondesk.services.commitments import create_commitment, set_status

    with handle.unit_of_work() as uow:
        view = create_commitment(uow, text=text, by_mission=True)
    with handle.unit_of_work() as uow:
        set_status(uow, view.id, "fulfilled", expected_revision=view.revision)
    with handle.session() as session:
        session.execute(update(ChangeLog).where(ChangeLog.record_id == view.id,
                                                ChangeLog.field == "status")
                        .values(at=datetime.combine(TODAY - timedelta(days=days_ago),
                                                    time(10))))
        session.commit()
    return view.id


def _milestone(handle, **fields):
    with handle.unit_of_work() as uow:
        return service.create_milestone(uow, **fields)


def test_candidates_are_benchmarks_newly_met_and_commitments_fulfilled(plain_mission):
    newly = _benchmark(plain_mission, "Ceasefire holds", (90, "at_risk"), (10, "met"))
    _benchmark(plain_mission, "Posts filled", (40, "met"), (5, "met"))        # met before
    _benchmark(plain_mission, "Old success", (200, "on_track"), (80, "met"))  # outside
    _benchmark(plain_mission, "Registration", (20, "on_track"))               # not met
    recent = _fulfilled_commitment(plain_mission, "Open the Maldosa road", 3)
    _fulfilled_commitment(plain_mission, "Old promise kept", 61)              # outside
    found = service.candidate_achievements(plain_mission, today=TODAY, window_days=60)
    assert [(c.kind, c.record_id, c.day) for c in found] == [
        ("commitment", recent, TODAY - timedelta(days=3)),
        ("benchmark", newly, TODAY - timedelta(days=10))]
    # turned into a milestone, a candidate is proposed no more
    _milestone(plain_mission, **found[1].milestone_values())
    left = service.candidate_achievements(plain_mission, today=TODAY, window_days=60)
    assert [c.record_id for c in left] == [recent]
    row = service.list_milestones(plain_mission)[0]
    assert (row.title, row.status, row.benchmark_statement) == (
        "Ceasefire holds", "achieved", "Ceasefire holds")


def test_the_window_is_a_mission_setting(plain_mission):
    from missiondesk.services.mission_settings import set_setting

    _benchmark(plain_mission, "Ceasefire holds", (90, "at_risk"), (30, "met"))
    assert len(service.candidate_achievements(plain_mission, today=TODAY)) == 1  # 60 days
    with plain_mission.unit_of_work() as uow:
        set_setting(uow, "achievement_window_days", 20)
    assert service.candidate_achievements(plain_mission, today=TODAY) == []


@pytest.mark.parametrize("fields, field, reason", [
    ({"title": " "}, "title", "required"),
    ({"title": "X", "status": "done"}, "status", "not_in_vocabulary"),
    ({"title": "X", "planned_on": "soon"}, "planned_on", "not_a_date"),
    ({"title": "X", "benchmark_id": "nope"}, "benchmark_id", "unknown_record"),
])
def test_bad_milestones_are_refused(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as caught:
        _milestone(plain_mission, **fields)
    assert (caught.value.params["field"], caught.value.params["reason"]) == (field, reason)


def test_the_calendar_marks_the_window_around_an_sg_report(plain_mission):
    report = TODAY + timedelta(days=20)
    with plain_mission.unit_of_work() as uow:
        uow.add(CycleEvent(kind="sg_report_due", due_on=report, title="SG report due"))
        uow.add(CycleEvent(kind="tcc_meeting", due_on=TODAY + timedelta(days=2),
                           title="TCC meeting"))
    inside = _milestone(plain_mission, title="Radio surge", planned_on=report
                        - timedelta(days=14))
    after = _milestone(plain_mission, title="Returns day",
                       planned_on=report + timedelta(days=8))
    _milestone(plain_mission, title="Later", planned_on=TODAY + timedelta(days=200))
    cal = service.calendar(plain_mission, TODAY, TODAY + timedelta(days=60))
    assert [(w.start, w.end, w.event_kind) for w in cal.windows] == [
        (report - timedelta(days=14), report + timedelta(days=7), "sg_report_due")]
    marks = {e.title: (e.kind, e.in_window) for e in cal.entries}
    assert marks == {"TCC meeting": ("cycle_event", False), "Radio surge": ("milestone", True),
                     "SG report due": ("cycle_event", True),
                     "Returns day": ("milestone", False)}
    assert [e.record_id for e in cal.entries if e.kind == "milestone"] == [inside.id, after.id]
    assert cal.windows_on(report + timedelta(days=7)) and not cal.windows_on(
        report + timedelta(days=8))


def test_a_window_reaches_into_the_period_from_an_event_outside_it(plain_mission):
    with plain_mission.unit_of_work() as uow:
        uow.add(CycleEvent(kind="renewal", due_on=TODAY + timedelta(days=40), title="Renewal"))
    cal = service.calendar(plain_mission, TODAY, TODAY + timedelta(days=30))
    assert cal.entries == ()
    assert [(w.start, w.event_title) for w in cal.windows] == [
        (TODAY + timedelta(days=26), "Renewal")]
