"""People a name field completes: stakeholders (aliases, flags) and active team members;
`match` ranks names as a user expects, accents and case ignored."""

from __future__ import annotations

import pytest

from missiondesk.services import people as people_service
from missiondesk.services.people import (
    ALIAS_PREFIX,
    CONTAINS,
    EXACT_ALIAS,
    EXACT_NAME,
    NAME_PREFIX,
    WORD_PREFIX,
    Person,
    find,
    match,
    shown,
    split_names,
)
from missiondesk.services.stakeholders import create_stakeholder, delete_stakeholder
from missiondesk.services.team import add_team_member


@pytest.fixture
def crowd(plain_mission):
    with plain_mission.unit_of_work() as uow:
        create_stakeholder(uow, name="Moussa Zaténi", aliases=["Le Sage de Kori"])
        create_stakeholder(uow, name="Moussaka Traders' Guild")
        create_stakeholder(uow, name="Général Amadou Moussavi")
        create_stakeholder(uow, name="Les Passeurs", aliases=["Maldosa syndicate"],
                           do_not_engage=True, engagement_constraints="Criminal network")
        create_stakeholder(uow, name="General Zed", aliases=["Zed"], sanctioned=True,
                           hrddp_flag=True)
        gone = create_stakeholder(uow, name="Moussa the Departed")
        add_team_member(uow, name="Élodie Moussin", role="CHIEF_POLITICAL")
    with plain_mission.unit_of_work() as uow:
        delete_stakeholder(uow, gone.id, expected_revision=gone.revision)
    return people_service.people(plain_mission)


def _names(matches) -> list[str]:
    return [m.person.name for m in matches]


def test_people_are_live_stakeholders_and_active_members_with_flags(crowd):
    by_name = {p.name: p for p in crowd}
    assert "Moussa the Departed" not in by_name
    assert by_name["Élodie Moussin"].kind == "member"
    assert by_name["Moussa Zaténi"].kind == "stakeholder"
    assert by_name["Moussa Zaténi"].aliases == ("Le Sage de Kori",)
    assert by_name["Les Passeurs"].flags == ("do_not_engage",)
    assert by_name["General Zed"].flags == ("sanctioned", "hrddp")
    assert by_name["Moussa Zaténi"].flags == ()


def test_typing_part_of_a_name_offers_it_accents_and_case_ignored(crowd):
    found = match(crowd, "mouss", kind="stakeholder")
    assert _names(found)[0] == "Moussa Zaténi"
    assert "Élodie Moussin" not in _names(found)  # a member, not a stakeholder
    assert _names(match(crowd, "ZATENI"))[0] == "Moussa Zaténi"
    assert _names(match(crowd, "elodie", kind="member")) == ["Élodie Moussin"]
    assert match(crowd, "   ") == []
    assert match(crowd, "nobody at all") == []


def test_ranking_exact_then_prefix_then_word_then_alias_then_contains(crowd):
    found = match(crowd, "moussa")
    ranks = {m.person.name: m.rank for m in found}
    assert ranks["Moussa Zaténi"] == NAME_PREFIX
    assert ranks["Moussaka Traders' Guild"] == NAME_PREFIX
    assert ranks["Général Amadou Moussavi"] == WORD_PREFIX
    assert _names(found) == ["Moussa Zaténi", "Moussaka Traders' Guild",
                             "Général Amadou Moussavi"]
    assert match(crowd, "general zed")[0].rank == EXACT_NAME
    zed = match(crowd, "zed")
    assert zed[0].person.name == "General Zed" and zed[0].rank == EXACT_ALIAS
    syndicate = match(crowd, "syndic")
    assert syndicate[0].rank == ALIAS_PREFIX and syndicate[0].alias == "Maldosa syndicate"
    assert match(crowd, "teni")[0].rank == CONTAINS
    assert len(match(crowd, "o", limit=2)) == 2


def test_an_alias_offers_the_person_it_belongs_to(crowd):
    found = match(crowd, "sage de")
    assert found[0].person.name == "Moussa Zaténi"
    assert shown(found[0]) == "Moussa Zaténi (Le Sage de Kori)"
    assert shown(match(crowd, "zaten")[0]) == "Moussa Zaténi"


def test_find_reads_back_a_name_an_alias_or_what_completion_shows(crowd):
    assert find(crowd, "moussa zateni").name == "Moussa Zaténi"
    assert find(crowd, "Moussa Zaténi (Le Sage de Kori)").name == "Moussa Zaténi"
    assert find(crowd, "le sage de kori").name == "Moussa Zaténi"
    assert find(crowd, "Moussa") is None  # a prefix is not a name
    assert find(crowd, "Élodie Moussin", kind="stakeholder") is None
    assert find(crowd, "elodie moussin", kind="member").kind == "member"
    twins = [Person("stakeholder", "a", "A", ("Same",)), Person("stakeholder", "b", "B",
                                                                  ("same",))]
    assert find(twins, "same") is None  # an alias two people share names nobody


def test_split_names():
    assert split_names(" Moussa Zaténi ;; General Zed; ") == ["Moussa Zaténi", "General Zed"]
    assert split_names(None) == []


def test_demo_aliases_and_flags(demo_file):
    from missiondesk.store.handle import open_mission
    from tests.conftest import PASSPHRASE

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        crowd = people_service.people(handle)
    finally:
        handle.close()
    assert match(crowd, "lion du")[0].person.name == "General Pea"
    assert "do_not_engage" in find(crowd, "Les Passeurs").flags
    assert len([p for p in crowd if p.kind == "member"]) >= 10
