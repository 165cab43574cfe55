"""The engagement service on real mission files: create with participants, counterparts and
commitments in one unit of work, update replacing links, stale revisions refused, delete and
restore with the links, the log's filters and paging in SQL on the Carana demo, counterpart
flags, the audit trail's names and the search index."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from missiondesk.messages import error_text
from missiondesk.services import clock
from missiondesk.services import engagements as eng
from missiondesk.services.engagements import CommitmentInput, EngagementFilter
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import (
    ChangeLog,
    Commitment,
    EngagementCounterpart,
    Stakeholder,
    TeamMember,
)
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Reader")
    yield handle
    handle.close()


@pytest.fixture
def people(plain_mission):
    """Three team members and three stakeholders (one do-not-engage, one sanctioned)."""
    with plain_mission.unit_of_work() as uow:
        members = [TeamMember(name=n, role="OTHER") for n in ("Ana Lead", "Ben Pol", "Cy Com")]
        shs = [Stakeholder(name="Minister Kalu", name_key="minister kalu"),
               Stakeholder(name="General Vorn", name_key="general vorn", do_not_engage=True,
                           engagement_constraints="Only through the Force Commander"),
               Stakeholder(name="Trader Osei", name_key="trader osei", sanctioned=True,
                           sanctions_note="UN list 2024")]
        for obj in members + shs:
            uow.add(obj)
        uow.session.flush()
        ids = ([m.id for m in members], [s.id for s in shs])
    return plain_mission, ids[0], ids[1]


START = datetime(2025, 3, 4, 9, 30)


def _create(handle, **fields):
    with handle.unit_of_work() as uow:
        return eng.create_engagement(uow, **fields)


def _basic(members, shs, **more):
    values = dict(starts_at=START, duration_minutes=45, title="Ceasefire talks",
                  format="bilateral", lead_id=members[0], participant_ids=[members[1]],
                  counterpart_ids=[shs[0]], outcomes="Agreed to meet again")
    values.update(more)
    return values


def test_create_with_participants_counterparts_and_commitments(people):
    handle, members, shs = people
    view = _create(handle, **_basic(members, shs, commitments=[
        CommitmentInput(text="Release the detainees", by_mission=False,
                        committed_by_id=shs[0], owner_id=members[1],
                        due_date=date(2025, 4, 1)),
        CommitmentInput(text="Send the mediation paper", by_mission=True, committed_by_id=None,
                        owner_id=members[0], due_date=None)]))
    got = eng.get_engagement(handle, view.id)
    assert got.lead_id == members[0]
    assert got.participant_ids == (members[1],)
    assert got.counterpart_ids == (shs[0],)
    assert got.classification == "CONFIDENTIAL"  # the mission's default
    assert len(got.commitment_ids) == 2
    with handle.session() as session:
        texts = {c.text: c for c in session.scalars(select(Commitment))}
        assert texts["Release the detainees"].committed_by_id == shs[0]
        assert texts["Send the mediation paper"].by_mission is True
        assert texts["Send the mediation paper"].classification == "CONFIDENTIAL"
        starts = session.scalars(select(EngagementCounterpart.starts_at)).all()
    assert starts == [START]
    row = eng.page_engagements(handle)[0]
    assert (row.lead_name, row.participant_names, row.counterpart_names, row.commitments) == (
        "Ana Lead", ("Ben Pol",), ("Minister Kalu",), 2)


def test_aware_start_is_stored_in_utc(people):
    handle, members, shs = people
    plus_two = timezone(timedelta(hours=2))
    view = _create(handle, **_basic(members, shs,
                                    starts_at=datetime(2025, 3, 4, 11, 30, tzinfo=plus_two)))
    assert eng.get_engagement(handle, view.id).starts_at == START


@pytest.mark.parametrize("change, field, reason", [
    ({"title": "  "}, "title", "required"),
    ({"format": None}, "format", "required"),
    ({"format": "dinner"}, "format", "not_in_vocabulary"),
    ({"level": "emperor"}, "level", "not_in_vocabulary"),
    ({"atmosphere": "frosty"}, "atmosphere", "not_in_vocabulary"),
    ({"lead_id": None}, "lead_id", "required"),
    ({"lead_id": "no-such-member"}, "lead_id", "unknown_record"),
    ({"participant_ids": ["no-such-member"]}, "participant_ids", "unknown_record"),
    ({"counterpart_ids": ["no-such-stakeholder"]}, "counterpart_ids", "unknown_record"),
    ({"duration_minutes": 0}, "duration_minutes", "end_not_after_start"),
    ({"duration_minutes": -30}, "duration_minutes", "end_not_after_start"),
    ({"classification": "SECRET"}, "classification", "not_in_vocabulary"),
    ({"commitments": [CommitmentInput(text="x", by_mission=False, committed_by_id=None,
                                      owner_id=None, due_date=None)]},
     "committed_by_id", "required"),
])
def test_refusals_are_codes_and_leave_nothing(people, change, field, reason):
    handle, members, shs = people
    with pytest.raises(InvalidValue) as info:
        _create(handle, **_basic(members, shs, **change))
    assert (info.value.params["field"], info.value.params["reason"]) == (field, reason)
    assert error_text(info.value)
    assert eng.count_engagements(handle, EngagementFilter()) == 0
    with handle.session() as session:
        assert session.scalars(select(Commitment)).all() == []


def test_end_before_start_is_refused():
    with pytest.raises(InvalidValue) as info:
        eng.duration_between(START, START - timedelta(minutes=5))
    assert info.value.params["reason"] == "end_not_after_start"
    assert eng.duration_between(START, START + timedelta(hours=1)) == 60


def test_update_replaces_links_and_keeps_counterpart_start(people):
    handle, members, shs = people
    view = _create(handle, **_basic(members, shs, counterpart_ids=[shs[0], shs[1]]))
    new_start = START + timedelta(days=1)
    with handle.unit_of_work() as uow:
        updated = eng.update_engagement(
            uow, view.id, expected_revision=view.revision, lead_id=members[2],
            participant_ids=[members[0]], counterpart_ids=[shs[1], shs[2]],
            starts_at=new_start, title="Ceasefire talks, round 2")
    assert updated.revision == view.revision + 1
    assert updated.lead_id == members[2]
    assert updated.participant_ids == (members[0],)
    assert set(updated.counterpart_ids) == {shs[1], shs[2]}
    with handle.session() as session:
        live = session.execute(select(EngagementCounterpart.stakeholder_id,
                                      EngagementCounterpart.starts_at)).all()
    assert sorted(live) == sorted([(shs[1], new_start), (shs[2], new_start)])
    # A link-only change is a new revision too (an edit never silently overwrites another).
    with handle.unit_of_work() as uow:
        again = eng.update_engagement(uow, view.id, expected_revision=updated.revision,
                                      counterpart_ids=[shs[0]])
    assert again.revision == updated.revision + 1
    assert again.counterpart_ids == (shs[0],)
    with handle.session() as session:  # the dropped-and-back link is the same row again
        count = session.execute(select(EngagementCounterpart.id).execution_options(
            include_deleted=True)).all()
    assert len(count) == 3


def test_stale_revision_is_refused(people):
    handle, members, shs = people
    view = _create(handle, **_basic(members, shs))
    with handle.unit_of_work() as uow:
        eng.update_engagement(uow, view.id, expected_revision=view.revision, title="Changed")
    with pytest.raises(RevisionConflict), handle.unit_of_work() as uow:
        eng.update_engagement(uow, view.id, expected_revision=view.revision, title="Mine")
    assert eng.get_engagement(handle, view.id).title == "Changed"


def test_delete_and_restore_bring_back_the_links(people):
    handle, members, shs = people
    view = _create(handle, **_basic(members, shs, counterpart_ids=[shs[0], shs[2]]))
    with handle.unit_of_work() as uow:  # a link dropped before the delete stays dropped
        view = eng.update_engagement(uow, view.id, expected_revision=view.revision,
                                     counterpart_ids=[shs[0]])
    with handle.unit_of_work() as uow:
        gone = eng.delete_engagement(uow, view.id, expected_revision=view.revision)
    assert eng.count_engagements(handle, EngagementFilter()) == 0
    assert eng.stakeholder_engagements(handle, shs[0]) == []
    with handle.unit_of_work() as uow:
        back = eng.restore_engagement(uow, view.id, expected_revision=gone.revision)
    assert back.counterpart_ids == (shs[0],)
    assert back.lead_id == members[0] and back.participant_ids == (members[1],)
    assert [r.id for r in eng.stakeholder_engagements(handle, shs[0])] == [view.id]


def test_audit_names_the_engagement_by_title_and_search_finds_it(people):
    from missiondesk.services import audit

    handle, members, shs = people
    view = _create(handle, **_basic(members, shs, commitments=[
        CommitmentInput(text="Open the corridor", by_mission=False, committed_by_id=shs[0],
                        owner_id=None, due_date=None)]))
    with handle.session() as session:
        tables = {t for (t,) in session.execute(select(ChangeLog.table_name)
                                                .where(ChangeLog.action == "create"))}
    assert {"engagements", "engagement_participants", "engagement_counterparts",
            "commitments", "commitment_engagements"} <= tables
    entry = audit.history(handle, "engagements", view.id)[0]
    assert entry.record_label == "Ceasefire talks"
    commitment_id = eng.get_engagement(handle, view.id).commitment_ids[0]
    assert audit.history(handle, "commitments", commitment_id)[0].record_label == \
        "Open the corridor"
    with handle.session() as session:
        hits = session.execute(text(
            "SELECT e.id FROM engagements_fts f JOIN engagements e ON e.rowid = f.rowid "
            "WHERE engagements_fts MATCH 'ceasefire'")).scalars().all()
    assert hits == [view.id]
    assert eng.count_engagements(handle, EngagementFilter(text="ceasef")) == 1
    assert eng.count_engagements(handle, EngagementFilter(text="corridor AND")) == 0


def test_counterpart_flags_only_flagged_with_reasons(people):
    handle, _members, shs = people
    flags = eng.counterpart_flags(handle, shs)
    assert [(f.name, f.do_not_engage, f.sanctioned, f.hrddp) for f in flags] == [
        ("General Vorn", True, False, False), ("Trader Osei", False, True, False)]
    assert flags[0].reason == "Only through the Force Commander"
    assert flags[1].reason == "UN list 2024"
    assert eng.counterpart_flags(handle, [shs[0]]) == []


# --- the Carana demo -------------------------------------------------------------------------


def test_demo_log_counts_and_pages(demo):
    total = eng.count_engagements(demo, EngagementFilter())
    assert total == 174
    first = eng.page_engagements(demo, EngagementFilter(), limit=100)
    rest = eng.page_engagements(demo, EngagementFilter(), offset=100, limit=100)
    assert len(first) == 100 and len(rest) == 74
    ids = [r.id for r in first + rest]
    assert len(set(ids)) == 174
    starts = [r.starts_at for r in first + rest]
    assert starts == sorted(starts, reverse=True)
    assert all(r.lead_name for r in first)
    oldest = eng.page_engagements(demo, EngagementFilter(), descending=False, limit=1)[0]
    assert oldest.id == ids[-1]


def test_demo_filters_narrow_in_sql(demo):
    rows = eng.page_engagements(demo, EngagementFilter(), limit=500)
    some = rows[0]
    fmt = eng.page_engagements(demo, EngagementFilter(format="phone_video"), limit=500)
    assert fmt and all(r.format == "phone_video" for r in fmt)
    assert len(fmt) == sum(r.format == "phone_video" for r in rows)
    non_political = eng.page_engagements(demo, EngagementFilter(political=False), limit=500)
    assert len(non_political) == sum(not r.political for r in rows)
    assert 0 < len(non_political) < 174
    member = eng.page_engagements(demo, EngagementFilter(member_id=some.lead_id), limit=500)
    assert some.id in [r.id for r in member]
    assert all(some.lead_name == r.lead_name or some.lead_name in r.participant_names
               for r in member)
    stakeholder = some.counterpart_ids[0]
    met = eng.page_engagements(demo, EngagementFilter(stakeholder_id=stakeholder), limit=500)
    assert met and all(stakeholder in r.counterpart_ids for r in met)
    assert met == eng.stakeholder_engagements(demo, stakeholder)
    tz = clock.mission_zone(demo)  # the period is the mission's local days
    day = clock.to_local(some.starts_at, tz).date()
    same_day = eng.page_engagements(demo, EngagementFilter(since=day, until=day), limit=500)
    assert some.id in [r.id for r in same_day]
    assert all(clock.to_local(r.starts_at, tz).date() == day for r in same_day)
    word = some.title.split()[0]
    found = eng.page_engagements(demo, EngagementFilter(text=word), limit=500)
    assert some.id in [r.id for r in found] and len(found) < 174


def test_demo_sorts_in_sql(demo):
    by_title = eng.page_engagements(demo, EngagementFilter(), sort="title", descending=False,
                                    limit=500)
    titles = [r.title.lower() for r in by_title]
    assert titles == sorted(titles)
    by_format = eng.page_engagements(demo, EngagementFilter(), sort="format", limit=500)
    formats = [r.format for r in by_format]
    assert formats == sorted(formats, reverse=True)
    for unsorted in ("nonsense", "lead_name", "outcome_excerpt"):  # no index orders them
        with pytest.raises(ValueError):
            eng.page_engagements(demo, sort=unsorted)


def test_demo_view_has_every_link(demo):
    rows = eng.page_engagements(demo, EngagementFilter(), limit=500)
    views = [eng.get_engagement(demo, r.id) for r in rows]
    assert any(v.driver_ids for v in views)
    assert any(v.commitment_ids for v in views)
    assert sum(len(v.commitment_ids) for v in views) <= 118 + 20


def test_now_helpers_accept_today(demo):
    today = datetime.now(UTC).date()
    assert eng.count_engagements(demo, EngagementFilter(since=today + timedelta(days=400))) == 0
