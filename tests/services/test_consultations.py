"""The consultations log on real mission files: create/update/delete/restore with
revisions, follow-ups beside the summary, filters, and the summary of inputs for the next
mandate grouped by topic and by counterpart type (known answers)."""

from __future__ import annotations

from datetime import date

import pytest

from missiondesk.services import consultations as service
from missiondesk.services.checklist import ChecklistTask
from missiondesk.services.consultations import ConsultationFilter
from missiondesk.store.errors import InvalidValue, RevisionConflict


def _log(handle, **fields):
    with handle.unit_of_work() as uow:
        return service.create_consultation(uow, **fields)


@pytest.fixture
def logged(plain_mission):
    """Four consultations with known inputs."""
    _log(plain_mission, held_on="2026-01-10", counterpart_type="group_of_friends",
         counterpart_name="Friends of Carana", topics=["Benchmarks", "MLCS track"],
         inputs_for_mandate="Conditions-based transition plan.")
    _log(plain_mission, held_on="2026-02-01", counterpart_type="penholder",
         counterpart_name="France (pen-holder)", topics=["benchmarks", "Reporting cycle"],
         inputs_for_mandate="Reports every four months.")
    _log(plain_mission, held_on="2026-03-05", counterpart_type="civil_society",
         counterpart_name="Women's peace network", topics=["Inclusion"],
         inputs_for_mandate="Women in the JCC.")
    _log(plain_mission, held_on="2026-03-20", counterpart_type="group_of_friends",
         counterpart_name="Friends of Carana (Galasi)", topics=["MLCS track"],
         inputs_for_mandate=None, summary="Briefed only.")
    _log(plain_mission, held_on="2026-04-02", counterpart_type="tcc_pcc",
         counterpart_name="Troop contributors", topics=[],
         inputs_for_mandate="Keep the Leppko posture.")
    return plain_mission


def test_summary_groups_inputs_by_topic_and_by_counterpart_type(logged):
    summary = service.inputs_summary(logged)
    assert (summary.consultations, summary.with_inputs) == (5, 4)
    by_topic = {g.key: [e.counterpart_name for e in g.entries] for g in summary.by_topic}
    # "Benchmarks" and "benchmarks" are one topic, named as first written; latest first.
    assert by_topic == {
        "Benchmarks": ["France (pen-holder)", "Friends of Carana"],
        "Inclusion": ["Women's peace network"],
        "MLCS track": ["Friends of Carana"],        # the Galasi meeting gave no input
        "Reporting cycle": ["France (pen-holder)"],
        None: ["Troop contributors"],               # no topic
    }
    assert [g.key for g in summary.by_topic][0] == "Benchmarks"   # most raised first
    assert [g.key for g in summary.by_topic][-1] is None          # no topic last
    by_type = [(g.key, [e.inputs for e in g.entries]) for g in summary.by_counterpart_type]
    assert by_type == [
        ("group_of_friends", ["Conditions-based transition plan."]),
        ("penholder", ["Reports every four months."]),
        ("tcc_pcc", ["Keep the Leppko posture."]),
        ("civil_society", ["Women in the JCC."]),
    ]


def test_summary_follows_the_filter(logged):
    summary = service.inputs_summary(logged, ConsultationFilter(start=date(2026, 2, 1),
                                                                end=date(2026, 3, 31)))
    assert summary.consultations == 3
    assert [g.key for g in summary.by_counterpart_type] == ["penholder", "civil_society"]


def test_filters(logged):
    def names(**where):
        return [r.counterpart_name
                for r in service.list_consultations(logged, ConsultationFilter(**where))]

    assert names() == ["Troop contributors", "Friends of Carana (Galasi)",
                       "Women's peace network", "France (pen-holder)", "Friends of Carana"]
    assert names(counterpart_type="group_of_friends") == ["Friends of Carana (Galasi)",
                                                          "Friends of Carana"]
    assert names(topic="mlcs TRACK") == ["Friends of Carana (Galasi)", "Friends of Carana"]
    assert names(text="four months") == ["France (pen-holder)"]
    assert names(text="femmes") == []
    assert names(start=date(2026, 3, 5), end=date(2026, 3, 20)) == [
        "Friends of Carana (Galasi)", "Women's peace network"]
    assert service.all_topics(logged)[:2] == ["Benchmarks", "MLCS track"]


def test_follow_ups_edit_and_revisions(plain_mission):
    from missiondesk.services.team import add_team_member

    with plain_mission.unit_of_work() as uow:
        lead = add_team_member(uow, name="Amina Diallo", role="SRSG")
    created = _log(plain_mission, held_on=date(2026, 5, 2), counterpart_type="penholder",
                   counterpart_name="France", lead_id=lead.id, topics="renewal; drawdown",
                   summary="Options for renewal.",
                   follow_ups=[("Send the benchmark table", "Amina Diallo", False)])
    assert created.topics == ("renewal", "drawdown") and created.lead_name == "Amina Diallo"
    assert created.summary == "Options for renewal."
    assert created.follow_ups == (ChecklistTask("Send the benchmark table", "Amina Diallo"),)
    with plain_mission.unit_of_work() as uow:
        edited = service.update_consultation(
            uow, created.id, expected_revision=created.revision,
            follow_ups=[ChecklistTask("Send the benchmark table", "Amina Diallo", True)])
    assert edited.summary == "Options for renewal." and edited.open_follow_ups == 0
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        service.update_consultation(uow, created.id, expected_revision=created.revision,
                                    summary="stale")
    with plain_mission.unit_of_work() as uow:
        gone = service.delete_consultation(uow, created.id, expected_revision=edited.revision)
    assert service.list_consultations(plain_mission) == []
    with plain_mission.unit_of_work() as uow:
        service.restore_consultation(uow, created.id, expected_revision=gone.revision)
    assert service.get_consultation(plain_mission, created.id).follow_ups[0].done


@pytest.mark.parametrize("fields, field, reason", [
    ({"held_on": "2026-01-01", "counterpart_type": "press", "counterpart_name": "x"},
     "counterpart_type", "not_in_vocabulary"),
    ({"held_on": "yesterday", "counterpart_type": "penholder", "counterpart_name": "x"},
     "held_on", "not_a_date"),
    ({"held_on": "2026-01-01", "counterpart_type": "penholder", "counterpart_name": " "},
     "counterpart_name", "required"),
    ({"held_on": "2026-01-01", "counterpart_type": "penholder", "counterpart_name": "x",
      "topics": ["t" * 121]}, "topics", "too_long"),
    ({"held_on": "2026-01-01", "counterpart_type": "penholder", "counterpart_name": "x",
      "lead_id": "nobody"}, "lead_id", "unknown_record"),
])
def test_bad_fields_are_refused(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        service.create_consultation(uow, **fields)
    assert (caught.value.params["field"], caught.value.params["reason"]) == (field, reason)
    assert service.list_consultations(plain_mission) == []


def test_demo_consultations_summary(demo_file):
    from missiondesk.store.handle import open_mission
    from tests.conftest import PASSPHRASE

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        rows = service.list_consultations(handle)
        summary = service.inputs_summary(handle)
    finally:
        handle.close()
    assert len(rows) == 9 and summary.consultations == 9
    types = [g.key for g in summary.by_counterpart_type]
    assert types[:2] == ["group_of_friends", "penholder"]
    assert sum(len(g.entries) for g in summary.by_counterpart_type) == summary.with_inputs
