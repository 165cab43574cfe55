"""Relationships from CSV/XLSX: names and aliases matched without case or accents, problems
by row, all rows or none (the mission exports exactly as before), a second import updates."""

from __future__ import annotations

import pytest

from missiondesk.messages import relationship_value_labels, table_import_error_text
from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders
from missiondesk.services.interchange import export_mission
from missiondesk.services.relationship_import import (
    KNOWN_COLUMNS,
    apply_relationship_import,
    map_headers,
    plan_relationship_import,
    unrecognised_headers,
)
from missiondesk.services.table_io import export_table, read_table
from missiondesk.store.errors import BadImport, RevisionConflict

HEADER = "source,target,type,strength,valence,status,valid_from,valid_to,confidence,source_note"


@pytest.fixture
def mission(plain_mission):
    with plain_mission.unit_of_work() as uow:
        for name, aliases in (("Mouvement Patriotique de Carana (MPC)", ["Les Patriotes"]),
                              ("Élise Ndaye", []),
                              ("Forces Armées Caranaises", ["FACA"]),
                              ("Église Unie", [])):
            stakeholders.create_stakeholder(uow, name=name, aliases=aliases)
    return plain_mission


def _plan(handle, path):
    raw = read_table(path)
    return plan_relationship_import(handle, raw, map_headers(raw.headers),
                                    labels=relationship_value_labels())


def _apply(handle, plan):
    with handle.unit_of_work() as uow:
        return apply_relationship_import(uow, plan)


