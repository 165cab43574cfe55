"""Commitments on real mission files: overdue computed at its boundaries, the status
workflow (refused transitions are typed errors), filters and paging in SQL on the demo,
create/update/delete/restore with revisions and engagement links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from missiondesk.messages import error_text
from missiondesk.services import commitments as service
from missiondesk.services.commitments import CommitmentFilter
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Stakeholder, TeamMember
from tests.conftest import PASSPHRASE

TODAY = date(2026, 6, 15)


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Service tester")
    yield handle
    handle.close()


def _ids(handle, model, n=2):
    with handle.session() as session:
        return list(session.scalars(select(model.id).order_by(model.id).limit(n)))


def _member_and_stakeholder(handle):
    from missiondesk.services.stakeholders import create_stakeholder
    from missiondesk.services.team import add_team_member

    with handle.unit_of_work() as uow:
        member = add_team_member(uow, name="Amina Diallo", role="CHIEF_POLITICAL")
        stakeholder = create_stakeholder(uow, name="Leppko elders")
    return member.id, stakeholder.id


def _create(handle, **fields):
    with handle.unit_of_work() as uow:
        return service.create_commitment(uow, **fields)


# --- overdue --------------------------------------------------------------------------------


@pytest.mark.parametrize("status, due, overdue", [
    ("open", TODAY - timedelta(days=1), True),
    ("in_progress", TODAY - timedelta(days=30), True),
    ("open", TODAY, False),                           # due today is not overdue yet
    ("open", TODAY + timedelta(days=1), False),
    ("open", None, False),                            # conditions-based: no due date
    ("fulfilled", TODAY - timedelta(days=5), False),  # fulfilled is never overdue
    ("partially_fulfilled", TODAY - timedelta(days=5), False),
    ("breached", TODAY - timedelta(days=5), False),
    ("withdrawn", TODAY - timedelta(days=5), False),
])
def test_overdue_is_computed_from_the_due_date_and_status(status, due, overdue):
    assert service.is_overdue(status, due, TODAY) is overdue


def test_overdue_rows_and_filter_agree_at_the_boundary(plain_mission):
    _member, stakeholder = _member_and_stakeholder(plain_mission)
    yesterday = _create(plain_mission, text="Yesterday", committed_by_id=stakeholder,
                        due_date=TODAY - timedelta(days=1))
    _create(plain_mission, text="Today", committed_by_id=stakeholder, due_date=TODAY)
    done = _create(plain_mission, text="Done late", committed_by_id=stakeholder,
                   due_date=TODAY - timedelta(days=9))
    with plain_mission.unit_of_work() as uow:
        service.set_status(uow, done.id, "fulfilled", expected_revision=done.revision)
    rows = {r.text: r for r in service.page_commitments(plain_mission, today=TODAY)}
    assert rows["Yesterday"].overdue and rows["Yesterday"].days_overdue == 1
    assert not rows["Today"].overdue and rows["Today"].days_overdue is None
    assert not rows["Done late"].overdue
    overdue = service.page_commitments(plain_mission, CommitmentFilter(overdue_only=True),
                                       today=TODAY)
    assert [r.id for r in overdue] == [yesterday.id]
    assert service.count_commitments(plain_mission, CommitmentFilter(overdue_only=True),
                                     today=TODAY) == 1


# --- the workflow ---------------------------------------------------------------------------


def test_status_follows_the_workflow_and_refusals_are_typed(plain_mission):
    _member, stakeholder = _member_and_stakeholder(plain_mission)
    view = _create(plain_mission, text="Release the detainees", committed_by_id=stakeholder)
    assert view.status == "open"
    with plain_mission.unit_of_work() as uow:
        view = service.set_status(uow, view.id, "in_progress", expected_revision=view.revision)
    with plain_mission.unit_of_work() as uow:
        view = service.set_status(uow, view.id, "fulfilled", expected_revision=view.revision)
    for refused in ("breached", "open", "overdue", "partially_fulfilled"):
        with pytest.raises(InvalidValue) as info:
            with plain_mission.unit_of_work() as uow:
                service.set_status(uow, view.id, refused, expected_revision=view.revision)
        assert info.value.params["reason"] == "transition_refused"
        assert info.value.params["current"] == "fulfilled"
        assert "fulfilled" in error_text(info.value).lower() or error_text(info.value)
    # the edit path follows the same table
    with pytest.raises(InvalidValue):
        with plain_mission.unit_of_work() as uow:
            service.update_commitment(uow, view.id, expected_revision=view.revision,
                                      status="withdrawn")
    assert service.get_commitment(plain_mission, view.id).status == "fulfilled"
    # an undo puts back what was, whatever the workflow
    with plain_mission.unit_of_work() as uow:
        view = service.set_status(uow, view.id, "in_progress", expected_revision=view.revision)
    with plain_mission.unit_of_work() as uow:
        view = service.set_status(uow, view.id, "open", expected_revision=view.revision,
                                  undoing=True)
    assert view.status == "open"
    # a stale revision is refused
    with pytest.raises(RevisionConflict):
        with plain_mission.unit_of_work() as uow:
            service.set_status(uow, view.id, "withdrawn", expected_revision=1)


def test_a_new_commitment_starts_open_or_in_progress(plain_mission):
    _member, stakeholder = _member_and_stakeholder(plain_mission)
    with pytest.raises(InvalidValue) as info:
        _create(plain_mission, text="Done already", committed_by_id=stakeholder,
                status="fulfilled")
    assert info.value.params["reason"] == "transition_refused"


@pytest.mark.parametrize("fields, field, reason", [
    ({"text": " "}, "text", "required"),
    ({"text": "Who?"}, "committed_by_id", "required"),
    ({"text": "x", "by_mission": True, "commitment_type": "vague"}, "commitment_type",
     "not_in_vocabulary"),
    ({"text": "x", "by_mission": True, "owner_id": "nobody"}, "owner_id", "unknown_record"),
    ({"text": "x", "by_mission": True, "due_date": "soon"}, "due_date", "not_a_date"),
])
def test_invalid_fields_give_codes_and_a_sentence(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as info:
        _create(plain_mission, **fields)
    assert (info.value.params["field"], info.value.params["reason"]) == (field, reason)
    assert error_text(info.value)
    assert service.count_commitments(plain_mission) == 0


# --- writes -----------------------------------------------------------------------------------


def test_create_update_delete_restore_with_links(demo):
    engagements = demo_engagements(demo)
    member = _ids(demo, TeamMember, 1)[0]
    view = _create(demo, text="Share the cantonment plan with the elders", by_mission=True,
                   owner_id=member, due_date=date.today() + timedelta(days=3),
                   engagement_ids=engagements[:1])
    row = service.get_commitment(demo, view.id)
    assert row.by_mission and row.committed_by_name is None
    assert [e.id for e in row.engagements] == engagements[:1]
    assert row.classification == "CONFIDENTIAL"  # the mission's default
    with demo.unit_of_work() as uow:
        view = service.update_commitment(uow, view.id, expected_revision=view.revision,
                                         engagement_ids=engagements[1:3],
                                         text="Share the plan")
    row = service.get_commitment(demo, view.id)
    assert row.text == "Share the plan"
    assert {e.id for e in row.engagements} == set(engagements[1:3])
    with pytest.raises(RevisionConflict):
        with demo.unit_of_work() as uow:
            service.update_commitment(uow, view.id, expected_revision=view.revision - 1,
                                      text="Stale")
    before = service.count_commitments(demo)
    with demo.unit_of_work() as uow:
        view = service.delete_commitment(uow, view.id, expected_revision=view.revision)
    assert service.count_commitments(demo) == before - 1
    with pytest.raises(RecordMissing):
        service.get_commitment(demo, view.id)
    with demo.unit_of_work() as uow:
        view = service.restore_commitment(uow, view.id, expected_revision=view.revision)
    assert {e.id for e in service.get_commitment(demo, view.id).engagements} == \
        set(engagements[1:3])


def demo_engagements(handle) -> list[str]:
    from missiondesk.store.schema import Engagement

    with handle.session() as session:
        return list(session.scalars(select(Engagement.id).order_by(Engagement.starts_at)
                                    .limit(3)))


# --- filters and paging on the demo ---------------------------------------------------------


def test_the_demo_commitments_filter_and_page_in_sql(demo):
    total = service.count_commitments(demo)
    assert total == 118
    pages = []
    for offset in range(0, total, 50):
        pages += service.page_commitments(demo, offset=offset, limit=50)
    assert len(pages) == total and len({r.id for r in pages}) == total
    dues = [r.due_date for r in pages if r.due_date is not None]
    assert dues == sorted(dues)  # by due date, blanks last
    assert all(r.engagements for r in pages)  # every demo commitment came from a meeting

    by_mission = service.count_commitments(demo, CommitmentFilter(by_mission=True))
    by_them = service.count_commitments(demo, CommitmentFilter(by_mission=False))
    assert by_mission == 53 and by_mission + by_them == total
    fulfilled = service.page_commitments(demo, CommitmentFilter(status="fulfilled"), limit=500)
    assert len(fulfilled) == 43 and {r.status for r in fulfilled} == {"fulfilled"}
    active = service.count_commitments(demo, CommitmentFilter(status="active"))
    assert active == 32 + 31

    owner = pages[0].owner_id
    mine = service.page_commitments(demo, CommitmentFilter(owner_id=owner), limit=500)
    assert mine and {r.owner_id for r in mine} == {owner}

    with demo.session() as session:
        president = session.scalar(select(Stakeholder.id).where(
            Stakeholder.name.like("%President%")).limit(1))
    theirs = service.page_commitments(demo, CommitmentFilter(stakeholder_id=president),
                                      limit=500)
    assert any(r.committed_by_id == president for r in theirs)

    with_provision = next(r for r in pages if r.provision_id)
    assert with_provision.provision_reference and with_provision.agreement_name
    cited = service.page_commitments(
        demo, CommitmentFilter(provision_id=with_provision.provision_id), limit=500)
    assert {r.provision_id for r in cited} == {with_provision.provision_id}

    word = with_provision.text.split()[1]
    found = service.page_commitments(demo, CommitmentFilter(text=word.upper()), limit=500)
    assert with_provision.id in {r.id for r in found}
    assert service.count_commitments(demo, CommitmentFilter(text="zzqqxx")) == 0
    assert service.count_commitments(demo, CommitmentFilter(text="\"*(")) == 0

    by_owner = service.page_commitments(demo, sort="owner", limit=500)
    names = [r.owner_name.lower() for r in by_owner if r.owner_name]
    assert names == sorted(names)
    latest_due = service.page_commitments(demo, sort="due_date", descending=True, limit=1)[0]
    assert latest_due.due_date == max(dues)


def test_my_followups_are_the_users_active_commitments(demo):
    assert service.my_followups(demo) == []  # not one of the team: nothing
    owner = service.page_commitments(demo, CommitmentFilter(status="active"), limit=1)[0]
    demo.set_user(owner.owner_id, owner.owner_name)
    mine = service.my_followups(demo)
    assert mine and all(r.owner_id == owner.owner_id and r.status in service.ACTIVE
                        for r in mine)


def test_paging_by_due_date_puts_undated_last_across_pages(plain_mission):
    _member, stakeholder = _member_and_stakeholder(plain_mission)
    for n in range(7):
        _create(plain_mission, text="Dated %d" % n, committed_by_id=stakeholder,
                due_date=TODAY + timedelta(days=(n * 5) % 7))
    for n in range(4):
        _create(plain_mission, text="Undated %d" % n, committed_by_id=stakeholder)
    for descending in (False, True):
        rows = []
        for offset in range(0, 11, 3):
            rows += service.page_commitments(plain_mission, offset=offset, limit=3,
                                             descending=descending, today=TODAY)
        assert len({r.id for r in rows}) == 11
        dues = [r.due_date for r in rows]
        assert dues[7:] == [None] * 4  # blanks last either way
        assert dues[:7] == sorted(dues[:7], reverse=descending)
