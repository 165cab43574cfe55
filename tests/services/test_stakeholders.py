"""The stakeholders service on real mission files: writes with the change log, conflicts,
validation per field, the table (filter, sort, priority) and the detail panel on Carana."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from missiondesk.services import stakeholders as S
from missiondesk.services.names import fold
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Engagement, EngagementCounterpart, TeamMember
from tests.conftest import PASSPHRASE


@pytest.fixture(scope="module")
def carana(demo_master, tmp_path_factory):
    """The Carana demo opened once for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("carana-read")
    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(folder / "home")
    try:
        shutil.copyfile(demo_master, folder / "carana.mdesk")
        handle = open_mission(folder / "carana.mdesk", PASSPHRASE)
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def carana_rows(carana):
    return S.list_stakeholders(carana)


@pytest.fixture
def demo(demo_file):
    """A fresh copy of the Carana demo, opened for writing."""
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


def by_alias(rows, alias):
    return next(r for r in rows if alias in r.aliases)


def create(handle, **fields):
    with handle.unit_of_work() as uow:
        return S.create_stakeholder(uow, **fields)


def add_member(handle, name="Amina Sow"):
    with handle.unit_of_work() as uow:
        member = uow.add(TeamMember(name=name, role="CHIEF_POLITICAL"))
        uow.session.flush()
        return member.id


# --- writes, change log, conflicts ------------------------------------------------------------


def test_create_update_delete_restore_round_trip_with_change_log(plain_mission):
    owner = add_member(plain_mission)
    view = create(plain_mission, name="  Élysée   Group ", aliases=["EG", "eg", " "],
                  category="civil_society", influence="4", regions=["Leppko"],
                  owner_id=owner, tags=["dialogue"])
    assert view.revision == 1
    assert (view.name, view.name_key, view.aliases) == ("Élysée Group", "elysee group", ("EG",))

    with plain_mission.unit_of_work() as uow:
        view = S.update_stakeholder(uow, view.id, expected_revision=1, influence=5,
                                    name="Elysée Groupe", grievances="Land")
    assert view.revision == 2 and view.name_key == "elysee groupe"

    detail = S.get_stakeholder(plain_mission, view.id)
    assert (detail.owner_name, detail.influence, detail.grievances) == ("Amina Sow", 5, "Land")
    changes = {(h.action, h.field): (h.old_value, h.new_value) for h in detail.history}
    assert changes[("update", "influence")] == (4, 5)
    assert changes[("update", "name")] == ("Élysée Group", "Elysée Groupe")
    assert changes[("update", "grievances")] == (None, "Land")
    assert ("create", None) in changes
    assert detail.history[-1].action == "create"  # newest first
    assert all(h.user_name == "Tester" for h in detail.history)

    with plain_mission.unit_of_work() as uow:
        deleted = S.delete_stakeholder(uow, view.id, expected_revision=2)
    assert deleted.deleted and deleted.revision == 3
    assert S.list_stakeholders(plain_mission) == []
    with pytest.raises(RecordMissing):
        S.get_stakeholder(plain_mission, view.id)
    assert S.find_similar(plain_mission, "Elysee Groupe") == []

    with plain_mission.unit_of_work() as uow:
        restored = S.restore_stakeholder(uow, view.id, expected_revision=3)
    assert not restored.deleted and restored.revision == 4
    detail = S.get_stakeholder(plain_mission, view.id)
    assert [h.action for h in detail.history[:2]] == ["restore", "delete"]
    assert [r.id for r in S.list_stakeholders(plain_mission)] == [view.id]


def test_stale_revision_is_refused_and_changes_nothing(plain_mission):
    view = create(plain_mission, name="Kori elders")
    with plain_mission.unit_of_work() as uow:
        S.update_stakeholder(uow, view.id, expected_revision=1, influence=5)
    for write in (
        lambda uow: S.update_stakeholder(uow, view.id, expected_revision=1, influence=1),
        lambda uow: S.delete_stakeholder(uow, view.id, expected_revision=1),
        lambda uow: S.set_priority_override(uow, view.id, expected_revision=1, letter="A",
                                            reason="x"),
        lambda uow: S.record_assessment(uow, view.id, expected_revision=1,
                                        assessed_on=date.today(), stance_peace="spoiler"),
    ):
        with pytest.raises(RevisionConflict) as caught, plain_mission.unit_of_work() as uow:
            write(uow)
        assert caught.value.params == {"table": "stakeholders", "record_id": view.id,
                                       "expected": 1, "found": 2}
    detail = S.get_stakeholder(plain_mission, view.id)
    assert (detail.revision, detail.influence, detail.stance_peace) == (2, 5, "unknown")


