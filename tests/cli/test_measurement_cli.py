"""`missiondesk import FILE --measurements F` and the measurements in `export --format
csv|xlsx`, as scripts use them: a malformed row changes nothing (the JSON export is byte
for byte the same), a good file imports, and the exported sheet imports back unchanged."""

from __future__ import annotations

import csv
import io

from missiondesk.cli import main
from missiondesk.services.interchange import write_export
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE


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


def test_one_malformed_row_leaves_the_mission_exactly_as_it_was(demo_file, tmp_path, capsys):
    key = _key(tmp_path)
    before = _json_export(demo_file)
    readings = tmp_path / "readings.csv"
    readings.write_text("indicator,date,value,note,source\r\n"
                        "Verified ceasefire violations per month,2026-11-30,9,,JCC\r\n"
                        "Share of treaty-allocated GNR posts filled,2026-11-30,91,,\r\n"
                        "Violations (all kinds),2026-11-30,9,,\r\n", encoding="utf-8")
    assert main(["import", str(demo_file), "--measurements", str(readings)] + key) == 1
    err = capsys.readouterr().err
    assert ("Row 4, column A (indicator): \u201cViolations (all kinds)\u201d is not an "
            "indicator of this mission") in err
    assert "Nothing was imported." in err and "Traceback" not in err
    assert _json_export(demo_file) == before  # byte for byte


def test_import_then_export_round_trip(demo_file, tmp_path, capsys):
    key = _key(tmp_path)
    readings = tmp_path / "readings.csv"
    readings.write_text("indicator,date,value,note,source\r\n"
                        "Verified ceasefire violations per month,2026-11-30,9,Below 10,"
                        "JCC monthly report\r\n", encoding="utf-8")
    assert main(["import", str(demo_file), "--measurements", str(readings)] + key) == 0
    assert "Measurements imported: 1 created, 0 updated, 0 unchanged." in \
        capsys.readouterr().out
    out = tmp_path / "registers"
    assert main(["export", str(demo_file), "--format", "csv", "-o", str(out)] + key) == 0
    assert "measurements: 83 rows" in capsys.readouterr().out
    with open(out / "measurements.csv", encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[1] == ["indicator", "date", "value", "note", "source"]
    assert ["Verified ceasefire violations per month", "2026-11-30", "9", "Below 10",
            "JCC monthly report"] in lines[2:]
    # The exported sheets import back as they are: nothing created or changed.
    before = _json_export(demo_file)
    assert main(["import", str(demo_file), "--measurements",
                 str(out / "measurements.csv")] + key) == 0
    assert "0 created, 0 updated, 83 unchanged." in capsys.readouterr().out
    workbook = tmp_path / "registers.xlsx"
    assert main(["export", str(demo_file), "--format", "xlsx", "-o", str(workbook)] + key) == 0
    capsys.readouterr()
    assert main(["import", str(demo_file), "--measurements", str(workbook)] + key) == 0
    assert "0 created, 0 updated, 83 unchanged." in capsys.readouterr().out
    assert _json_export(demo_file) == before


def test_a_new_file_has_no_indicators_and_is_not_created(tmp_path, capsys):
    readings = tmp_path / "readings.csv"
    readings.write_text("indicator,date,value\r\nPosts filled,2026-11-30,9\r\n",
                        encoding="utf-8")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--measurements", str(readings),
                 "--no-passphrase"]) == 1
    assert "(it has no indicators yet)" in capsys.readouterr().err
    assert not target.exists()
