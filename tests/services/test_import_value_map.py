"""Issue 9, defect 13 (service side): an analyst's own spreadsheet, as the real file came.

The public actor network of `tests/fixtures/imported/` was first typed with categories such as
`individual:head_of_state`: 27 of its 45 rows were refused. The plan lists every value outside
a vocabulary once (with how many rows hold it), takes the user's choice for each as
`value_map`, and then plans those rows again; a URL or citation column is kept as evidence."""

from __future__ import annotations

import csv
import io

import pytest

from missiondesk.messages import relationship_value_labels, stakeholder_value_labels
from missiondesk.services import relationship_import, stakeholder_import
from missiondesk.services import relationships as rel
from missiondesk.services.stakeholder_import import (
    apply_stakeholder_import,
    map_headers,
    plan_stakeholder_import,
)
from missiondesk.services.table_io import read_table
from tests.services.imported import RELATIONSHIPS, STAKEHOLDERS

#: The fixture's clean categories as the analyst's spreadsheet first wrote them (27 rows).
RAW_CATEGORY = {
    "Gouvernement de la République centrafricaine (GoCAR)": "state:government",
    "Présidence de la République": "individual:head_of_state",
    "Forces armées centrafricaines (FACA)": "state:security_forces",
    "Forces de sécurité intérieure (FSI)": "state:security_forces",
    "Coalition des patriotes pour le changement (CPC)": "non_state:armed_coalition",
    "Retour, Réclamation et Réhabilitation (3R)": "non_state:armed_group",
    "3R dissident faction, Koui": "non_state:armed_group",
    "Union pour la paix en Centrafrique (UPC)": "non_state:armed_group",
    "Mouvement patriotique pour la Centrafrique (MPC)": "non_state:armed_group",
    "Front populaire pour la renaissance de la Centrafrique (FPRC)": "non_state:armed_group",
    "Anti-balaka, aile Mokom": "non_state:militia",
    "Anti-balaka, aile Ngaïssona": "non_state:militia",
    "Russian Federation": "state:p5",
    "France": "state:p5",
    "United States of America (USA)": "state:p5",
    "People's Republic of China (PRC)": "state:p5",
    "Rwanda, bilateral forces (RDF)": "state:bilateral_partner",
    "Chad": "state:neighbour",
    "Sudan": "state:neighbour",
    "Cameroon": "state:neighbour",
    "Angola, Special Envoy of the President": "individual:envoy",
    "African Union (AU)": "io:regional",
    "Economic Community of Central African States (ECCAS)": "io:regional",
    "International Conference on the Great Lakes Region (ICGLR)": "io:regional",
    "MINUSCA": "io:un",
    "UN Country Team, OCHA": "io:un",
    "Panel of Experts on the Central African Republic": "io:un",
}
#: What the analyst maps them to, once.
CHOSEN = {
    "state:government": "host_government", "individual:head_of_state": "host_government",
    "state:security_forces": "state_security_force",
    "non_state:armed_coalition": "armed_coalition", "non_state:armed_group": "armed_group",
    "non_state:militia": "self_defence_militia", "state:p5": "security_council_member",
    "state:bilateral_partner": "foreign_government", "state:neighbour": "neighbouring_state",
    "individual:envoy": "foreign_government", "io:regional": "regional_organization",
    "io:un": "un_entity",
}


def raw_stakeholders_file(folder) -> tuple:
    """The fixture with the spreadsheet's own categories and a source URL column."""
    with STAKEHOLDERS.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    category = header.index("category")
    clean = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header + ["Source URL"])
    for n, row in enumerate(body):
        clean[row[0]] = row[category]
        row = list(row)
        row[category] = RAW_CATEGORY.get(row[0], row[category])
        writer.writerow(row + ["https://example.org/actors/%d" % n])
    path = folder / "actors.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, clean


def raw_relationships_file(folder):
    """The fixture's relationships with its evidence column headed "Citation" (filled in
    where the fixture has none) and two words of the spreadsheet's own."""
    with RELATIONSHIPS.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    assert rows[0][-1] == "source_note"
    writer.writerow(rows[0][:-1] + ["Citation"])
    for n, row in enumerate(rows[1:]):
        row = list(row)
        if row[2] == "attacks":
            row[2] = "attacked"  # the spreadsheet's own word
        if row[6] == "probable":
            row[6] = "likely"
        row[-1] = row[-1] or "UN Panel of Experts, S/2023/%03d" % n
        writer.writerow(row)
    path = folder / "links.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _plan(handle, path, value_map=None):
    raw = read_table(path)
    return plan_stakeholder_import(handle, raw, map_headers(raw.headers),
                                   labels=stakeholder_value_labels(), value_map=value_map)


