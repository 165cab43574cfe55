"""A mandate task's direct links (migration 0009) on a hand-built mission: set and replace
stakeholders, engagements and commitments with their names and titles in the task's view,
engagements through benchmarks kept apart, a stale change refused, a deleted record or task
hiding its links, the other direction, and the links carried by the JSON export."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from missiondesk.services import mandate as service
from missiondesk.services.interchange import export_mission, import_mission
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.handle import NewMission, create_mission, utcnow
from missiondesk.store.schema import (
    ChangeLog,
    Commitment,
    Engagement,
    EngagementBenchmark,
    MandateTaskStakeholder,
    Stakeholder,
)


def _write(handle, fn, *args, **kwargs):
    with handle.unit_of_work() as uow:
        return fn(uow, *args, **kwargs)


@pytest.fixture
def mission(plain_mission):
    """A mandate with two tasks, a benchmark, three people, three engagements, two
    commitments; the benchmark discussed in the oldest engagement."""
    h = plain_mission
    m = _write(h, service.create_mandate, resolution="S/RES/2799 (2026)",
               adopted_on=date(2026, 5, 2), expires_on=date(2027, 5, 2))
    ceasefire = _write(h, service.create_task, m.id, paragraph="OP 35(a)(ii)",
                       text="Support the ceasefire")
    other = _write(h, service.create_task, m.id, paragraph="OP 40", text="Report")
    bench = _write(h, service.create_benchmark, m.id, statement="Ceasefire holds")
    ids = {"task": ceasefire.id, "other": other.id, "mandate": m.id, "bench": bench.id}
    with h.unit_of_work() as uow:
        for key, name in (("tamba", "Gen. Tamba"), ("okafor", "Col. Okafor"),
                          ("amara", "Amara Diallo")):
            row = Stakeholder(name=name, name_key=name.casefold())
            uow.add(row)
            uow.session.flush()
            ids[key] = row.id
        for key, title, day in (("talks", "Ceasefire talks", 3), ("visit", "Field visit", 9),
                                ("old", "Benchmark review", 1)):
            row = Engagement(starts_at=datetime(2026, 11, day, 9), format="meeting",
                             title=title)
            uow.add(row)
            uow.session.flush()
            ids[key] = row.id
        for key, text, due in (("pullback", "Pull back from the line", date(2026, 12, 20)),
                               ("lists", "Hand over combatant lists", None)):
            row = Commitment(text=text, due_date=due)
            uow.add(row)
            uow.session.flush()
            ids[key] = row.id
        uow.add(EngagementBenchmark(engagement_id=ids["old"], benchmark_id=bench.id))
    _write(h, service.set_task_benchmarks, ceasefire.id, [bench.id], expected_revision=1)
    return h, ids


def _revision(h, task_id):
    return service.get_task(h, task_id).task.revision


def test_links_are_set_and_shown_with_names_titles_and_dates(mission):
    h, ids = mission
    tid = ids["task"]
    view = _write(h, service.set_task_links, tid, expected_revision=2,
                  stakeholder_ids=[ids["tamba"], ids["amara"]],
                  engagement_ids=[ids["visit"], ids["talks"]],
                  commitment_ids=[ids["lists"], ids["pullback"]])
    assert view.revision == 3
    detail = service.get_task(h, tid)
    assert [s.name for s in detail.stakeholders] == ["Amara Diallo", "Gen. Tamba"]
    # the task's own engagements, newest first, apart from those through its benchmark
    assert [e.title for e in detail.task_engagements] == ["Field visit", "Ceasefire talks"]
    assert [e.title for e in detail.engagements] == ["Benchmark review"]
    # dated commitments first
    assert [(c.text, c.due_date) for c in detail.commitments] == [
        ("Pull back from the line", date(2026, 12, 20)), ("Hand over combatant lists", None)]
    row = {t.id: t for t in service.list_tasks(h, ids["mandate"])}[tid]
    assert set(row.stakeholder_ids) == {ids["tamba"], ids["amara"]}
    assert len(row.engagement_ids) == 2 and len(row.commitment_ids) == 2
    other = {t.id: t for t in service.list_tasks(h, ids["mandate"])}[ids["other"]]
    assert other.links() == {"stakeholder_ids": [], "engagement_ids": [],
                             "commitment_ids": []}
    with h.session() as session:  # written through the unit of work: in the change log
        logged = session.scalar(select(func.count()).select_from(ChangeLog).where(
            ChangeLog.table_name == "mandate_task_stakeholders"))
    assert logged >= 2


def test_replacing_links_and_putting_them_back_revives_the_rows(mission):
    h, ids = mission
    tid = ids["task"]
    _write(h, service.set_task_links, tid, expected_revision=2,
           stakeholder_ids=[ids["tamba"], ids["okafor"]])
    # a kind not given is left as it is
    _write(h, service.set_task_links, tid, expected_revision=3,
           commitment_ids=[ids["pullback"]])
    assert [s.name for s in service.get_task(h, tid).stakeholders] == [
        "Col. Okafor", "Gen. Tamba"]
    _write(h, service.set_task_links, tid, expected_revision=4,
           stakeholder_ids=[ids["amara"]])
    assert [s.name for s in service.get_task(h, tid).stakeholders] == ["Amara Diallo"]
    # the undo: the old list again, as the command sends it
    _write(h, service.set_task_links, tid, expected_revision=5,
           stakeholder_ids=[ids["tamba"], ids["okafor"]])
    assert [s.name for s in service.get_task(h, tid).stakeholders] == [
        "Col. Okafor", "Gen. Tamba"]
    with h.session() as session:  # one row per pair, the old ones revived
        rows = session.scalars(select(MandateTaskStakeholder).execution_options(
            include_deleted=True)).all()
    assert len(rows) == 3
    assert sum(1 for r in rows if r.deleted_at is None) == 2
    with pytest.raises(RevisionConflict):  # an undo after someone else's change
        _write(h, service.set_task_links, tid, expected_revision=5, stakeholder_ids=[])


def test_an_unknown_or_deleted_record_cannot_be_linked(mission):
    h, ids = mission
    with pytest.raises(InvalidValue) as err:
        _write(h, service.set_task_links, ids["task"], expected_revision=2,
               engagement_ids=["no-such-id"])
    assert err.value.params["reason"] == "unknown_record"
    with pytest.raises(InvalidValue):
        _write(h, service.set_task_links, ids["task"], expected_revision=2,
               partners=[ids["tamba"]])
    assert service.get_task(h, ids["task"]).task.revision == 2  # nothing written


def test_a_link_to_a_deleted_record_is_not_shown_and_comes_back_with_it(mission):
    h, ids = mission
    tid = ids["task"]
    _write(h, service.set_task_links, tid, expected_revision=2,
           stakeholder_ids=[ids["tamba"], ids["okafor"]])
    with h.unit_of_work() as uow:
        uow.session.get(Stakeholder, ids["tamba"]).deleted_at = utcnow()
    assert [s.name for s in service.get_task(h, tid).stakeholders] == ["Col. Okafor"]
    assert service.get_task(h, tid).task.stakeholder_ids == (ids["okafor"],)
    # editing the other links keeps the hidden one, so restoring the person shows it again
    _write(h, service.set_task_links, tid, expected_revision=3,
           stakeholder_ids=[ids["okafor"], ids["amara"]])
    with h.unit_of_work() as uow:
        uow.session.get(Stakeholder, ids["tamba"], execution_options={
            "include_deleted": True}).deleted_at = None
    assert [s.name for s in service.get_task(h, tid).stakeholders] == [
        "Amara Diallo", "Col. Okafor", "Gen. Tamba"]


def test_a_deleted_task_hides_its_links_and_restoring_brings_them_back(mission):
    h, ids = mission
    tid = ids["task"]
    _write(h, service.set_task_links, tid, expected_revision=2,
           stakeholder_ids=[ids["tamba"]], commitment_ids=[ids["lists"]])
    assert [t.paragraph for t in service.tasks_linked_to(h, "stakeholder_ids",
                                                          ids["tamba"])] == ["OP 35(a)(ii)"]
    gone = _write(h, service.delete_task, tid, expected_revision=3)
    assert service.tasks_linked_to(h, "stakeholder_ids", ids["tamba"]) == []
    assert service.tasks_linked_to(h, "commitment_ids", ids["lists"]) == []
    _write(h, service.restore_task, tid, expected_revision=gone.revision)
    back = service.tasks_linked_to(h, "commitment_ids", ids["lists"])
    assert [(t.paragraph, t.resolution) for t in back] == [("OP 35(a)(ii)",
                                                            "S/RES/2799 (2026)")]


def test_the_export_carries_the_links_and_reads_back_the_same(mission, tmp_path):
    h, ids = mission
    _write(h, service.set_task_links, ids["task"], expected_revision=2,
           stakeholder_ids=[ids["tamba"]], engagement_ids=[ids["talks"]],
           commitment_ids=[ids["pullback"]])
    _write(h, service.set_task_links, ids["task"], expected_revision=3,
           stakeholder_ids=[ids["okafor"]])  # a tombstoned link travels too
    exported = export_mission(h)
    for table, count in (("mandate_task_stakeholders", 2), ("mandate_task_engagements", 1),
                         ("mandate_task_commitments", 1)):
        assert len(exported[table]) == count
    target = create_mission(tmp_path / "copy.mdesk", None, NewMission(name="Copy"))
    try:
        target.set_user(None, "Tester")
        with target.unit_of_work() as uow:
            import_mission(uow, exported)
        assert export_mission(target) == exported
        detail = service.get_task(target, ids["task"])
        assert [s.name for s in detail.stakeholders] == ["Col. Okafor"]
        assert [e.title for e in detail.task_engagements] == ["Ceasefire talks"]
    finally:
        target.close()