def _csv(tmp_path, *rows, header=HEADER, name="links.csv", encoding="utf-8", sep=","):
    path = tmp_path / name
    lines = [header.replace(",", sep)] + [r.replace(",", sep) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _triples(handle) -> set[tuple]:
    return {(v.source_name, v.target_name, v.type, v.strength, v.valence, v.status,
             v.valid_from, v.valid_to, v.confidence, v.evidence_note)
            for v in rel.list_relationships(handle)}


def test_a_good_file_imports_with_names_aliases_and_accents_matched(mission, tmp_path):
    path = _csv(tmp_path,
                "MPC,elise ndaye,leads,5,,active,2019,,confirmed,Party congress",
                "  les patriotes ,FACA,Armed conflict with,4,-2,,2020-05,2021,,",
                "ELISE NDAYE,eglise unie,Member of,,,Alleged,,,possible,",
                "Forces armees caranaises,Mouvement Patriotique de Carana,supports,2,,,,,,")
    plan = _plan(mission, path)
    assert plan.problems == []
    assert [r.action for r in plan.rows] == ["create"] * 4
    assert _apply(mission, plan) == {"created": 4, "updated": 0}
    mpc, elise = "Mouvement Patriotique de Carana (MPC)", "Élise Ndaye"
    assert _triples(mission) == {
        (mpc, elise, "leads", 5, 1, "active", "2019", None, "confirmed", "Party congress"),
        (mpc, "Forces Armées Caranaises", "armed_conflict_with", 4, -2, "active", "2020-05",
         "2021", "probable", None),
        (elise, "Église Unie", "member_of", 3, 1, "alleged", None, None, "possible", None),
        ("Forces Armées Caranaises", mpc, "supports", 2, 1, "active", None, None, "probable",
         None),
    }
    # rows without a classification take the mission's default
    assert {v.classification for v in rel.list_relationships(mission)} == {"CONFIDENTIAL"}


def test_unknown_names_and_types_are_reported_by_row_with_the_allowed_codes(mission, tmp_path):
    path = _csv(tmp_path,
                "MPC,Elise Ndaye,leads,,,,,,,",
                "Elyse Ndaye,MPC,alied_with,,,,,,,",
                "Nobody at all,MPC,funds,9,,,2019-13,,,",
                "MPC,MPC,supports,,,,2020,2019,,")
    plan = _plan(mission, path)
    assert plan.creates == [] and plan.updates == []
    problems = [(code, p.get("row"), p.get("letter")) for code, p in plan.problems]
    assert problems == [
        ("unknown_stakeholder", 3, "A"), ("bad_value", 3, "C"),
        ("unknown_stakeholder", 4, "A"), ("bad_value", 4, "D"), ("bad_value", 4, "G"),
        ("bad_value", 5, "B"), ("bad_value", 5, "H"),
    ]
    text = table_import_error_text(plan.problems, total=plan.problem_count)
    lines = text.splitlines()
    assert lines[0] == "Nothing was imported: the file has 7 problem(s)."
    assert lines[1] == ("Row 3, column A (source): No stakeholder is called \u201cElyse "
                        "Ndaye\u201d (by name or alias); did you mean \u201c\u00c9lise "
                        "Ndaye\u201d?")
    assert lines[2].startswith("Row 3, column C (type): \u201calied_with\u201d is not allowed; "
                               "use one of: leads, member_of, affiliated_with, allied_with,")
    assert "Nobody at all" in lines[3] and "import or add it first" in lines[3]
    assert lines[4] == ("Row 4, column D (strength): \u201c9\u201d is not allowed; use a whole "
                        "number from 1 to 5.")
    assert "\u201c2019-13\u201d is not a date" in lines[5]
    assert lines[6].startswith("Row 5, column B (target): \u201cMPC\u201d is both the source "
                               "and the target")
    assert lines[7] == ("Row 5, column H (valid_to): \u201c2019\u201d is before the start of the "
                        "relationship (2020).")
    with pytest.raises(BadImport):
        _apply(mission, plan)


def test_missing_columns_duplicates_and_ambiguous_names(mission, tmp_path):
    plan = _plan(mission, _csv(tmp_path, "MPC,FACA", header="source,target"))
    assert plan.problems == [("missing_columns", {
        "columns": ["type"], "allowed": list(KNOWN_COLUMNS)})]
    assert "no \u201ctype\u201d column" in table_import_error_text(plan.problems)

    with mission.unit_of_work() as uow:  # two stakeholders known as "Les Patriotes"
        stakeholders.create_stakeholder(uow, name="Patriotes du Nord", aliases=["Les Patriotes"])
    plan = _plan(mission, _csv(tmp_path, "Les Patriotes,FACA,opposes,,,,,,,",
                               "FACA,Église Unie,protects,,,,,,,",
                               "faca,eglise unie,Protects,,,,,,,"))
    codes = [(code, p["row"]) for code, p in plan.problems]
    assert codes == [("ambiguous_stakeholder", 2), ("duplicate_relationship", 4)]
    text = table_import_error_text(plan.problems)
    assert ("\u201cLes Patriotes\u201d names several stakeholders (Mouvement Patriotique de "
            "Carana (MPC), Patriotes du Nord); write the full name.") in text
    assert "is already in row 3" in text


def test_a_second_import_updates_instead_of_duplicating(mission, tmp_path):
    first = _csv(tmp_path, "MPC,FACA,rival_of,3,,,2019,,,",
                 "Elise Ndaye,MPC,leads,4,,,,,,")
    _apply(mission, _plan(mission, first))
    before = {v.type: v for v in rel.list_relationships(mission)}

    # the symmetric rival_of matches the other way round; empty cells keep the stored values
    second = _csv(tmp_path, "FACA,MPC,Rival of,5,,dormant,,,,",
                  "Elise Ndaye,MPC,leads,4,,,,,,",
                  "Elise Ndaye,MPC,influences,,,,,,,", name="again.csv")
    plan = _plan(mission, second)
    assert [r.action for r in plan.rows] == ["update", "unchanged", "create"]
    assert plan.rows[0].previous == {"strength": 3, "status": "active"}
    assert _apply(mission, plan) == {"created": 1, "updated": 1}
    after = {v.type: v for v in rel.list_relationships(mission)}
    assert len(after) == 3
    rivals = after["rival_of"]
    assert rivals.id == before["rival_of"].id
    assert (rivals.source_name, rivals.strength, rivals.status, rivals.valid_from) == (
        "Mouvement Patriotique de Carana (MPC)", 5, "dormant", "2019")
    assert after["leads"].revision == before["leads"].revision


def test_a_failed_import_changes_nothing(mission, tmp_path):
    _apply(mission, _plan(mission, _csv(tmp_path, "MPC,FACA,funds,2,,,,,,")))
    before = export_mission(mission)

    bad = _csv(tmp_path, "MPC,FACA,funds,5,,,,,,", "Élise Ndaye,Personne,leads,,,,,,,",
               name="bad.csv")
    plan = _plan(mission, bad)
    assert plan.problem_count == 1
    with pytest.raises(BadImport):
        _apply(mission, plan)
    assert export_mission(mission) == before

    # a plan that goes stale half way: the whole unit of work rolls back
    good = _csv(tmp_path, "Église Unie,FACA,mediates,,,,,,,", "MPC,FACA,funds,5,,,,,,",
                name="good.csv")
    plan = _plan(mission, good)
    view = rel.list_relationships(mission)[0]
    with mission.unit_of_work() as uow:
        rel.update_relationship(uow, view.id, expected_revision=view.revision, notes="moved")
    before = export_mission(mission)
    with pytest.raises(RevisionConflict):
        _apply(mission, plan)
    assert export_mission(mission) == before


ROWS = ["Élise Ndaye,Église Unie,member_of,4,,,2019-05,,,Témoignage"]


@pytest.mark.parametrize(("encoding", "sep"), [
    ("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("utf-8", "\t"),
])
def test_every_encoding_and_separator(mission, tmp_path, encoding, sep):
    path = _csv(tmp_path, *ROWS, encoding=encoding, sep=sep)
    plan = _plan(mission, path)
    assert plan.problems == []
    _apply(mission, plan)
    assert _triples(mission) == {("Élise Ndaye", "Église Unie", "member_of", 4, 1, "active",
                                  "2019-05", None, "probable", "Témoignage")}


def test_xlsx_with_a_marking_and_other_header_spellings(mission, tmp_path):
    path = tmp_path / "links.xlsx"
    export_table(path, ["From", "To", "Relationship type", "Strength", "Since", "Until",
                        "Evidence"],
                 [["FACA", "MPC", "Hostile rhetoric against", 2, "2023-01", 2024, "Radio"]],
                 "STRICTLY CONFIDENTIAL", "xlsx")
    raw = read_table(path)
    assert unrecognised_headers(raw.headers) == []
    plan = _plan(mission, path)
    assert plan.problems == []
    _apply(mission, plan)
    (view,) = rel.list_relationships(mission)
    assert (view.type, view.valid_from, view.valid_to, view.evidence_note, view.valence) == (
        "hostile_rhetoric_against", "2023-01", "2024", "Radio", -1)
    assert view.classification == "STRICTLY CONFIDENTIAL"  # the file's marking


def test_unrecognised_headers_are_listed(mission, tmp_path):
    raw = read_table(_csv(tmp_path, "MPC,FACA,funds,x", header="source,target,type,colour"))
    assert unrecognised_headers(raw.headers) == [3]