def test_unknown_categories_are_listed_once_then_mapped(plain_mission, tmp_path):
    path, clean = raw_stakeholders_file(tmp_path)
    plan = _plan(plain_mission, path)
    refused = [r for r in plan.rows if r.action == "invalid"]
    assert len(refused) == 27 and len(plan.rows) == 45
    assert plan.unknown_values["category"]["individual:head_of_state"] == 1
    assert plan.unknown_values["category"]["non_state:armed_group"] == 5
    assert set(plan.unknown_values) == {"category"}
    assert set(plan.unknown_values["category"]) == set(CHOSEN)
    assert "host_government" in plan.allowed["category"]

    # One value mapped: only its row comes back.
    plan = _plan(plain_mission, path, {"category": {
        "individual:head_of_state": "host_government"}})
    assert sum(1 for r in plan.rows if r.action == "invalid") == 26
    assert "individual:head_of_state" not in plan.unknown_values["category"]

    # Every value mapped once: all 45 rows are created, with the codes chosen.
    plan = _plan(plain_mission, path, {"category": CHOSEN})
    assert plan.problem_count == 0 and plan.unknown_values == {}
    assert len(plan.creates) == 45
    with plain_mission.unit_of_work() as uow:
        apply_stakeholder_import(uow, plan)
    from missiondesk.services.stakeholders import list_stakeholders

    rows = {r.name: r for r in list_stakeholders(plain_mission)}
    assert {name: r.category for name, r in rows.items()} == clean
    assert rows["Présidence de la République"].category == "host_government"


def test_the_url_column_is_kept_as_evidence(plain_mission, tmp_path):
    path, _clean = raw_stakeholders_file(tmp_path)
    raw = read_table(path)
    mapping = map_headers(raw.headers)
    assert mapping[len(raw.headers) - 1] == "evidence"  # "Source URL" is recognised
    assert stakeholder_import.unrecognised_headers(raw.headers) == []
    plan = plan_stakeholder_import(plain_mission, raw, mapping, value_map={
        "category": CHOSEN})
    first = plan.creates[0]
    assert first["description"] == "https://example.org/actors/0"


def test_relationship_values_are_mapped_and_the_citation_kept(plain_mission, tmp_path):
    path, _clean = raw_stakeholders_file(tmp_path)
    with plain_mission.unit_of_work() as uow:
        apply_stakeholder_import(uow, _plan(plain_mission, path, {"category": CHOSEN}))
    links = raw_relationships_file(tmp_path)
    raw = read_table(links)
    mapping = relationship_import.map_headers(raw.headers)
    assert mapping[len(raw.headers) - 1] == "source_note"  # the citation: evidence note

    def plan(value_map=None):
        return relationship_import.plan_relationship_import(
            plain_mission, raw, mapping, labels=relationship_value_labels(),
            value_map=value_map)

    first = plan()
    assert first.unknown_values == {"type": {"attacked": 5}, "confidence": {"likely": 17}}
    assert "attacks" in first.allowed["type"]
    assert sum(1 for r in first.rows if r.action == "invalid") == 20
    second = plan({"type": {"Attacked": "attacks"}, "confidence": {"likely": "probable"}})
    assert second.problem_count == 0 and len(second.creates) == 72
    with plain_mission.unit_of_work() as uow:
        relationship_import.apply_relationship_import(uow, second)
    views = rel.list_relationships(plain_mission)
    assert len(views) == 72
    assert sum(1 for v in views if v.type == "attacks") == 5
    notes = {v.evidence_note for v in views}
    assert "UN Panel of Experts, S/2023/000" in notes
    assert "NGO report" in notes and None not in notes


@pytest.mark.parametrize("written", ["individual:head_of_state", "Individual:Head_of_State",
                                     " individual:head_of_state "])
def test_a_mapped_value_matches_however_it_is_cased(written):
    assert stakeholder_import.mapped_value(
        {"category": {"individual:head_of_state": "host_government"}}, "category",
        written.strip()) == "host_government"
