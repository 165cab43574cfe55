"""The mandate service on hand-built missions (real migrations): mandates and the current one,
tasks in paragraph order with their benchmark links, benchmarks whose status is the cache of
their newest dated assessment, indicators and measurements, the board by pillar and what moved
since the last SG report; the demo's counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from missiondesk.services import mandate as service
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.schema import ChangeLog, CycleEvent


def _write(handle, fn, *args, **kwargs):
    with handle.unit_of_work() as uow:
        return fn(uow, *args, **kwargs)


@pytest.fixture
def mission(plain_mission):
    """A mandate with three tasks and three benchmarks in two pillars."""
    h = plain_mission
    m = _write(h, service.create_mandate, resolution="S/RES/2799 (2026)",
               adopted_on=date(2026, 5, 2), expires_on=date(2027, 5, 2), penholder="France")
    tasks = {p: _write(h, service.create_task, m.id, paragraph=p, text="Task " + p,
                       pillar="Political process", priority=p != "OP 40")
             for p in ("OP 28(b)", "OP 28(a)", "OP 40")}
    bms = {}
    for key, pillar in (("ceasefire", "Political process"), ("gnr", "Political process"),
                        ("poc", "Protection of civilians")):
        bms[key] = _write(h, service.create_benchmark, m.id, statement="Condition " + key,
                          pillar=pillar, responsible_parties="CDF, MPC")
    return h, m, tasks, bms


def _assess(h, bid, on, status, note=None):
    rev = next(b.revision for b in service.list_benchmarks(h, service.mandate_of(h, bid))
               if b.id == bid)
    return _write(h, service.record_assessment, bid, expected_revision=rev, assessed_on=on,
                  status=status, note=note)


# --- mandates ----------------------------------------------------------------------------------


def test_the_current_mandate_is_the_latest_adopted_unless_chosen(mission):
    h, m, _, _ = mission
    older = _write(h, service.create_mandate, resolution="S/RES/2741 (2025)",
                   adopted_on=date(2025, 5, 2), expires_on=date(2026, 5, 2))
    mandates = service.list_mandates(h)
    assert [x.resolution for x in mandates] == ["S/RES/2799 (2026)", "S/RES/2741 (2025)"]
    assert service.current_mandate(mandates).id == m.id
    assert service.current_mandate(mandates, older.id).id == older.id
    assert service.current_mandate(mandates, "gone").id == m.id
    assert service.current_mandate([]) is None


def test_days_left_counts_to_expiry(mission):
    h, m, _, _ = mission
    view = service.get_mandate(h, m.id)
    assert view.days_left(date(2027, 4, 2)) == 30
    assert view.days_left(date(2027, 5, 2)) == 0
    assert view.days_left(date(2027, 5, 12)) == -10


def test_a_mandate_needs_a_resolution_and_expires_after_adoption(mission):
    h, m, _, _ = mission
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.create_mandate, resolution="  ")
    assert exc.value.params["reason"] == "required"
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.update_mandate, m.id, expected_revision=1,
               expires_on=date(2026, 1, 1))
    assert exc.value.params["field"] == "expires_on"
    assert exc.value.params["reason"] == "expiry_not_after_adoption"
    assert service.get_mandate(h, m.id).expires_on == date(2027, 5, 2)


def test_a_stale_edit_is_refused(mission):
    h, m, _, _ = mission
    _write(h, service.update_mandate, m.id, expected_revision=1, penholder="United Kingdom")
    with pytest.raises(RevisionConflict):
        _write(h, service.update_mandate, m.id, expected_revision=1, penholder="United States")
    assert service.get_mandate(h, m.id).penholder == "United Kingdom"


# --- tasks -----------------------------------------------------------------------------------


def test_tasks_come_in_paragraph_order(mission):
    h, m, _, _ = mission
    _write(h, service.create_task, m.id, paragraph="OP 28(a)(ii)", text="Sub-task")
    _write(h, service.create_task, m.id, paragraph="OP 9", text="Early")
    assert [t.paragraph for t in service.list_tasks(h, m.id)] == [
        "OP 9", "OP 28(a)", "OP 28(a)(ii)", "OP 28(b)", "OP 40"]


def test_paragraph_key_orders_roman_sub_paragraphs_by_number():
    refs = ["OP 28(a)(x)", "OP 28(a)(ix)", "OP 28(a)(iv)", "OP 28(a)(v)", "OP 3", "PP 2"]
    assert sorted(refs, key=service.paragraph_key) == [
        "PP 2", "OP 3", "OP 28(a)(iv)", "OP 28(a)(v)", "OP 28(a)(ix)", "OP 28(a)(x)"]


def test_a_paragraph_is_unique_within_its_mandate(mission):
    h, m, tasks, _ = mission
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.create_task, m.id, paragraph="op 40", text="Again")
    assert exc.value.params["reason"] == "duplicate"
    with pytest.raises(InvalidValue):  # the demo writes "28(a)", a paste "OP 28 (a)"
        _write(h, service.create_task, m.id, paragraph="28 (a)", text="Again")
    with pytest.raises(InvalidValue):
        _write(h, service.update_task, tasks["OP 40"].id, expected_revision=1,
               paragraph="OP 28(a)")


def test_pasted_tasks_are_created_all_or_none(mission):
    h, m, _, _ = mission
    with pytest.raises(InvalidValue):
        _write(h, service.create_tasks, m.id, [
            {"paragraph": "OP 50", "text": "Fine"},
            {"paragraph": "OP 51", "text": ""}])
    assert len(service.list_tasks(h, m.id)) == 3
    views = _write(h, service.create_tasks, m.id, [
        {"paragraph": "OP 50", "text": "Fine"}, {"paragraph": "OP 51", "text": "Also"}])
    assert len(views) == 2 and len(service.list_tasks(h, m.id)) == 5


def test_task_links_to_benchmarks_and_back(mission):
    h, m, tasks, bms = mission
    tid = tasks["OP 28(a)"].id
    view = _write(h, service.set_task_benchmarks, tid, [bms["ceasefire"].id, bms["poc"].id],
                  expected_revision=1)
    assert view.revision == 2
    detail = service.get_task(h, tid)
    assert [b.statement for b in detail.benchmarks] == ["Condition ceasefire", "Condition poc"]
    rows = {b.id: b for b in service.list_benchmarks(h, m.id)}
    assert rows[bms["poc"].id].task_ids == (tid,)
    # removing one and undoing it (a link revived, not a second row)
    _write(h, service.set_task_benchmarks, tid, [bms["poc"].id], expected_revision=2)
    assert service.get_task(h, tid).task.benchmark_ids == (bms["poc"].id,)
    _write(h, service.set_task_benchmarks, tid, [bms["ceasefire"].id, bms["poc"].id],
           expected_revision=3)
    assert len(service.get_task(h, tid).benchmarks) == 2
    with pytest.raises(RevisionConflict):
        _write(h, service.set_task_benchmarks, tid, [], expected_revision=2)


def test_deleting_a_task_hides_its_links_and_restoring_brings_them_back(mission):
    h, m, tasks, bms = mission
    tid = tasks["OP 40"].id
    _write(h, service.set_task_benchmarks, tid, [bms["gnr"].id], expected_revision=1)
    gone = _write(h, service.delete_task, tid, expected_revision=2)
    assert tid not in [t.id for t in service.list_tasks(h, m.id)]
    assert {b.id: b for b in service.list_benchmarks(h, m.id)}[bms["gnr"].id].task_ids == ()
    _write(h, service.restore_task, tid, expected_revision=gone.revision)
    assert {b.id: b for b in service.list_benchmarks(h, m.id)}[bms["gnr"].id].task_ids == (tid,)


# --- benchmarks and assessments --------------------------------------------------------------


def test_the_status_is_the_newest_assessment(mission):
    h, m, _, bms = mission
    bid = bms["ceasefire"].id
    assert service.list_benchmarks(h, m.id)[0].status == "not_started"
    first = _assess(h, bid, date(2026, 6, 1), "off_track", "34 violations")
    assert first.benchmark_revision == 2
    _assess(h, bid, date(2026, 9, 1), "at_risk", "Two months below 15")
    # an older assessment adds history without changing the status
    _assess(h, bid, date(2026, 7, 1), "off_track", "Kesa village attack")
    row = next(b for b in service.list_benchmarks(h, m.id) if b.id == bid)
    assert row.status == "at_risk" and row.last_assessed_on == date(2026, 9, 1)
    history = service.assessments(h, bid)
    assert [a.note for a in history] == ["Two months below 15", "Kesa village attack",
                                         "34 violations"]
    assert history[0].assessed_by == "Tester"


def test_withdrawing_an_assessment_puts_the_status_back(mission):
    h, m, _, bms = mission
    bid = bms["poc"].id
    _assess(h, bid, date(2026, 6, 1), "off_track")
    second = _assess(h, bid, date(2026, 8, 1), "on_track")
    view = _write(h, service.withdraw_assessment, second.id,
                  expected_revision=second.benchmark_revision)
    assert next(b for b in service.list_benchmarks(h, m.id) if b.id == bid).status == \
        "off_track"
    _write(h, service.restore_assessment, second.id, expected_revision=view.revision)
    assert next(b for b in service.list_benchmarks(h, m.id) if b.id == bid).status == \
        "on_track"
    with pytest.raises(RecordMissing):  # restored already
        _write(h, service.restore_assessment, second.id, expected_revision=None)


def test_the_only_assessment_withdrawn_leaves_not_started(mission):
    h, m, _, bms = mission
    bid = bms["gnr"].id
    a = _assess(h, bid, date(2026, 6, 1), "met")
    _write(h, service.withdraw_assessment, a.id, expected_revision=a.benchmark_revision)
    assert next(b for b in service.list_benchmarks(h, m.id) if b.id == bid).status == \
        "not_started"


def test_an_assessment_needs_a_date_and_a_known_status(mission):
    h, _, _, bms = mission
    bid = bms["gnr"].id
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.record_assessment, bid, expected_revision=None, assessed_on="",
               status="met")
    assert exc.value.params["field"] == "assessed_on"
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.record_assessment, bid, expected_revision=None,
               assessed_on="2026-06-01", status="done")
    assert exc.value.params["reason"] == "not_in_vocabulary"
    assert service.assessments(h, bid) == []


def test_a_benchmark_keeps_an_indicative_timeframe(mission):
    h, m, _, bms = mission
    _write(h, service.update_benchmark, bms["gnr"].id, expected_revision=1,
           timeframe="  before the elections ")
    row = next(b for b in service.list_benchmarks(h, m.id) if b.id == bms["gnr"].id)
    assert row.timeframe == "before the elections"
    assert row.values()["timeframe"] == "before the elections"
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.update_benchmark, bms["gnr"].id, expected_revision=2,
               timeframe="x" * 121)
    assert exc.value.params["reason"] == "too_long"


def test_the_benchmark_form_cannot_write_the_status(mission):
    h, _, _, bms = mission
    with pytest.raises(ValueError):
        _write(h, service.update_benchmark, bms["gnr"].id, expected_revision=1, status="met")


def test_an_assessment_is_in_the_change_log(mission):
    h, _, _, bms = mission
    a = _assess(h, bms["gnr"].id, date(2026, 6, 1), "on_track", "Posts filled")
    with h.session() as session:
        fields = {(e.table_name, e.field) for e in session.scalars(
            select(ChangeLog).where(ChangeLog.record_id.in_([a.id, bms["gnr"].id])))}
    assert ("benchmark_assessments", None) in fields
    assert ("benchmarks", "status") in fields


# --- indicators and measurements -------------------------------------------------------------


def test_indicators_with_their_latest_measurement_and_series(mission):
    h, m, _, bms = mission
    ind = _write(h, service.create_indicator, benchmark_id=bms["ceasefire"].id,
                 name="Verified violations per month", baseline="34", target="10",
                 direction="decrease", unit="violations / month")
    for on, value in (("2026-07-01", 29), ("2026-06-01", "31,5"), ("2026-08-01", 19)):
        _write(h, service.add_measurement, ind.id, measured_on=on, value=value)
    row = service.list_indicators(h, m.id)[0]
    assert (row.baseline, row.target, row.latest_value, row.latest_on,
            row.measurement_count) == (34.0, 10.0, 19.0, date(2026, 8, 1), 3)
    assert row.benchmark_statement == "Condition ceasefire"
    series = service.indicator_series(h, ind.id)
    assert series.points == ((date(2026, 6, 1), 31.5), (date(2026, 7, 1), 29.0),
                             (date(2026, 8, 1), 19.0))
    assert (series.baseline, series.target, series.direction) == (34.0, 10.0, "decrease")


def test_measurements_edit_delete_and_refuse_bad_values(mission):
    h, _, _, bms = mission
    ind = _write(h, service.create_indicator, benchmark_id=bms["poc"].id, name="IDPs returned")
    for bad, reason in (({"measured_on": "2026-13-01", "value": 1}, "not_a_date"),
                        ({"measured_on": "2026-06-01", "value": "many"}, "not_a_number"),
                        ({"measured_on": "2026-06-01", "value": ""}, "required"),
                        ({"measured_on": "", "value": 3}, "required")):
        with pytest.raises(InvalidValue) as exc:
            _write(h, service.add_measurement, ind.id, **bad)
        assert exc.value.params["reason"] == reason
    meas = _write(h, service.add_measurement, ind.id, measured_on="2026-06-01", value=1200)
    _write(h, service.update_measurement, meas.id, expected_revision=1, value=1250)
    assert service.list_measurements(h, ind.id)[0].value == 1250.0
    _write(h, service.delete_measurement, meas.id, expected_revision=2)
    assert service.list_measurements(h, ind.id) == []
    _write(h, service.restore_measurement, meas.id, expected_revision=3)
    assert [x.value for x in service.list_measurements(h, ind.id)] == [1250.0]


def test_an_indicator_needs_a_live_benchmark(mission):
    h, _, _, _ = mission
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.create_indicator, benchmark_id="nope", name="X")
    assert exc.value.params["reason"] == "unknown_record"
    with pytest.raises(InvalidValue) as exc:
        _write(h, service.create_indicator, name="X")
    assert exc.value.params["field"] == "benchmark_id"


# --- the board and "since the last SG report" -----------------------------------------------


def test_the_board_counts_by_pillar_and_status(mission):
    h, m, _, bms = mission
    _assess(h, bms["ceasefire"].id, date(2026, 6, 1), "at_risk")
    _assess(h, bms["poc"].id, date(2026, 6, 1), "met")
    board = service.board(h, m.id)
    assert [p.pillar for p in board.pillars] == ["Political process", "Protection of civilians"]
    political = board.pillars[0]
    assert political.counts["at_risk"] == 1 and political.counts["not_started"] == 1
    assert sum(political.counts.values()) == 2
    assert board.totals == {"met": 1, "partially_met": 0, "on_track": 0, "at_risk": 1,
                            "off_track": 0, "not_started": 1}


def test_the_last_sg_report_is_the_last_past_one(mission):
    h, m, _, _ = mission
    with h.unit_of_work() as uow:
        for on, kind in ((date(2026, 6, 15), "sg_report_due"), (date(2026, 10, 15),
                                                                 "sg_report_due"),
                         (date(2026, 11, 1), "council_briefing"),
                         (date(2027, 2, 15), "sg_report_due")):
            uow.add(CycleEvent(kind=kind, due_on=on, title="x", mandate_id=m.id))
    assert service.last_sg_report(h, date(2026, 12, 1), m.id) == date(2026, 10, 15)
    assert service.last_sg_report(h, date(2026, 6, 15), m.id) == date(2026, 6, 15)
    assert service.last_sg_report(h, date(2026, 1, 1), m.id) is None


def test_moves_since_say_from_what_to_what_with_the_narratives(mission):
    h, m, _, bms = mission
    _assess(h, bms["ceasefire"].id, date(2026, 6, 1), "off_track", "34 violations")
    _assess(h, bms["ceasefire"].id, date(2026, 11, 1), "on_track", "12 violations")
    _assess(h, bms["ceasefire"].id, date(2026, 11, 20), "at_risk", "Eres clashes")
    _assess(h, bms["gnr"].id, date(2026, 6, 1), "on_track", "Posts filled")
    _assess(h, bms["gnr"].id, date(2026, 11, 5), "on_track", "Still on track")
    _assess(h, bms["poc"].id, date(2026, 11, 5), "off_track", "Attacks near Corma")
    moves = service.moves_since(h, m.id, date(2026, 10, 15))
    assert [(x.statement, x.before, x.after, x.moved) for x in moves] == [
        ("Condition ceasefire", "off_track", "at_risk", True),
        ("Condition poc", "not_started", "off_track", True),
        ("Condition gnr", "on_track", "on_track", False)]
    ceasefire = moves[0]
    assert ceasefire.direction == 1
    assert [a.note for a in ceasefire.assessments] == ["Eres clashes", "12 violations"]
    assert service.moves_since(h, m.id, date(2026, 12, 1)) == []


def test_mandate_of_finds_the_mandate_of_any_record(mission):
    h, m, tasks, bms = mission
    ind = _write(h, service.create_indicator, benchmark_id=bms["poc"].id, name="X")
    meas = _write(h, service.add_measurement, ind.id, measured_on="2026-06-01", value=1)
    a = _assess(h, bms["gnr"].id, date(2026, 6, 1), "met")
    for rid in (tasks["OP 40"].id, bms["poc"].id, ind.id, meas.id, a.id):
        assert service.mandate_of(h, rid) == m.id
    assert service.mandate_of(h, "unknown") is None



# --- the trend chart -------------------------------------------------------------------------


def test_the_trend_chart_draws_measurements_baseline_and_target():
    from missiondesk.figures.indicator_trend import indicator_trend_figure

    series = service.IndicatorSeries(
        name="Violations", unit="violations / month", baseline=34.0, target=10.0,
        direction="decrease", points=((date(2026, 6, 1), 31.0), (date(2026, 7, 1), 19.0)))
    axes = indicator_trend_figure(series, title="Violations").axes[0]
    lines = axes.get_lines()
    assert list(lines[0].get_ydata()) == [31.0, 19.0]
    assert [tuple(line.get_ydata()) for line in lines[1:]] == [(34.0, 34.0), (10.0, 10.0)]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "Measured", "Baseline (34)", "Target (10)"]
    assert axes.get_ylabel() == "violations / month"
    empty = indicator_trend_figure(
        service.IndicatorSeries("X", None, None, None, "increase", ()), title="X",
        labels={"empty": "Nothing measured"}).axes[0]
    assert [t.get_text() for t in empty.texts] == ["Nothing measured"]
