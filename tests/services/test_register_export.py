"""The four registers as CSV files and an XLSX workbook: readable, marked, re-importable."""

from __future__ import annotations

import csv
import os

import pytest

from missiondesk.services import register_export, stakeholders
from missiondesk.services.register_export import COLUMNS, write_registers
from missiondesk.services.stakeholder_import import (
    map_headers,
    plan_stakeholder_import,
    unrecognised_headers,
)
from missiondesk.services.table_io import read_table
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


def _csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_export_of_the_demo_has_four_marked_registers_with_the_right_counts(demo, tmp_path):
    out = tmp_path / "registers"
    counts = {c.register: c for c in write_registers(demo, out, "csv")}
    assert sorted(os.listdir(out)) == ["commitments.csv", "engagements.csv",
                                       "measurements.csv", "relationships.csv",
                                       "stakeholders.csv"]
    assert counts["measurements"].rows == 82
    assert counts["engagements"].rows == 174
    assert counts["commitments"].rows == 118
    assert counts["stakeholders"].rows == 69
    for register, count in counts.items():
        lines = _csv(out / ("%s.csv" % register))
        assert lines[0] == ["# %s" % count.classification]
        assert tuple(lines[1]) == COLUMNS[register]
        assert len(lines) - 2 == count.rows
        if "classification" not in COLUMNS[register]:  # measurements: their indicator's
            continue
        # The mark is the highest level of the rows it holds, never lower.
        levels = {row[COLUMNS[register].index("classification")] for row in lines[2:]}
        order = ["UNCLASSIFIED", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL"]
        assert order.index(count.classification) >= max(order.index(v) for v in levels)


def test_cells_are_names_codes_and_iso_dates_never_ids(demo, tmp_path):
    out = tmp_path / "registers"
    write_registers(demo, out, "csv")
    rows = _csv(out / "engagements.csv")[2:]
    header = COLUMNS["engagements"]
    cells = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    assert all(len(d) == 16 and d[4] == "-" and d[10] == " " for d in cells["date"])
    assert set(cells["format"]) <= {"bilateral", "group", "forum", "phone_video", "field_visit",
                                    "public_event", "informal", "correspondence"}
    assert set(cells["political"]) <= {"yes", "no"}
    assert "Marguerite Adjovi" in cells["lead"]  # the SRSG leads engagements: a name
    uuid_like = [c for r in rows for c in r if len(c) == 36 and c.count("-") == 4]
    assert uuid_like == []
    commitments = _csv(out / "commitments.csv")[2:]
    assert not [c for r in commitments for c in r if len(c) == 36 and c.count("-") == 4]


def test_a_strictly_confidential_stakeholder_marks_the_sheets_that_name_it(plain_mission,
                                                                           tmp_path):
    with plain_mission.unit_of_work() as uow:
        stakeholders.create_stakeholder(uow, name="Open actor", category="other",
                                        classification="UNCLASSIFIED")
    assert register_export.register_level(plain_mission, "stakeholders") == "UNCLASSIFIED"
    with plain_mission.unit_of_work() as uow:
        stakeholders.create_stakeholder(uow, name="Hidden actor", category="other",
                                        classification="STRICTLY CONFIDENTIAL")
    assert register_export.register_level(plain_mission, "stakeholders") == \
        "STRICTLY CONFIDENTIAL"
    # Nothing else names it: the other registers stay as low as they are.
    assert register_export.register_level(plain_mission, "engagements") == "UNCLASSIFIED"


def test_xlsx_export_is_one_workbook_with_a_marked_sheet_per_register(demo, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "registers.xlsx"
    counts = {c.register: c for c in write_registers(demo, out, "xlsx")}
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Stakeholders", "Relationships", "Engagements",
                                   "Commitments", "Measurements"]
    for register, title in register_export.SHEET_TITLES.items():
        sheet = workbook[title]
        level = counts[register].classification
        assert sheet.oddHeader.center.text == level
        assert sheet.oddFooter.center.text == level
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == level
        assert tuple(rows[1]) == COLUMNS[register]
        assert len(rows) - 2 == counts[register].rows
    assert counts["engagements"].rows == 174 and counts["commitments"].rows == 118
    workbook.close()


def test_no_sheet_rows_left_in_the_system_temporary_folder(demo, tmp_path, monkeypatch):
    import tempfile

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    seen: list[str] = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        made = real_mkstemp(*args, **kwargs)
        seen.append(made[1])
        return made

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    from openpyxl.worksheet import _writer

    created: list[str] = []
    real_create = _writer.create_temporary_file
    monkeypatch.setattr(_writer, "create_temporary_file",
                        lambda *a, **k: created.append(real_create(*a, **k)) or created[-1])
    write_registers(demo, tmp_path / "out.xlsx", "xlsx")
    assert created == []  # openpyxl's own temporary files were never made
    assert not any(p.startswith(str(system_tmp)) for p in seen)
    assert list(system_tmp.iterdir()) == []


def test_the_stakeholder_sheet_reads_back_through_the_stakeholder_importer(demo, tmp_path):
    out = tmp_path / "registers"
    write_registers(demo, out, "csv")
    raw = read_table(out / "stakeholders.csv")
    assert unrecognised_headers(raw.headers) == []
    assert raw.classification is not None
    plan = plan_stakeholder_import(demo, raw, map_headers(raw.headers))
    assert plan.problems == []
    assert plan.creates == [] and plan.updates == []  # the same mission: nothing changes
    assert plan.unchanged == 69


def test_a_missing_parent_folder_is_refused_before_anything_is_written(demo, tmp_path):
    from missiondesk.store.errors import FolderMissing

    with pytest.raises(FolderMissing):
        write_registers(demo, tmp_path / "nowhere" / "out.xlsx", "xlsx")
    assert not (tmp_path / "nowhere").exists()


def test_rows_stream_in_batches_without_losing_or_repeating_one(demo, monkeypatch):
    whole = {r: list(register_export.register_rows(demo, r)) for r in register_export.REGISTERS}
    monkeypatch.setattr(register_export, "BATCH", 7)
    for register, rows in whole.items():
        assert list(register_export.register_rows(demo, register)) == rows
    assert len(whole["engagements"]) == 174