def test_missing_record(plain_mission):
    with pytest.raises(RecordMissing), plain_mission.unit_of_work() as uow:
        S.update_stakeholder(uow, "no-such-id", expected_revision=1, influence=2)
    with pytest.raises(RecordMissing):
        S.get_stakeholder(plain_mission, "no-such-id")


@pytest.mark.parametrize(("changes", "field", "reason", "extra"), [
    ({"name": "   "}, "name", "required", {}),
    ({"name": "x" * 301}, "name", "too_long", {"max_length": 300}),
    ({"kind": "tribe"}, "kind", "not_in_vocabulary", {"value": "tribe"}),
    ({"category": "rebels"}, "category", "not_in_vocabulary", {"value": "rebels"}),
    ({"classification": "SECRET"}, "classification", "not_in_vocabulary",
     {"value": "SECRET"}),
    ({"influence": 6}, "influence", "out_of_range", {"min": 1, "max": 5, "value": 6}),
    ({"interest": 0}, "interest", "out_of_range", {"min": 1, "max": 5, "value": 0}),
    ({"influence": "very high"}, "influence", "out_of_range", {"min": 1, "max": 5}),
    ({"aliases": "MPC"}, "aliases", "not_a_list", {}),
    ({"tags": ["x" * 121]}, "tags", "too_long", {"max_length": 120}),
    ({"description": "x" * 20_001}, "description", "too_long", {"max_length": 20_000}),
    ({"do_not_engage": "maybe"}, "do_not_engage", "not_in_vocabulary", {}),
    ({"stance_since": "last spring"}, "stance_since", "not_a_date", {}),
    ({"stance_peace": "hostile"}, "stance_peace", "not_in_vocabulary", {"value": "hostile"}),
])
def test_validation_errors_per_field(plain_mission, changes, field, reason, extra):
    view = create(plain_mission, name="Tatsi elders")
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.update_stakeholder(uow, view.id, expected_revision=1, **changes)
    params = caught.value.params
    assert (params["field"], params["reason"]) == (field, reason)
    for key, value in extra.items():
        assert params[key] == value
    if reason == "not_in_vocabulary" and field != "do_not_engage":
        assert "unknown" in params["allowed"] or "other" in params["allowed"] or \
            "UNCLASSIFIED" in params["allowed"] or "organization" in params["allowed"]
    assert S.get_stakeholder(plain_mission, view.id).revision == 1


def test_create_requires_a_name_and_a_known_owner(plain_mission):
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.create_stakeholder(uow, category="media")
    assert caught.value.params == {"field": "name", "reason": "required"}
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.create_stakeholder(uow, name="Radio Corma", owner_id="nobody")
    assert caught.value.params["reason"] == "unknown_record"
    assert S.list_stakeholders(plain_mission) == []


def test_clean_fields_normalises():
    clean = S.clean_fields({"name": " Radio  Corma ", "influence": "2", "tags": ("a", "A", "b"),
                            "classification": "confidential", "do_not_engage": 1,
                            "stance_since": "2019-05"}, creating=True)
    assert clean == {"name": "Radio Corma", "influence": 2, "tags": ["a", "b"],
                     "classification": "CONFIDENTIAL", "do_not_engage": True,
                     "stance_since": "2019-05"}
    with pytest.raises(ValueError):
        S.clean_fields({"name_key": "x"}, creating=False)


# --- assessments and the priority override ----------------------------------------------------


