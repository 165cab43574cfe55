"""`missiondesk import FILE --stakeholders X.csv|X.xlsx` as scripts use it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from missiondesk.cli import main
from missiondesk.services.interchange import export_mission
from missiondesk.services.table_io import export_table
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Stakeholder
from tests.conftest import PASSPHRASE

FRENCH_EXCEL = ("# CONFIDENTIAL;;;\r\nName;Category;Influence;Region\r\n"
                "Élysée Mbaye;religious_leader;4;Bangui|Kori\r\n"
                "Comité des sages;Community;2;\r\n").encode("cp1252")


def _names(path, passphrase=None) -> dict[str, Stakeholder]:
    handle = open_mission(path, passphrase)
    try:
        with handle.session() as session:
            rows = session.scalars(select(Stakeholder)).all()
            session.expunge_all()
        return {r.name: r for r in rows}
    finally:
        handle.close()


def _export(path, passphrase=None) -> dict:
    handle = open_mission(path, passphrase)
    try:
        return export_mission(handle)
    finally:
        handle.close()


def _leftovers(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)
                  or p.name.startswith("." + path.name))


def test_creates_the_mission_then_updates_on_a_second_import(tmp_path, capsys):
    table = tmp_path / "acteurs.csv"
    table.write_bytes(FRENCH_EXCEL)
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", str(table), "--no-passphrase"]) == 0
    assert capsys.readouterr().out.strip() == \
        "Stakeholders imported: 2 created, 0 updated, 0 unchanged."
    rows = _names(target)
    assert rows["Élysée Mbaye"].regions == ["Bangui", "Kori"]
    assert rows["Comité des sages"].category == "community"
    assert rows["Comité des sages"].classification == "CONFIDENTIAL"

    table.write_bytes(FRENCH_EXCEL.replace(b";2;", b";3;"))
    assert main(["import", str(target), "--stakeholders", str(table), "--no-passphrase"]) == 0
    assert capsys.readouterr().out.strip() == \
        "Stakeholders imported: 0 created, 1 updated, 1 unchanged."
    rows = _names(target)
    assert len(rows) == 2 and rows["Comité des sages"].influence == 3


def test_problems_exit_1_with_rows_and_columns_and_no_file_is_left(tmp_path, capsys):
    table = tmp_path / "bad.csv"
    table.write_text("name,kind,influence\nA,person,3\nB,individual,very high\n",
                     encoding="utf-8")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", str(table), "--no-passphrase"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "Nothing was imported: the file has 2 problem(s).",
        "Row 2, column B (kind): \u201cperson\u201d is not allowed; use one of: individual, "
        "organization, coalition, community, state, institution.",
        "Row 3, column C (influence): \u201cvery high\u201d is not allowed; use a whole number "
        "from 1 to 5.",
    ]
    assert _leftovers(target) == []


@pytest.mark.parametrize("content,message", [
    (b"", "The file is empty. Nothing was imported."),
    (b"# CONFIDENTIAL\r\nname;kind\r\n", "The file has column names but no rows. Nothing was "
                                          "imported."),
])
def test_empty_and_header_only_files(tmp_path, capsys, content, message):
    table = tmp_path / "t.csv"
    table.write_bytes(content)
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", str(table), "--no-passphrase"]) == 1
    assert capsys.readouterr().err.strip() == message
    assert _leftovers(target) == []


def test_unknown_columns_are_refused_before_the_file_is_touched(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("name,notes\nA,x\n", encoding="utf-8")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", str(table), "--no-passphrase"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Column B (notes): MissionDesk does not read a column \u201cnotes\u201d")
    assert err.endswith("Nothing was imported.")
    assert _leftovers(target) == []


def test_failed_import_into_the_encrypted_demo_changes_nothing(demo_file, tmp_path, capsys,
                                                               monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    before = _export(demo_file, PASSPHRASE)
    table = tmp_path / "bad.xlsx"
    export_table(table, ["Name", "Stance", "Owner"],
                 [["New group", "supportive", ""], ["Other", "friendly", "Nobody Known"]],
                 "CONFIDENTIAL", "xlsx")
    assert main(["import", str(demo_file), "--stakeholders", str(table)]) == 1
    err = capsys.readouterr().err
    assert "Row 4, column B (Stance): \u201cfriendly\u201d is not allowed" in err
    assert "Row 4, column C (Owner): \u201cNobody Known\u201d is not a member of the team" in err
    assert _export(demo_file, PASSPHRASE) == before

    export_table(table, ["Name", "Stance"], [["New group", "supportive"]], "CONFIDENTIAL",
                 "xlsx")
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)  # each run reads it once
    assert main(["import", str(demo_file), "--stakeholders", str(table)]) == 0
    assert "1 created" in capsys.readouterr().out
    assert _names(demo_file, PASSPHRASE)["New group"].stance_peace == "supportive"


def test_as_a_script_no_traceback(tmp_path, isolated_home):
    table = tmp_path / "t.csv"
    table.write_text("name\tinfluence\nA\t9\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISSIONDESK_")}
    env["MISSIONDESK_HOME"] = str(isolated_home)
    result = subprocess.run(
        [sys.executable, "-m", "missiondesk", "import", str(tmp_path / "m.mdesk"),
         "--stakeholders", str(table), "--no-passphrase"],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Row 2, column B (influence): \u201c9\u201d is not allowed; "
                                     "use a whole number from 1 to 5. Nothing was imported.")
    assert not (tmp_path / "m.mdesk").exists()
