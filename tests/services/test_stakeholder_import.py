"""Importing stakeholders from CSV/XLSX: the rules, all-or-nothing, update by name."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from missiondesk.services import stakeholders
from missiondesk.services import team as team_service
from missiondesk.services.interchange import export_mission
from missiondesk.services.stakeholder_import import (
    KNOWN_COLUMNS,
    apply_stakeholder_import,
    column_letter,
    map_headers,
    plan_stakeholder_import,
    unrecognised_headers,
)
from missiondesk.services.table_io import export_table, read_table
from missiondesk.store.errors import BadImport, RevisionConflict
from missiondesk.store.schema import Stakeholder, StakeholderAssessment

GOOD = (
    "# CONFIDENTIAL\n"
    "Name,Aliases,Kind,Category,Description,Region,Influence,Interest,Stance,Stance_Mission,"
    "Perception,Owner,Tags,Classification\n"
    "Mouvement Patriotique de Carana,MPC|Patriotes,organization,Armed group,"
    "\"Armed movement, north\",Kori;Tatsi,5,4,spoiler,hostile_rhetoric,feared,elise ndaye,"
    "ddr|north,STRICTLY CONFIDENTIAL\n"
    "Élysée Mbaye,,individual,religious_leader,,Bangui,3,5,Supportive,cooperative,trusted,,,\n"
    "Kori elders,,community,traditional_authority,,,4,4,,,,,,\n"
)


@pytest.fixture
def mission(plain_mission):
    with plain_mission.unit_of_work() as uow:
        team_service.add_team_member(uow, name="Élise Ndaye", role="CHIEF_POLITICAL")
    return plain_mission


def _write(tmp_path, text: str, name: str = "s.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _plan(handle, path, labels=None):
    raw = read_table(path)
    return plan_stakeholder_import(handle, raw, map_headers(raw.headers), labels=labels)


def _import(handle, path):
    plan = _plan(handle, path)
    with handle.unit_of_work() as uow:
        return plan, apply_stakeholder_import(uow, plan)


def _by_name(handle) -> dict[str, Stakeholder]:
    with handle.session() as session:
        rows = session.scalars(select(Stakeholder)).all()
        session.expunge_all()
    return {r.name: r for r in rows}


def _refused(handle, path, labels=None) -> list[tuple[str, dict]]:
    """Plan and try to apply a bad file; assert nothing changed; return the problems."""
    before = export_mission(handle)
    try:
        plan = _plan(handle, path, labels)
    except BadImport as exc:
        problems = exc.params["problems"]
    else:
        problems = plan.problems
        assert problems and not plan.creates and not plan.updates
        with pytest.raises(BadImport), handle.unit_of_work() as uow:
            apply_stakeholder_import(uow, plan)
    assert export_mission(handle) == before
    return problems


def test_good_file_creates_every_field(mission, tmp_path):
    plan, counts = _import(mission, _write(tmp_path, GOOD))
    assert counts == {"created": 3, "updated": 0}
    assert plan.classification == "CONFIDENTIAL"
    rows = _by_name(mission)
    mpc = rows["Mouvement Patriotique de Carana"]
    assert mpc.aliases == ["MPC", "Patriotes"] and mpc.regions == ["Kori", "Tatsi"]
    assert mpc.tags == ["ddr", "north"]
    assert (mpc.kind, mpc.category, mpc.influence, mpc.interest) == \
        ("organization", "armed_group", 5, 4)
    assert (mpc.stance_peace, mpc.stance_mission, mpc.perception) == \
        ("spoiler", "hostile_rhetoric", "feared")
    assert mpc.description == "Armed movement, north"
    assert mpc.classification == "STRICTLY CONFIDENTIAL"
    owner = team_service.list_team(mission)[0]
    assert mpc.owner_id == owner.id  # "elise ndaye" matched "Élise Ndaye"
    assert mpc.name_key == "mouvement patriotique de carana"
    elysee = rows["Élysée Mbaye"]
    assert elysee.stance_peace == "supportive"
    # No classification cell: the file's marking (higher than the mission's default) applies.
    assert elysee.classification == "CONFIDENTIAL"
    assert rows["Kori elders"].stance_peace == "unknown"
    with mission.session() as session:
        assert session.scalar(select(func.count()).select_from(StakeholderAssessment)) == 2


def test_second_import_updates_by_folded_name_never_duplicates(mission, tmp_path):
    _import(mission, _write(tmp_path, GOOD))
    again = _plan(mission, _write(tmp_path, GOOD))
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("Élysée Mbaye,,individual", "ELYSEE MBAYE,,individual") \
                  .replace(",3,5,Supportive,", ",4,5,champion,")
    plan, counts = _import(mission, _write(tmp_path, changed, "changed.csv"))
    assert counts == {"created": 0, "updated": 1}
    assert [r.action for r in plan.rows] == ["unchanged", "update", "unchanged"]
    assert plan.rows[1].changes == {"influence": 4, "stance_peace": "champion"}
    rows = _by_name(mission)
    assert len(rows) == 3
    elysee = rows["Élysée Mbaye"]  # the stored spelling stays
    assert (elysee.influence, elysee.stance_peace, elysee.revision) == (4, "champion", 2)
    with mission.session() as session:  # the stance change is a dated assessment
        stances = session.scalars(select(StakeholderAssessment.stance_peace)
                                  .where(StakeholderAssessment.stakeholder_id == elysee.id)
                                  ).all()
    assert sorted(stances) == ["champion", "supportive"]


def test_empty_cells_leave_stored_values(mission, tmp_path):
    _import(mission, _write(tmp_path, GOOD))
    sparse = "name;influence;tags\nMouvement Patriotique de Carana;;\n"
    plan = _plan(mission, _write(tmp_path, sparse, "sparse.csv"))
    assert plan.unchanged == 1 and not plan.updates


def test_malformed_rows_are_all_reported_with_row_column_and_allowed_codes(mission, tmp_path):
    _import(mission, _write(tmp_path, GOOD))
    bad = (
        "# CONFIDENTIAL\n"
        "name,kind,influence,stance,owner,classification\n"
        "Good one,individual,3,supportive,,\n"
        "Bad kind,person,3,supportive,,\n"
        ",individual,very high,,,\n"
        "Bad owner,individual,3,,Nobody,SECRET\n"
        "good ONE,individual,7,,,\n"
    )
    problems = _refused(mission, _write(tmp_path, bad, "bad.csv"))
    by_place = {(p.get("row"), p.get("column"), code): p for code, p in problems}
    kind = by_place[(4, "kind", "bad_value")]
    assert kind["value"] == "person" and kind["letter"] == "B"
    assert kind["allowed"] == ["individual", "organization", "coalition", "community", "state",
                               "institution"]
    influence = by_place[(5, "influence", "bad_value")]
    assert influence["value"] == "very high" and influence["allowed"] == [1, 2, 3, 4, 5]
    assert (5, None, "missing_name") in by_place
    assert by_place[(6, "owner", "unknown_owner")]["allowed"] == ["Élise Ndaye"]
    assert by_place[(6, "classification", "bad_value")]["allowed"] == \
        ["UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL"]
    assert by_place[(7, "influence", "bad_value")]["reason"] == "out_of_range"
    assert by_place[(7, None, "duplicate_name")]["first_row"] == 3
    assert len(problems) == 7


def test_problems_are_sentences_with_the_place(mission, tmp_path):
    from missiondesk.messages import error_text, table_import_error_text

    bad = "name,influence\nA,very high\n"
    problems = _refused(mission, _write(tmp_path, bad, "bad.csv"))
    text = table_import_error_text(problems)
    assert text == ("Row 2, column B (influence): \u201cvery high\u201d is not allowed; use a "
                    "whole number from 1 to 5. Nothing was imported.")
    assert "Row 2, column B (influence)" in error_text(BadImport(problems=problems))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_encoding_and_separator(mission, tmp_path, encoding, delimiter):
    d = delimiter
    text = (f"name{d}category{d}region{d}influence\n"
            f"Élysée Mbaye{d}religious_leader{d}Bangui|Kori{d}4\n"
            f"Comité des sages{d}community{d}Tatsi{d}2\n")
    plan, counts = _import(mission, _write(tmp_path, text, encoding=encoding))
    assert counts["created"] == 2
    rows = _by_name(mission)
    assert rows["Élysée Mbaye"].regions == ["Bangui", "Kori"]
    assert rows["Comité des sages"].influence == 2


def test_french_excel_file(mission, tmp_path):
    text = "# CONFIDENTIAL;;;\r\nNom;Catégorie;Influence;Intérêt\r\nÉlysée;Leader religieux;3;4\r\n"
    problems = _refused(mission, _write(tmp_path, text, encoding="cp1252"))
    assert problems[0][0] == "bad_value" and problems[0][1]["value"] == "Leader religieux"
    labels = {"category": {"Leader religieux": "religious_leader"}}
    plan = _plan(mission, _write(tmp_path, text, encoding="cp1252"), labels)
    assert plan.problems == [] and plan.creates[0]["category"] == "religious_leader"
    assert plan.creates[0]["interest"] == 4


@pytest.mark.parametrize("content,code", [
    ("", "empty_file"),
    ("# STRICTLY CONFIDENTIAL\n\n", "empty_file"),
    ("name;kind\n", "no_rows"),
    ("# CONFIDENTIAL\nname,kind\n\n", "no_rows"),
    ("nom propre,kind\nA,individual\n", "no_name_column"),
])
def test_empty_and_header_only_files(mission, tmp_path, content, code):
    problems = _refused(mission, _write(tmp_path, content))
    assert [c for c, _p in problems] == [code]


def test_a_conflict_while_applying_rolls_back_everything(mission, tmp_path):
    _import(mission, _write(tmp_path, GOOD))
    changed = GOOD.replace(",3,5,Supportive,", ",4,5,Supportive,") + "New one,,,,,,,,,,,,,\n"
    plan = _plan(mission, _write(tmp_path, changed, "changed.csv"))
    assert len(plan.creates) == 1 and len(plan.updates) == 1
    elysee = _by_name(mission)["Élysée Mbaye"]
    with mission.unit_of_work() as uow:  # someone edits the row after the preview
        stakeholders.update_stakeholder(uow, elysee.id, expected_revision=elysee.revision,
                                        description="edited meanwhile")
    before = export_mission(mission)
    with pytest.raises(RevisionConflict), mission.unit_of_work() as uow:
        apply_stakeholder_import(uow, plan)
    assert export_mission(mission) == before
    assert "New one" not in _by_name(mission)


def test_export_then_import_round_trip(mission, tmp_path):
    _import(mission, _write(tmp_path, GOOD))
    rows = _by_name(mission)
    headers = ["Name", "Aliases", "Category", "Stance", "Influence", "Priority",
               "Last engaged", "Classification"]
    table = [[r.name, r.aliases, r.category, r.stance_peace, r.influence, "A", None,
              r.classification] for r in rows.values()]
    for fmt in ("csv", "xlsx"):
        path = tmp_path / ("export." + fmt)
        export_table(path, headers, table, "STRICTLY CONFIDENTIAL", fmt)
        raw = read_table(path)
        assert raw.classification == "STRICTLY CONFIDENTIAL"
        assert unrecognised_headers(raw.headers) == []  # Priority, Last engaged: computed
        plan = plan_stakeholder_import(mission, raw, map_headers(raw.headers))
        assert plan.problems == [] and plan.unchanged == 3, fmt


def test_round_trip_into_a_new_mission(mission, tmp_path):
    from missiondesk.store.handle import NewMission, create_mission

    _import(mission, _write(tmp_path, GOOD))
    rows = list(_by_name(mission).values())
    path = tmp_path / "out.csv"
    export_table(path, ["name", "aliases", "region", "tags", "influence"],
                 [[r.name, r.aliases, r.regions, r.tags, r.influence] for r in rows],
                 "CONFIDENTIAL", "csv")
    other = create_mission(tmp_path / "other.mdesk", None, NewMission(name="Other"))
    try:
        other.set_user(None, "Tester")
        _, counts = _import(other, path)
        assert counts["created"] == 3
        copy = _by_name(other)["Mouvement Patriotique de Carana"]
        assert copy.aliases == ["MPC", "Patriotes"] and copy.tags == ["ddr", "north"]
    finally:
        other.close()


def test_header_recognition():
    headers = ["NAME", " Stance ", "stance_peace", "Region(s)", "Owner name", "Priority",
               "Notes", "Catégorie"]
    mapping = map_headers(headers)
    assert mapping == {0: "name", 1: "stance", 2: None, 3: None, 4: "owner", 5: None,
                       6: None, 7: "category"}
    assert [headers[i] for i in unrecognised_headers(headers)] == ["Region(s)", "Notes"]
    assert set(map_headers(list(KNOWN_COLUMNS)).values()) == set(KNOWN_COLUMNS)
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_a_user_mapping_is_honoured(mission, tmp_path):
    path = _write(tmp_path, "Actor,Notes,Weight\nKori elders,ignore me,4\n")
    raw = read_table(path)
    assert map_headers(raw.headers) == {0: None, 1: None, 2: None}
    plan = plan_stakeholder_import(mission, raw, {0: "name", 1: None, 2: "influence"})
    assert plan.problems == [] and plan.creates[0]["influence"] == 4
    duplicate = plan_stakeholder_import(mission, raw, {0: "name", 1: "name", 2: None})
    assert duplicate.problems[0][0] == "duplicate_column"


def test_ten_thousand_rows_in_one_unit_of_work(mission, tmp_path):
    lines = ["name;aliases;category;influence;interest;region;tags;description"]
    for i in range(10_000):
        lines.append("Groupe n\u00b0%05d \u00e9;G%d|Grp %d;armed_group;%d;%d;North|East;t%d;"
                     "A description of row %d" % (i, i, i, i % 5 + 1, (i * 3) % 5 + 1, i % 7, i))
    path = _write(tmp_path, "\n".join(lines) + "\n", "big.csv", encoding="cp1252")
    started = time.perf_counter()
    plan = _plan(mission, path)
    planned = time.perf_counter()
    with mission.unit_of_work() as uow:
        counts = apply_stakeholder_import(uow, plan)
    done = time.perf_counter()
    print("\n10,000 rows: read+plan %.2f s, apply %.2f s" % (planned - started, done - planned))
    assert counts == {"created": 10_000, "updated": 0}
    with mission.session() as session:
        assert session.scalar(select(func.count()).select_from(Stakeholder)) == 10_000
    again = _plan(mission, path)
    assert again.unchanged == 10_000 and not again.creates


def test_ten_thousand_rows_with_one_bad_row_write_nothing(mission, tmp_path):
    lines = ["name,influence"] + ["Row %d,%d" % (i, i % 5 + 1) for i in range(10_000)]
    lines[7_001] = "Row 7000,six"
    problems = _refused(mission, _write(tmp_path, "\n".join(lines), "big.csv"))
    assert problems == [("bad_value", {
        "row": 7_002, "column": "influence", "letter": "B", "field": "influence",
        "value": "six", "reason": "not_a_number", "allowed": [1, 2, 3, 4, 5]})]