def test_assessment_updates_the_cache_unless_back_dated(plain_mission):
    view = create(plain_mission, name="General Zed", stance_peace="opposed")
    assert view.stance_peace == "opposed" and view.stance_since == date.today().isoformat()
    today = date.today()
    with plain_mission.unit_of_work() as uow:
        view = S.record_assessment(uow, view.id, expected_revision=view.revision,
                                   assessed_on=today, stance_peace="spoiler",
                                   perception="feared", reason="Attacked the Alur site")
    assert (view.stance_peace, view.perception, view.stance_since) == (
        "spoiler", "feared", today.isoformat())
    with plain_mission.unit_of_work() as uow:
        view = S.record_assessment(uow, view.id, expected_revision=view.revision,
                                   assessed_on=today - timedelta(days=400),
                                   stance_peace="champion", reason="Signed in 2025")
    assert view.stance_peace == "spoiler"  # an older assessment is history, not the present
    detail = S.get_stakeholder(plain_mission, view.id)
    assert [a.stance_peace for a in detail.assessments] == ["spoiler", "opposed", "champion"]
    assert detail.assessments[0].reason == "Attacked the Alur site"
    assert detail.assessments[0].assessed_by == "Tester"
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.record_assessment(uow, view.id, expected_revision=view.revision, assessed_on=today)
    assert caught.value.params["reason"] == "required"


def test_create_then_assess_in_one_unit_of_work(plain_mission):
    with plain_mission.unit_of_work() as uow:
        view = S.create_stakeholder(uow, name="Radio Corma")
        view = S.record_assessment(uow, view.id, expected_revision=view.revision,
                                   assessed_on=date.today(), perception="trusted")
    assert (view.revision, view.perception) == (1, "trusted")


def test_update_of_stance_is_recorded_as_an_assessment(plain_mission):
    view = create(plain_mission, name="Radio Corma")
    with plain_mission.unit_of_work() as uow:
        S.update_stakeholder(uow, view.id, expected_revision=1, stance_mission="wary")
    detail = S.get_stakeholder(plain_mission, view.id)
    assert detail.stance_mission == "wary"
    assert [(a.assessed_on, a.stance_mission) for a in detail.assessments] == [
        (date.today(), "wary")]


def test_priority_override_shows_and_clears(plain_mission):
    view = create(plain_mission, name="Kisiwa Dialogue Initiative", influence=1, interest=1)
    computed = S.get_stakeholder(plain_mission, view.id).priority.letter
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.set_priority_override(uow, view.id, expected_revision=1, letter="A", reason=" ")
    assert caught.value.params == {"field": "priority_override_reason", "reason": "required"}
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        S.set_priority_override(uow, view.id, expected_revision=1, letter="E", reason="x")
    assert caught.value.params["reason"] == "not_in_vocabulary"

    with plain_mission.unit_of_work() as uow:
        view = S.set_priority_override(uow, view.id, expected_revision=1, letter="a",
                                       reason="Back channel to the MPC")
    (row,) = S.list_stakeholders(plain_mission)
    assert (row.priority.letter, row.priority.computed, row.priority.overridden) == (
        "A", computed, True)
    assert row.priority.reasons[0] == ("override", {"reason": "Back channel to the MPC"})
    with plain_mission.unit_of_work() as uow:
        view = S.set_priority_override(uow, view.id, expected_revision=view.revision,
                                       letter=None, reason=None)
    detail = S.get_stakeholder(plain_mission, view.id)
    assert (detail.priority_override, detail.priority_override_reason) == (None, None)
    assert not detail.priority.overridden and detail.priority.letter == computed


def test_last_engaged_follows_engagements(plain_mission):
    today = date(2026, 3, 1)
    view = create(plain_mission, name="Radio Corma", influence=5)
    (row,) = S.list_stakeholders(plain_mission, today=today)
    assert row.last_engaged is None and ("never_engaged", {}) in row.priority.reasons

    def meet(when: datetime) -> str:
        with plain_mission.unit_of_work() as uow:
            engagement = uow.add(Engagement(starts_at=when, format="bilateral", title="Meet"))
            uow.session.flush()
            uow.add(EngagementCounterpart(engagement_id=engagement.id, stakeholder_id=view.id,
                                          starts_at=when))
            return engagement.id

    meet(datetime(2026, 1, 13, 9, 0))
    planned = meet(datetime(2026, 3, 20, 9, 0))  # in the future: not engaged yet
    (row,) = S.list_stakeholders(plain_mission, today=today)
    assert (row.last_engaged, row.days_since_engaged) == (date(2026, 1, 13), 47)
    assert ("not_engaged_for", {"days": 47}) in row.priority.reasons
    detail = S.get_stakeholder(plain_mission, view.id, today=today)
    assert detail.last_engaged == date(2026, 1, 13)
    assert [e.id for e in detail.engagements][0] == planned  # newest first
    later = meet(datetime(2026, 2, 27, 9, 0))
    (row,) = S.list_stakeholders(plain_mission, today=today)
    assert row.days_since_engaged == 2
    with plain_mission.unit_of_work() as uow:  # a tombstoned engagement no longer counts
        uow.session.get(Engagement, later).deleted_at = datetime(2026, 2, 28)
    (row,) = S.list_stakeholders(plain_mission, today=today)
    assert row.days_since_engaged == 47
    assert S.get_stakeholder(plain_mission, view.id, today=today).days_since_engaged == 47
    with plain_mission.unit_of_work() as uow:  # nor does a tombstoned counterpart
        for link in uow.session.scalars(select(EngagementCounterpart)):
            link.deleted_at = datetime(2026, 2, 28)
    (row,) = S.list_stakeholders(plain_mission, today=today)
    assert row.last_engaged is None


