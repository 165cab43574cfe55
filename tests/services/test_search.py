"""Global search on real mission files: names, aliases, accents, notes, prefixes, hostile
input, protected sources, and the index kept in step with edits, deletes and their undo."""

from __future__ import annotations

from datetime import datetime

import pytest

from missiondesk.services import engagements, search, stakeholders
from missiondesk.services import sources as sources_service
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Commitment
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "tester")
    yield handle
    handle.close()


def _titles(hits, kind=None):
    return [h.title for h in hits if kind is None or h.kind == kind]


def _create_stakeholder(handle, **fields):
    with handle.unit_of_work() as uow:
        return stakeholders.create_stakeholder(uow, **fields)


@pytest.mark.parametrize("query", [
    "Aurélien Mbeka",      # the name as written
    "aurelien mbeka",      # without accents, lower case
    "AURELIEN",            # one word, upper case
    "mbek",                # a prefix of the last word, as typed
    "le président",        # an alias
    "le pres",             # an alias, typed half way
])
def test_finds_a_stakeholder_by_name_alias_accentless_and_prefix(demo, query):
    hits = search.search(demo, query, kinds=[search.STAKEHOLDER])
    assert "President Aurélien Mbeka" in _titles(hits)


def test_finds_by_note_text_and_marks_the_match(plain_mission):
    _create_stakeholder(plain_mission, name="Kalari Herders' Association",
                        category="civil_society",
                        grievances="Cattle corridors closed by the Leppko militia since March.")
    hits = search.search(plain_mission, "corridors", kinds=[search.STAKEHOLDER])
    assert _titles(hits) == ["Kalari Herders' Association"]
    hit = hits[0]
    assert "Cattle corridors closed" in hit.snippet
    (start, end), = hit.snippet_marks
    assert hit.snippet[start:end] == "corridors"


def test_a_name_ranks_above_a_mention_in_the_notes(plain_mission):
    _create_stakeholder(plain_mission, name="Tatsi elders", category="community",
                        description="They distrust the Kessi family.")
    _create_stakeholder(plain_mission, name="Hilaire Kessi", category="host_government")
    hits = search.search(plain_mission, "kessi")
    assert _titles(hits) == ["Hilaire Kessi", "Tatsi elders"]


def test_results_are_grouped_by_kind(demo):
    hits = search.search(demo, "leppko")
    kinds = [h.kind for h in hits]
    assert set(kinds) >= {"stakeholder", "engagement", "commitment"}
    assert kinds == sorted(kinds, key=search.KINDS.index)
    assert all(len([k for k in kinds if k == kind]) <= 20 for kind in search.KINDS)
    few = search.search(demo, "leppko", limit_per_kind=2)
    assert [len([h for h in few if h.kind == k]) for k in search.KINDS] == [2, 2, 2, 0]


@pytest.mark.parametrize("query", [
    '"', '""', '"unbalanced', '*', 'mbeka*', '-', '-mbeka', 'AND', 'mbeka AND', 'OR NOT',
    'NEAR(a b)', '(', ')', '^', 'name:mbeka', '{name}: x', "'", "\\", "%", "_", "   ", "",
    "\u202e", "é*", "—",
])
def test_fts_syntax_typed_by_a_user_is_never_an_error(demo, query):
    for typing in (False, True):
        hits = search.search(demo, query, typing=typing)
        assert isinstance(hits, list)


def test_operators_are_words_not_syntax(demo):
    # "mbeka AND" is two words, both required: no stakeholder has the word "and" and Mbeka.
    assert "President Aurélien Mbeka" in _titles(search.search(demo, "-mbeka"))
    assert "President Aurélien Mbeka" in _titles(search.search(demo, '"mbeka"'))
    assert search.search(demo, "mbeka NEAR zzzz ") == []


def test_deleted_record_is_gone_and_back_after_undo(plain_mission):
    view = _create_stakeholder(plain_mission, name="Moussa Zaténi", category="armed_group")
    assert _titles(search.search(plain_mission, "zateni")) == ["Moussa Zaténi"]
    with plain_mission.unit_of_work() as uow:
        view = stakeholders.delete_stakeholder(uow, view.id, expected_revision=view.revision)
    assert search.search(plain_mission, "zateni") == []
    with plain_mission.unit_of_work() as uow:  # what Undo of the delete does
        stakeholders.restore_stakeholder(uow, view.id, expected_revision=view.revision)
    assert _titles(search.search(plain_mission, "zateni")) == ["Moussa Zaténi"]


def test_an_edit_and_its_undo_change_what_search_finds(plain_mission):
    view = _create_stakeholder(plain_mission, name="Moussa Zaténi", category="armed_group")
    with plain_mission.unit_of_work() as uow:
        view = stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                               name="Moussa Kalambé", aliases=["Le Colonel"])
    assert search.search(plain_mission, "zateni") == []
    assert _titles(search.search(plain_mission, "kalambe")) == ["Moussa Kalambé"]
    assert _titles(search.search(plain_mission, "colonel")) == ["Moussa Kalambé"]
    with plain_mission.unit_of_work() as uow:  # what Undo of the edit does
        stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                        name="Moussa Zaténi", aliases=[])
    assert _titles(search.search(plain_mission, "zateni")) == ["Moussa Zaténi"]
    assert search.search(plain_mission, "colonel") == []


