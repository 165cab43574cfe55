"""Engagements from CSV and XLSX: names and aliases matched, every problem by row and column,
all rows or none, and an exported sheet imports again into a fresh mission."""

from __future__ import annotations

from pathlib import Path

import pytest

from missiondesk.services import engagements, register_export, stakeholders, team
from missiondesk.services.engagement_import import (
    apply_engagement_import,
    map_headers,
    plan_engagement_import,
    read_engagement_table,
)
from missiondesk.services.stakeholder_import import (
    apply_stakeholder_import,
    plan_stakeholder_import,
)
from missiondesk.services.stakeholder_import import map_headers as stakeholder_headers
from missiondesk.services.table_io import read_table
from missiondesk.store.errors import BadImport
from missiondesk.store.handle import NewMission, create_mission, open_mission
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).parent.parent / "fixtures" / "engagements"
HEADER = ("date,duration_minutes,lead,participants,counterparts,format,political,location,"
          "purpose,outcomes,classification\r\n")


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


def _plan(handle, path):
    raw = read_engagement_table(path)
    return plan_engagement_import(handle, raw, map_headers(raw.headers))


def _apply(handle, plan):
    with handle.unit_of_work() as uow:
        return apply_engagement_import(uow, plan)


def _write(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_name(handle, name) -> str:
    return next(r.id for r in stakeholders.list_stakeholders(handle) if r.name == name)


def _ids(handle) -> set[str]:
    return {r.id for r in engagements.page_engagements(handle, limit=100_000)}


def _new(handle, before: set[str], stakeholder_name: str):
    rows = engagements.stakeholder_engagements(handle, _by_name(handle, stakeholder_name))
    return [r for r in rows if r.id not in before]


def test_a_good_csv_lands_with_counterparts_and_participants_matched_by_alias(demo):
    before = _ids(demo)
    plan = _plan(demo, FIXTURES / "good.csv")
    assert plan.problems == []
    assert _apply(demo, plan) == {"created": 2}
    assert len(_ids(demo)) == len(before) + 2
    # "GNR" and "aurelien mbeka" are aliases; "Tomas Ferreira" is Tomás without the accent.
    [row] = _new(demo, before, "Government of National Reconciliation")
    view = engagements.get_engagement(demo, row.id)
    assert set(view.counterpart_ids) == {_by_name(demo, "Government of National Reconciliation"),
                                         _by_name(demo, "President Aurélien Mbeka")}
    assert row.lead_name == "Marguerite Adjovi"
    assert set(row.participant_names) == {"Tomás Ferreira", "Ingrid Solberg"}
    assert row.format == "bilateral" and row.duration_minutes == 90 and row.political
    assert row.title == "Ceasefire monitoring in Leppko."  # the purpose's first line
    assert view.outcomes == "Agreed a joint visit." and view.location == "Galasi"
    # The second row: defaults where the cells are empty, the file's marking as the level.
    [call] = _new(demo, before, "Élise Ndaye, Minister of National Reconciliation")
    assert call.duration_minutes == 60 and call.political is False
    assert call.classification == "CONFIDENTIAL"
    assert call.format == "phone_video"


def test_the_start_is_read_in_the_missions_time_zone(demo):
    from zoneinfo import ZoneInfo

    from missiondesk.services.mission import get_mission

    zone = ZoneInfo(get_mission(demo).time_zone)
    before = _ids(demo)
    _apply(demo, _plan(demo, FIXTURES / "good.csv"))
    [row] = _new(demo, before, "Government of National Reconciliation")
    local = row.starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    assert (local.hour, local.minute) == (10, 30)


def test_importing_the_same_file_twice_does_not_duplicate(demo):
    _apply(demo, _plan(demo, FIXTURES / "good.csv"))
    count = engagements.count_engagements(demo)
    again = _plan(demo, FIXTURES / "good.csv")
    assert again.problems == [] and again.creates == [] and again.unchanged == 2
    _apply(demo, again)
    assert engagements.count_engagements(demo) == count


def test_a_good_xlsx_is_read_from_its_engagements_sheet(demo, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["Read me first"])
    sheet = workbook.create_sheet("Engagements")
    sheet.append(["CONFIDENTIAL"])
    sheet.append(HEADER.strip().split(","))
    from datetime import datetime

    sheet.append([datetime(2026, 1, 20, 10, 30), 45, "Marguerite Adjovi", None,
                  "Vice-President Anoké", "bilateral", "yes", None, "Transition calendar", None,
                  None])
    path = tmp_path / "meetings.xlsx"
    workbook.save(path)
    plan = _plan(demo, path)
    assert plan.problems == []
    before = _ids(demo)
    _apply(demo, plan)
    [row] = _new(demo, before, "Joseph Anoké")
    assert row.duration_minutes == 45 and row.title == "Transition calendar"


def test_unknown_names_and_bad_cells_are_reported_by_row_and_nothing_is_planned(demo):
    plan = _plan(demo, FIXTURES / "bad.csv")
    found = {(p["row"], p.get("column"), code, p.get("value"), p.get("reason"))
             for code, p in plan.problems}
    assert (3, "lead", "unknown_owner", "Nobody Known", None) in found
    assert (3, "counterparts", "unknown_stakeholder", "Ghost Faction", None) in found
    assert (3, "date", "bad_value", "20/01/2026", "not_a_datetime") in found
    assert (3, "format", "bad_value", "teatime", "not_in_vocabulary") in found
    assert (3, "political", "bad_value", "perhaps", "not_a_boolean") in found
    assert (4, "date", "bad_value", "2026-02-30", "not_a_datetime") in found
    assert (4, "duration_minutes", "bad_value", "sixty", "not_a_number") in found
    assert (4, "classification", "bad_value", "SECRET", "not_in_vocabulary") in found
    assert not any(p["row"] == 2 for _code, p in plan.problems)  # the good row is fine
    assert plan.creates == []
    with pytest.raises(BadImport), demo.unit_of_work() as uow:
        apply_engagement_import(uow, plan)


def test_an_alias_two_stakeholders_share_names_both(demo, tmp_path):
    with demo.unit_of_work() as uow:
        stakeholders.create_stakeholder(uow, name="Galasi Youth Forum", category="civil_society",
                                        aliases=["The Forum"], classification="UNCLASSIFIED")
        stakeholders.create_stakeholder(uow, name="Leppko Women's Forum",
                                        category="womens_organization", aliases=["the forum"],
                                        classification="UNCLASSIFIED")
    path = _write(tmp_path, "x.csv", HEADER + "2026-01-20,60,Marguerite Adjovi,,The Forum,"
                  "group,yes,,,,\r\n")
    [(code, p)] = _plan(demo, path).problems
    assert code == "ambiguous_stakeholder"
    assert p["names"] == ["Galasi Youth Forum", "Leppko Women's Forum"]


def test_missing_columns_an_empty_file_and_the_wrong_sheet(demo, tmp_path):
    path = _write(tmp_path, "x.csv", "date,counterparts\r\n2026-01-20,GNR\r\n")
    [(code, p)] = _plan(demo, path).problems
    assert code == "missing_engagement_columns" and p["columns"] == ["lead", "format"]
    empty = _write(tmp_path, "empty.csv", "")
    with pytest.raises(BadImport) as caught:
        read_engagement_table(empty)
    assert caught.value.params["problems"][0][0] == "empty_file"
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "People"
    workbook.active.append(["name", "category"])
    workbook.active.append(["Someone", "other"])
    workbook.create_sheet("Meetings 2026").append(["date", "lead", "format"])
    wrong = tmp_path / "wrong.xlsx"
    workbook.save(wrong)
    [(code, p)] = _plan(demo, wrong).problems
    assert code == "wrong_sheet"
    assert p["sheet"] == "People" and p["sheets"] == ["People", "Meetings 2026"]


def test_an_exported_engagements_sheet_imports_into_a_fresh_mission(demo, tmp_path):
    out = tmp_path / "registers.xlsx"
    register_export.write_registers(demo, out, "xlsx")
    exported = {tuple(r) for r in register_export.register_rows(demo, "engagements")}
    fresh = create_mission(tmp_path / "fresh.mdesk", None, NewMission(
        name="Fresh", time_zone=_zone(demo)))
    fresh.set_user(None, "Tester")
    try:
        with fresh.unit_of_work() as uow:  # the team is the mission's own, not in the file
            for member in team.list_team(demo, active_only=False):
                team.add_team_member(uow, name=member.name, role=member.role)
        people = read_table(out, sheet="Stakeholders")
        with fresh.unit_of_work() as uow:
            apply_stakeholder_import(uow, plan_stakeholder_import(
                fresh, people, stakeholder_headers(people.headers)))
        plan = _plan(fresh, out)
        assert plan.problems == []
        assert _apply(fresh, plan) == {"created": 174}
        again = {tuple(r) for r in register_export.register_rows(fresh, "engagements")}
        assert again == exported  # the same sheet, cell for cell
    finally:
        fresh.close()


def _zone(handle) -> str:
    from missiondesk.services.mission import get_mission

    return get_mission(handle).time_zone