# --- the table on the Carana demo -------------------------------------------------------------


def test_list_has_every_live_stakeholder_with_owner_and_priority(carana_rows):
    assert len(carana_rows) == 69
    mpc = by_alias(carana_rows, "MPC")
    assert mpc.owner_name and mpc.priority.letter in "ABCD"
    assert mpc.sort_name == fold(mpc.name)
    assert "patriotic movement of carana" in mpc.search_key
    for row in carana_rows:
        if row.do_not_engage:
            assert row.priority.letter is None
            assert row.priority.reasons == (("do_not_engage", {}),)
        elif row.category == "un_entity":  # UN partners are not engagement targets
            assert row.priority.letter is None
            assert row.priority.reasons == (("un_entity", {}),)
        else:
            assert row.priority.letter in ("A", "B", "C", "D")
    assert sum(r.do_not_engage for r in carana_rows) == 2
    assert any(r.last_engaged for r in carana_rows)


@pytest.mark.parametrize(("text", "expected_alias"), [
    ("mpc", "MPC"),
    ("Patriotic movement", "MPC"),  # only in an alias
    ("ÉLISE", "Elise Ndaye"),
    ("elise ndaye", "Elise Ndaye"),
    ("kori ELDERS", "Kori elders"),
])
def test_filter_text_matches_names_and_aliases_ignoring_case_and_accents(
        carana_rows, text, expected_alias):
    found = S.filter_rows(carana_rows, S.StakeholderFilter(text=text))
    assert by_alias(carana_rows, expected_alias) in found
    assert len(found) <= 3


def test_filter_by_sets(carana_rows):
    mpc = by_alias(carana_rows, "MPC")
    def keep(**kw):
        return S.filter_rows(carana_rows, S.StakeholderFilter(**kw))

    armed = keep(categories=frozenset({"armed_group"}))
    assert mpc in armed and all(r.category == "armed_group" for r in armed)
    spoilers = keep(stances=frozenset({"spoiler"}))
    assert spoilers and all("spoiler" in (r.stance_peace, r.stance_mission) for r in spoilers)
    top = keep(priorities=frozenset({"A"}))
    assert top and all(r.priority.letter == "A" for r in top)
    dne = keep(priorities=frozenset({None}))
    assert len(dne) == 4 and all(r.do_not_engage or r.category == "un_entity" for r in dne)
    mine = keep(owner_ids=frozenset({mpc.owner_id}))
    assert mpc in mine and all(r.owner_id == mpc.owner_id for r in mine)
    assert mpc in keep(regions=frozenset({"Kalesi"}), tags=frozenset({"ddr"}))
    both = keep(text="carana", categories=frozenset({"armed_group", "state_security_force"}))
    assert both and all("carana" in r.search_key for r in both)
    assert keep() == carana_rows


def test_sort_by_name_folds_accents(carana_rows):
    names = [r.name for r in S.sort_rows(carana_rows, "name")]
    elise = names.index("Élise Ndaye, Minister of National Reconciliation")
    european = names.index("European Union Delegation to Carana")
    corvane = names.index("Corvane Strategic Services")
    assert corvane < elise < european
    assert names == sorted(names, key=fold)
    assert [r.name for r in S.sort_rows(carana_rows, "name", descending=True)] == names[::-1]