def test_engagements_follow_edits_deletes_and_undo(demo):
    lead = demo_member(demo)
    with demo.unit_of_work() as uow:
        view = engagements.create_engagement(
            uow, starts_at=datetime(2026, 5, 4, 9, 0), duration_minutes=60,
            title="Working lunch on the Ouzzal corridor", format="bilateral", lead_id=lead,
            outcomes="Both sides accept a joint patrol of the corridor.")
    hits = search.search(demo, "ouzzal", kinds=[search.ENGAGEMENT])
    assert [(h.id, h.title) for h in hits] == [(view.id, "Working lunch on the Ouzzal corridor")]
    assert hits[0].when == datetime(2026, 5, 4, 9, 0)
    assert "joint patrol" in search.search(demo, "ouzzal patrol",
                                           kinds=[search.ENGAGEMENT])[0].snippet
    with demo.unit_of_work() as uow:
        view = engagements.update_engagement(uow, view.id, expected_revision=view.revision,
                                             title="Working lunch on the Sawa crossing")
    assert search.search(demo, "ouzzal", kinds=[search.ENGAGEMENT]) == []
    with demo.unit_of_work() as uow:
        view = engagements.delete_engagement(uow, view.id, expected_revision=view.revision)
    assert search.search(demo, "sawa crossing", kinds=[search.ENGAGEMENT]) == []
    with demo.unit_of_work() as uow:
        engagements.restore_engagement(uow, view.id, expected_revision=view.revision)
    assert _titles(search.search(demo, "sawa crossing", kinds=[search.ENGAGEMENT])) == [
        "Working lunch on the Sawa crossing"]


def test_commitments_follow_edits_and_deletes(demo):
    with demo.unit_of_work() as uow:
        row = Commitment(text="Release the Ouzzal detainees before the rains.",
                         by_mission=False, evidence="Letter of the prefect.")
        uow.add(row)
        uow.session.flush()
        commitment_id = row.id
    hits = search.search(demo, "detainees ouzzal", kinds=[search.COMMITMENT])
    assert [h.id for h in hits] == [commitment_id]
    assert search.search(demo, "prefect", kinds=[search.COMMITMENT])[0].snippet == (
        "Letter of the prefect.")
    with demo.unit_of_work() as uow:
        uow.session.get(Commitment, commitment_id).deleted_at = datetime(2026, 5, 5)
    assert search.search(demo, "ouzzal", kinds=[search.COMMITMENT]) == []
    with demo.unit_of_work() as uow:
        row = uow.session.get(Commitment, commitment_id,
                              execution_options={"include_deleted": True})
        row.deleted_at = None
    assert [h.id for h in search.search(demo, "ouzzal", kinds=[search.COMMITMENT])] == [
        commitment_id]


def demo_member(handle) -> str:
    from sqlalchemy import select

    from missiondesk.store.schema import TeamMember

    with handle.session() as session:
        return session.scalars(select(TeamMember.id)).first()


def test_sources_by_code_name_never_show_a_protected_description(plain_mission):
    with plain_mission.unit_of_work() as uow:
        sources_service.create_source(uow, code_name="SRC-014", source_type="interlocutor",
                                      description="Cousin of the Leppko commander",
                                      protected=True)
        sources_service.create_source(uow, code_name="SRC-015", source_type="media",
                                      description="Radio Galasi", protected=False)
    hits = search.search(plain_mission, "src-01", kinds=[search.SOURCE])
    assert [(h.title, h.snippet) for h in hits] == [("SRC-014", ""), ("SRC-015", "Radio Galasi")]
    assert hits[0].title_marks == ((0, 6),)
    assert search.search(plain_mission, "cousin") == []  # a description is never searched


def test_typing_a_short_prefix_searches_names_not_every_engagement(demo):
    typed = search.search(demo, "ce", typing=True)
    assert "Joint Ceasefire Commission (JCC)" in _titles(typed, search.STAKEHOLDER)
    # Engagements and commitments match a one- or two-letter word whole while typing...
    assert all(h.kind in search.SMALL_KINDS for h in typed)
    # ...and by prefix when the query is complete (the command line) or longer.
    assert any(h.kind == search.ENGAGEMENT for h in search.search(demo, "ce"))
    assert any(h.kind == search.ENGAGEMENT for h in search.search(demo, "cea", typing=True))


def test_hit_json_has_the_design_shape(demo):
    hit = search.search(demo, "mbeka")[0]
    assert set(hit.as_json()) == {"kind", "id", "title", "snippet"}


def test_unknown_kind_is_a_programming_error(demo):
    with pytest.raises(ValueError):
        search.search(demo, "mbeka", kinds=["drivers"])
