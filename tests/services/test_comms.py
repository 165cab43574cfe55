"""The communications plan on real mission files: objectives linked to the strategy and the
mandate, audiences and their stakeholders, bilingual key messages with approval, validity and
expectation lines, and the plan's lines; revisions, refusals and delete/restore."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from missiondesk.messages import error_text
from missiondesk.services import comms, comms_messages, comms_plan
from missiondesk.services.stakeholders import create_stakeholder
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.schema import (
    AudienceStakeholder,
    Benchmark,
    KeyMessageText,
    Mandate,
    MandateTask,
    StrategyObjective,
)


def _write(handle, fn, *args, **kwargs):
    with handle.unit_of_work() as uow:
        return fn(uow, *args, **kwargs)


@pytest.fixture
def mission(plain_mission):
    with plain_mission.unit_of_work() as uow:
        a = create_stakeholder(uow, name="Minister Ansa", category="host_government")
        b = create_stakeholder(uow, name="Governor Bel", category="host_government")
        c = create_stakeholder(uow, name="Leppko elders", category="community")
    plain_mission.people = {"a": a.id, "b": b.id, "c": c.id}
    return plain_mission


def test_an_objective_serves_a_strategy_objective_a_task_and_a_benchmark(mission):
    with mission.unit_of_work() as uow:
        strategy = StrategyObjective(title="Protect civilians in Leppko")
        mandate = Mandate(resolution="S/RES/2741 (2026)")
        uow.add(strategy)
        uow.add(mandate)
        uow.session.flush()
        task = MandateTask(mandate_id=mandate.id, paragraph="4(a)", text="Protect civilians")
        benchmark = Benchmark(mandate_id=mandate.id, statement="Attacks on IDP sites fall")
        uow.add(task)
        uow.add(benchmark)
        uow.session.flush()
        ids = strategy.id, task.id, benchmark.id
    saved = _write(mission, comms.create_objective, title="Manage expectations on PoC",
                   objective_id=ids[0], mandate_task_id=ids[1], benchmark_id=ids[2])
    _write(mission, comms.create_objective, title="Explain the mandate")
    rows = comms.list_objectives(mission)
    assert [r.title for r in rows] == ["Manage expectations on PoC", "Explain the mandate"]
    first = rows[0]
    assert (first.objective_title, first.task_paragraph, first.task_text,
            first.benchmark_statement) == ("Protect civilians in Leppko", "4(a)",
                                           "Protect civilians", "Attacks on IDP sites fall")
    assert first.revision == saved.revision == 1
    changed = _write(mission, comms.update_objective, saved.id, expected_revision=1,
                     benchmark_id=None)
    assert changed.revision == 2 and comms.list_objectives(mission)[0].benchmark_id is None
    with pytest.raises(RevisionConflict):
        _write(mission, comms.update_objective, saved.id, expected_revision=1, title="Old")
    with pytest.raises(InvalidValue) as refused:
        _write(mission, comms.create_objective, title=" ")
    assert "required" in error_text(refused.value)


def test_an_audience_holds_its_stakeholders_and_a_removed_one_revives(mission):
    p = mission.people
    saved = _write(mission, comms.create_audience, code="host_government",
                   name="Government", stakeholder_ids=[p["a"], p["b"]])
    row = comms.list_audiences(mission)[0]
    assert row.stakeholder_names == ("Governor Bel", "Minister Ansa")
    changed = _write(mission, comms.update_audience, saved.id, expected_revision=1,
                     stakeholder_ids=[p["a"]])
    assert changed.revision == 2  # a change of members is a change of the audience
    assert comms.list_audiences(mission)[0].stakeholder_names == ("Minister Ansa",)
    _write(mission, comms.update_audience, saved.id, expected_revision=2,
           stakeholder_ids=[p["a"], p["b"]])
    with mission.session() as session:  # the link revived, not a second one
        links = session.scalars(select(AudienceStakeholder).execution_options(
            include_deleted=True)).all()
    assert len(links) == 2 and all(link.deleted_at is None for link in links)
    with pytest.raises(InvalidValue) as refused:
        _write(mission, comms.create_audience, code="the_public", name="Everyone")
    assert refused.value.params["field"] == "code"


def _message(mission, **fields):
    fields.setdefault("texts", {"en": "The mission protects civilians.",
                                "fr": "La mission protège les civils."})
    return _write(mission, comms_messages.create_message, **fields)


def test_a_message_is_bilingual_and_a_new_french_text_moves_its_revision(mission):
    saved = _message(mission, kind="can_do")
    row = comms_messages.list_messages(mission)[0]
    assert row.texts == (("en", "The mission protects civilians."),
                         ("fr", "La mission protège les civils."))
    assert row.kind == "can_do" and row.revision == 1
    changed = _write(mission, comms_messages.update_message, saved.id, expected_revision=1,
                     texts={"fr": "La mission protège les civils menacés."})
    assert changed.revision == 2
    row = comms_messages.list_messages(mission)[0]
    assert row.text("fr") == "La mission protège les civils menacés."
    assert row.text("en") == "The mission protects civilians."  # untouched
    _write(mission, comms_messages.update_message, saved.id, expected_revision=2,
           texts={"fr": ""})
    assert comms_messages.list_messages(mission)[0].texts == (
        ("en", "The mission protects civilians."),)
    with pytest.raises(InvalidValue) as refused:  # the last text cannot go
        _write(mission, comms_messages.update_message, saved.id, expected_revision=3,
               texts={"en": " "})
    assert refused.value.params["field"] == "texts"
    assert comms_messages.list_messages(mission)[0].text("en") == "The mission protects civilians."
    with pytest.raises(InvalidValue):
        _message(mission, texts={"en": "", "fr": None})


def test_approval_names_the_approver_and_validity_ends_after_it_starts(mission):
    saved = _message(mission)
    with pytest.raises(InvalidValue) as refused:
        _write(mission, comms_messages.update_message, saved.id, expected_revision=1, approved=True)
    assert error_text(refused.value) == "Approved by is required."
    _write(mission, comms_messages.update_message, saved.id, expected_revision=1, approved=True,
           approved_by="Head of Mission", approved_on="2026-03-02",
           valid_from=date(2026, 3, 1), valid_until=date(2026, 9, 30))
    row = comms_messages.list_messages(mission)[0]
    assert (row.approved, row.approved_by, row.approved_on) == (True, "Head of Mission",
                                                                date(2026, 3, 2))
    assert row.valid_on(date(2026, 3, 1)) and not row.valid_on(date(2026, 10, 1))
    with pytest.raises(InvalidValue) as refused:
        _write(mission, comms_messages.update_message, saved.id, expected_revision=2,
               valid_until="2026-02-01")
    assert error_text(refused.value) == ("Valid until must be on or after the date the "
                                         "message is valid from.")


def test_the_plan_holds_lines_and_a_deleted_message_takes_its_lines_back_with_it(mission):
    audience = _write(mission, comms.create_audience, code="communities", name="Leppko")
    message = _message(mission, kind="cannot_do",
                       texts={"en": "We cannot be in every village.",
                              "fr": "Nous ne pouvons être dans chaque village."})
    line = _write(mission, comms_plan.create_plan_row, audience_id=audience.id,
                  key_message_id=message.id, channel="radio", messenger="Force Commander",
                  timing="Weekly, Friday call-in")
    _write(mission, comms_plan.create_plan_row, audience_id=audience.id,
           key_message_id=message.id, channel="community_meeting")
    plan = comms_plan.list_plan(mission)
    assert [(r.channel, r.messenger, r.timing) for r in plan] == [
        ("radio", "Force Commander", "Weekly, Friday call-in"),
        ("community_meeting", None, None)]
    assert plan[0].message_text("fr") == "Nous ne pouvons être dans chaque village."
    assert plan[0].audience_name == "Leppko" and plan[0].message_kind == "cannot_do"
    _write(mission, comms_plan.update_plan_row, line.id, expected_revision=1,
           messenger="Head of Office Leppko")
    assert comms_plan.list_plan(mission)[0].messenger == "Head of Office Leppko"
    with pytest.raises(InvalidValue) as refused:
        _write(mission, comms_plan.update_plan_row, line.id, expected_revision=2,
               channel="carrier pigeon")
    assert refused.value.params["field"] == "channel"

    deleted = _write(mission, comms_messages.delete_message, message.id, expected_revision=1)
    assert comms_plan.list_plan(mission) == [] and comms_messages.list_messages(mission) == []
    _write(mission, comms_messages.restore_message, message.id, expected_revision=deleted.revision)
    assert len(comms_plan.list_plan(mission)) == 2
    with mission.session() as session:
        assert len(session.scalars(select(KeyMessageText)).all()) == 2


def test_deleting_an_audience_removes_its_plan_lines_until_restored(mission):
    audience = _write(mission, comms.create_audience, code="communities", name="Leppko",
                      stakeholder_ids=[mission.people["c"]])
    message = _message(mission)
    _write(mission, comms_plan.create_plan_row, audience_id=audience.id,
           key_message_id=message.id, channel="radio")
    deleted = _write(mission, comms.delete_audience, audience.id, expected_revision=1)
    assert comms_plan.list_plan(mission) == [] and comms.list_audiences(mission) == []
    _write(mission, comms.restore_audience, audience.id, expected_revision=deleted.revision)
    assert len(comms_plan.list_plan(mission)) == 1
    assert comms.list_audiences(mission)[0].stakeholder_names == ("Leppko elders",)


def test_the_demo_mission_reads_its_objectives_audiences_and_messages(demo_file):
    from missiondesk.store.handle import open_mission
    from tests.conftest import PASSPHRASE

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        assert len(comms.list_objectives(handle)) == 7
        audiences = comms.list_audiences(handle)
        assert len(audiences) == 15
        government = next(a for a in audiences if a.code == "host_government")
        assert len(government.stakeholder_ids) == 5
        messages = comms_messages.list_messages(handle)
        assert len(messages) == 15 and all(m.text("en") and m.text("fr") for m in messages)
        assert {m.kind for m in messages} >= {"core", "can_do", "cannot_do"}
    finally:
        handle.close()
