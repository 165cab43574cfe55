"""`missiondesk import FILE --engagements F` and `export --format csv|xlsx` as scripts use them."""

from __future__ import annotations

import io
from pathlib import Path

from missiondesk.cli import main
from missiondesk.services.interchange import write_export
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).parent.parent / "fixtures" / "engagements"


def _key(tmp_path) -> list[str]:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return ["--passphrase-file", str(path)]


def _json_export(path) -> str:
    handle = open_mission(path, PASSPHRASE)
    try:
        buffer = io.StringIO()
        write_export(handle, buffer)
        return buffer.getvalue()
    finally:
        handle.close()


def test_a_malformed_file_changes_nothing_and_says_where(demo_file, tmp_path, capsys):
    key = _key(tmp_path)
    before = _json_export(demo_file)
    assert main(["import", str(demo_file), "--engagements", str(FIXTURES / "bad.csv")] + key) == 1
    err = capsys.readouterr().err
    assert "Row 3, column C (lead): \u201cNobody Known\u201d is not a member of the team" in err
    assert "No stakeholder is called \u201cGhost Faction\u201d" in err
    assert "Row 3, column G (political): \u201cperhaps\u201d is neither yes nor no." in err
    assert "Row 4, column A (date): \u201c2026-02-30\u201d is not a date" in err
    assert "Traceback" not in err
    assert _json_export(demo_file) == before  # byte for byte


def test_a_good_file_imports_with_stakeholders_in_the_same_command(demo_file, tmp_path,
                                                                   capsys):
    key = _key(tmp_path)
    people = tmp_path / "people.csv"
    people.write_text("name,aliases,category\r\nKalari Fishers' Union,KFU,civil_society\r\n",
                      encoding="utf-8")
    meetings = tmp_path / "meetings.csv"
    meetings.write_text("date,lead,counterparts,format\r\n"
                        "2026-01-20 10:00,Marguerite Adjovi,kfu; GNR,group\r\n",
                        encoding="utf-8")
    assert main(["import", str(demo_file), "--stakeholders", str(people),
                 "--engagements", str(meetings)] + key) == 0
    out = capsys.readouterr().out
    assert "Stakeholders imported: 1 created" in out
    assert "Engagements imported: 1 created, 0 already recorded." in out
    assert main(["import", str(demo_file), "--engagements", str(meetings)] + key) == 0
    assert "Engagements imported: 0 created, 1 already recorded." in capsys.readouterr().out


def test_export_csv_and_xlsx_from_the_command_line(demo_file, tmp_path, capsys):
    key = _key(tmp_path)
    folder = tmp_path / "registers"
    assert main(["export", str(demo_file), "--format", "csv", "-o", str(folder)] + key) == 0
    out = capsys.readouterr().out
    assert "engagements: 174 rows" in out and "commitments: 118 rows" in out
    assert (folder / "engagements.csv").read_text(encoding="utf-8-sig").startswith("# ")
    workbook = tmp_path / "registers.xlsx"
    assert main(["export", str(demo_file), "--format", "xlsx", "-o", str(workbook)] + key) == 0
    assert workbook.stat().st_size > 0
    assert main(["export", str(demo_file), "--format", "xlsx", "-o", "-"] + key) == 1
    assert "writes files" in capsys.readouterr().err
    # The exported engagement sheet reads back into the same mission as already recorded.
    assert main(["import", str(demo_file), "--engagements", str(workbook)] + key) == 0
    assert "0 created, 174 already recorded" in capsys.readouterr().out
