"""Measurements from CSV/XLSX on real mission files: every problem by row and column (an
unknown indicator named), all rows or none, the same file twice changes nothing, a value
corrected in the file updates the measurement, and the export's sheet reads back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from missiondesk.messages import table_problem_text
from missiondesk.services import measurement_import as importer
from missiondesk.services.table_io import read_table
from missiondesk.store.errors import BadImport
from missiondesk.store.schema import Benchmark, Indicator, Measurement


@pytest.fixture
def mission(plain_mission):
    with plain_mission.unit_of_work() as uow:
        benchmark = uow.add(Benchmark(statement="Ceasefire holds", status="at_risk"))
        uow.session.flush()
        for name in ("Verified ceasefire violations per month", "Posts filled"):
            uow.add(Indicator(benchmark_id=benchmark.id, name=name, baseline=34, target=10,
                              direction="decrease", classification="CONFIDENTIAL"))
    return plain_mission


def _plan(handle, path):
    raw = importer.read_measurement_table(path)
    return importer.plan_measurement_import(handle, raw, importer.map_headers(raw.headers))


def _measurements(handle):
    with handle.session() as session:
        return sorted((m.measured_on, m.value, m.note, m.classification)
                      for m in session.scalars(select(Measurement)))


def _write(tmp_path, text, name="m.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_problems_by_row_and_column_and_nothing_written(mission, tmp_path):
    path = _write(tmp_path, "Indicator,Date,Value,Note,Source\r\n"
                            "verified CEASEFIRE violations per month,2026-01-31,29,,JCC\r\n"
                            "Ceasefire violations,2026-02-28,27,,\r\n"
                            "Posts filled,28/02/2026,abc,,\r\n"
                            "Posts filled,2026-03-31,,,\r\n")
    plan = _plan(mission, path)
    texts = [table_problem_text(c, p) for c, p in plan.problems]
    assert texts[0] == ("Row 3, column A (Indicator): \u201cCeasefire violations\u201d is not "
                        "an indicator of this mission; use one of: Posts filled, Verified "
                        "ceasefire violations per month.")
    assert texts[1] == ("Row 4, column B (Date): \u201c28/02/2026\u201d is not a date; write it "
                        "as 2026-05-14.")
    assert texts[2] == ("Row 4, column C (Value): \u201cabc\u201d is not a number (e.g. 12 or "
                        "12.5).")
    assert texts[3] == "Row 5, column C (Value): A value is required."
    assert plan.creates == []
    with pytest.raises(BadImport), mission.unit_of_work() as uow:
        importer.apply_measurement_import(uow, plan)
    assert _measurements(mission) == []


def test_good_rows_import_then_nothing_changes_twice_and_a_correction_updates(mission,
                                                                              tmp_path):
    path = _write(tmp_path, "indicator;date;value;note;source\r\n"
                            "Verified ceasefire violations per month;2026-01-31;29;"
                            "Eres area;JCC monthly report\r\n"
                            "Posts filled;2026-01-31;12,5;;\r\n")
    plan = _plan(mission, path)
    assert plan.problems == [] and len(plan.creates) == 2
    with mission.unit_of_work() as uow:
        assert importer.apply_measurement_import(uow, plan) == {"created": 2, "updated": 0}
    assert _measurements(mission) == [
        (date(2026, 1, 31), 12.5, None, "CONFIDENTIAL"),
        (date(2026, 1, 31), 29.0, "Eres area\nSource: JCC monthly report", "CONFIDENTIAL")]
    again = _plan(mission, path)
    assert again.creates == [] and again.updates == [] and again.unchanged == 2
    corrected = _write(tmp_path, "indicator,date,value\r\nPosts filled,2026-01-31,13\r\n",
                       "fix.csv")
    plan = _plan(mission, corrected)
    assert [r.action for r in plan.rows] == ["update"]
    with mission.unit_of_work() as uow:
        importer.apply_measurement_import(uow, plan)
    assert (date(2026, 1, 31), 13.0, None, "CONFIDENTIAL") in _measurements(mission)


def test_the_same_indicator_and_date_twice_is_a_problem(mission, tmp_path):
    path = _write(tmp_path, "indicator,date,value\r\nPosts filled,2026-01-31,1\r\n"
                            "posts filled,2026-01-31,2\r\n")
    plan = _plan(mission, path)
    assert [(c, p["row"], p["first_row"]) for c, p in plan.problems] == [
        ("duplicate_name", 3, 2)]


def test_missing_columns_are_named(mission, tmp_path):
    plan = _plan(mission, _write(tmp_path, "indicator,when\r\nPosts filled,2026-01-31\r\n"))
    text = table_problem_text(*plan.problems[0])
    assert "no \u201cvalue\u201d column" in text


def test_note_and_source_split_back():
    stored = importer.join_note("Eres area", "JCC report")
    assert importer.split_note(stored) == ("Eres area", "JCC report")
    assert importer.split_note(importer.join_note(None, "JCC")) == ("", "JCC")
    assert importer.split_note("Plain note") == ("Plain note", "")
    assert importer.join_note(" ", None) is None


def test_the_exported_sheet_reads_back_unchanged(demo_file, tmp_path):
    from missiondesk.services.register_export import COLUMNS, write_registers
    from missiondesk.store.handle import open_mission
    from tests.conftest import PASSPHRASE

    assert COLUMNS["measurements"] == importer.COLUMNS
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        write_registers(handle, tmp_path / "out.xlsx", "xlsx")
        raw = importer.read_measurement_table(tmp_path / "out.xlsx")
        assert raw.sheet == "Measurements" and len(raw.rows) == 82
        plan = importer.plan_measurement_import(handle, raw, importer.map_headers(raw.headers))
        assert plan.problems == [] and plan.unchanged == 82
        write_registers(handle, tmp_path / "csv", "csv")
        raw = read_table(tmp_path / "csv" / "measurements.csv")
        plan = importer.plan_measurement_import(handle, raw, importer.map_headers(raw.headers))
        assert plan.problems == [] and plan.unchanged == 82
    finally:
        handle.close()