@pytest.mark.parametrize("column", S.TABLE_COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts(carana_rows, column, descending):
    ordered = S.sort_rows(carana_rows, column, descending)
    assert sorted(r.id for r in ordered) == sorted(r.id for r in carana_rows)
    if column == "priority":
        letters = [r.priority.letter for r in ordered]
        # do-not-engage and the UN partners (not targets) last either way
        assert letters[-4:] == [None] * 4 and None not in letters[:-4]
        ranks = [r.priority.rank for r in ordered[:-4]]
        assert ranks == sorted(ranks, reverse=descending)
    if column == "influence":
        values = [r.influence for r in ordered]
        assert values == sorted(values, reverse=descending)
    if column == "last_engaged":
        dates = [r.last_engaged for r in ordered if r.last_engaged]
        assert dates == sorted(dates, reverse=descending)
        assert all(r.last_engaged is None for r in ordered[len(dates):])
    if column == "stance_peace" and not descending:
        assert ordered[0].stance_peace in ("champion", "supportive")


def test_sort_rejects_unknown_column(carana_rows):
    with pytest.raises(ValueError):
        S.sort_rows(carana_rows, "shoe_size")


def test_filter_options(carana):
    options = S.filter_options(carana)
    assert "armed_group" in options["categories"]
    assert {"Leppko", "Galasi"} <= set(options["regions"])
    assert "ddr" in options["tags"]
    names = [name for _, name in options["owners"]]
    assert names == sorted(names, key=fold) and len(names) >= 5


# --- duplicates ---------------------------------------------------------------------------------


def test_find_similar_on_the_demo(carana, carana_rows):
    mpc = by_alias(carana_rows, "MPC")
    found = S.find_similar(carana, "M.P.C.")
    assert found[0].id == mpc.id
    found = S.find_similar(carana, "Mouvement patriotique du Carana")
    assert found[0].id == mpc.id
    kori = S.find_similar(carana, "Kori elders")
    assert [s.id for s in kori] == [by_alias(carana_rows, "Kori elders").id]
    assert S.find_similar(carana, "MLCS")[0].id != mpc.id
    assert S.find_similar(carana, "MPC", exclude_id=mpc.id) == []
    assert S.find_similar(carana, "Amicale des pêcheurs de Tereni") == []


# --- the detail panel ----------------------------------------------------------------------------


def test_detail_of_the_mpc(carana, carana_rows):
    mpc = by_alias(carana_rows, "MPC")
    d = S.get_stakeholder(carana, mpc.id)
    assert d.name == "Mouvement Patriotique de Carana (MPC)"
    assert (d.id, d.revision, d.owner_name, d.priority) == (
        mpc.id, mpc.revision, mpc.owner_name, mpc.priority)
    assert d.category == "armed_group" and "Kalesi" in d.regions and d.positions
    assert len(d.perceptions) >= 2 and all(p.group_name and p.evidence for p in d.perceptions)
    dates = [a.assessed_on for a in d.assessments]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert (d.assessments[0].stance_peace, d.assessments[0].perception) == (
        d.stance_peace, d.perception)
    cdf = [r for r in d.relationships if r.other_name == "Carana Defence Forces (CDF)"]
    assert {r.type for r in cdf} >= {"negotiates_with", "armed_conflict_with"}
    assert {r.outgoing for r in d.relationships} == {True, False}
    starts = [e.starts_at for e in d.engagements]
    assert len(starts) >= 3 and starts == sorted(starts, reverse=True)
    assert all(e.title and e.format for e in d.engagements)
    assert any(e.lead_name for e in d.engagements)
    assert d.commitments and all(c.text and c.status for c in d.commitments)
    assert ("Stalled cantonment payments", "affected") in {
        (x.driver_name, x.role) for x in d.drivers}
    assert d.last_engaged == mpc.last_engaged


def test_detail_history_after_edits(demo):
    rows = S.list_stakeholders(demo)
    kori = by_alias(rows, "Kori elders")
    with demo.unit_of_work() as uow:
        S.update_stakeholder(uow, kori.id, expected_revision=kori.revision,
                             aliases=["Kori elders", "Anciens kori"], influence=5)
    d = S.get_stakeholder(demo, kori.id)
    fields = {h.field: (h.old_value, h.new_value) for h in d.history}
    assert fields["aliases"] == (["Kori elders"], ["Kori elders", "Anciens kori"])
    assert fields["influence"][1] == 5
    assert all(h.user_name == "Tester" for h in d.history)
    (after,) = [r for r in S.list_stakeholders(demo) if r.id == kori.id]
    assert after.influence == 5 and "anciens kori" in after.search_key
    assert S.filter_rows(S.list_stakeholders(demo), S.StakeholderFilter(text="anciens"))[0].id \
        == kori.id
