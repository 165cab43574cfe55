"""Hostile and broken tables (issue 8, items 6, 7, 8, 11): each is refused with one problem
that has a sentence, before it costs memory; text that is not text is refused by row and
column on the way in and left out on the way out."""

from __future__ import annotations

import zipfile

import pytest

from missiondesk.messages import table_import_error_text, table_problem_text
from missiondesk.services import relationship_import, stakeholder_import
from missiondesk.services.table_io import export_table, read_table
from missiondesk.store.errors import BadImport
from tests.perf import hostile_inputs as hostile

# The limits (table_io's MAX_* constants), as the README states them.
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_SHARED_STRINGS = 500_000
MAX_ROWS = 100_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 32_767


def _refused(path) -> tuple[str, dict]:
    """The one problem reading `path` gives; its sentence is one line, never the code."""
    with pytest.raises(BadImport) as exc_info:
        read_table(path)
    problems = exc_info.value.params["problems"]
    assert len(problems) == 1, problems
    code, params = problems[0]
    text = table_import_error_text(problems)
    assert "\n" not in text and not text.startswith(code)
    assert text.endswith("Nothing was imported.")
    return code, params


def _sheet(rows: str) -> str:
    return hostile.SHEET_HEAD + rows + hostile.SHEET_TAIL


# --- item 6: bombs and DTDs ------------------------------------------------------------------


def test_a_workbook_inflating_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "bomb.xlsx"
    row = hostile._inline_row(["Armed group", "5"])
    count = (MAX_XLSX_UNCOMPRESSED + 1024 * 1024) // len(row)
    hostile.write_workbook(path, hostile._repeat(
        hostile.SHEET_HEAD + hostile._inline_row(["name", "influence"]), row, count,
        hostile.SHEET_TAIL))
    assert path.stat().st_size < 2 * 1024 * 1024
    code, params = _refused(path)
    assert code == "workbook_too_large" and params["size"] > MAX_XLSX_UNCOMPRESSED
    assert "too large to import" in table_problem_text(code, params)


def test_a_sheet_of_too_many_rows_stops_at_the_limit(tmp_path):
    path = tmp_path / "rows.xlsx"
    hostile.write_workbook(path, hostile._repeat(
        hostile.SHEET_HEAD + hostile._inline_row(["name"]), hostile._inline_row(["ab"]),
        MAX_ROWS + 2_000, hostile.SHEET_TAIL))
    assert _refused(path)[0] == "too_many_rows"
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("name\n" + "x\n" * (MAX_ROWS + 1), encoding="utf-8")
    code, params = _refused(csv_path)
    assert code == "too_many_rows" and params["limit"] == MAX_ROWS
    csv_path.write_text("name\n" + "x\n" * MAX_ROWS, encoding="utf-8")
    assert len(read_table(csv_path).rows) == MAX_ROWS  # the limit itself still reads


def test_a_shared_strings_bomb_is_refused(tmp_path):
    path = tmp_path / "strings.xlsx"
    hostile.write_workbook(
        path, _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
        hostile._repeat(hostile.SST_HEAD + "<si><t>name</t></si>", "<si><t>ab</t></si>",
                        MAX_SHARED_STRINGS + 1, "</sst>"))
    code, params = _refused(path)
    assert code == "workbook_too_large" and params["strings"] > MAX_SHARED_STRINGS


def test_a_part_larger_than_its_declared_size_is_refused_as_damaged(tmp_path):
    path = hostile.xlsx_lying_size(tmp_path)
    code, params = _refused(path)
    assert (code, params["reason"]) == ("unreadable_file", "damaged")


@pytest.mark.parametrize("build,code", [
    (hostile.xlsx_dtd, "workbook_dtd"),
    (hostile.xlsx_billion_laughs, "workbook_entities"),
    (hostile.xlsx_xxe, "workbook_external_reference"),
])
def test_dtd_entities_and_external_references_get_one_sentence(tmp_path, build, code):
    assert _refused(build(tmp_path))[0] == code


def test_defusedxml_guards_what_the_byte_scan_cannot_see(tmp_path):
    # UTF-16 hides "<!ENTITY" from a byte search; defusedxml, under openpyxl, still refuses.
    import defusedxml  # noqa: F401 - a dependency since issue 8

    strings = (hostile.SST_HEAD.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace(
        "?>\n", '?>\n<!DOCTYPE sst [<!ENTITY a "b">]>\n', 1)
        + "<si><t>name</t></si><si><t>&a;</t></si></sst>").encode("utf-16")
    path = tmp_path / "utf16.xlsx"
    hostile.write_workbook(path, _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                           lambda stream: stream.write(strings))
    assert _refused(path)[0] == "workbook_entities"


# --- item 7: every XLSX failure is one sentence ---------------------------------------------


@pytest.mark.parametrize("build,code", [
    (hostile.xlsx_bad_xml, "workbook_bad_xml"),
    (hostile.xlsx_control_character, "workbook_bad_xml"),
    (hostile.xlsx_missing_part, "workbook_missing_part"),
])
def test_broken_workbooks_get_one_sentence(tmp_path, build, code):
    assert _refused(build(tmp_path))[0] == code


def test_a_workbook_of_16384_columns_gets_one_sentence(tmp_path):
    code, params = _refused(hostile.xlsx_16384_columns(tmp_path))
    assert code == "too_many_columns" and params["count"] == 16_384


# --- item 11: CSV files as people break them -----------------------------------------------


def test_a_100000_column_csv_gets_one_sentence(tmp_path):
    code, params = _refused(hostile.csv_100k_columns(tmp_path))
    assert (code, params["count"], params["limit"]) == ("too_many_columns", 100_000, MAX_COLUMNS)


def test_a_big_cell_is_too_long_not_damaged(tmp_path):
    code, params = _refused(hostile.csv_long_cell(tmp_path))
    assert (code, params["row"], params["letter"], params["length"]) == \
        ("cell_too_long", 2, "B", 40_000)
    assert "too long" in table_problem_text(code, params)
    code, params = _refused(hostile.csv_big_cell(tmp_path))  # past the csv module's limit
    assert (code, params["row"]) == ("cell_too_long", 2)
    assert "too long" in table_problem_text(code, params)
    ok = tmp_path / "ok.csv"
    ok.write_text("name,description\nA,%s\n" % ("x" * MAX_CELL_CHARS), encoding="utf-8")
    assert len(read_table(ok).rows[0][1]) == MAX_CELL_CHARS


def test_nul_anywhere_in_a_csv_is_refused_with_its_line(tmp_path):
    code, params = _refused(hostile.csv_late_nul(tmp_path))
    assert (code, params["line"]) == ("nul_character", 2002)


def test_mixed_utf8_and_cp1252_is_reported_not_stored_as_mojibake(tmp_path):
    code, params = _refused(hostile.csv_mixed_encoding(tmp_path))
    assert (code, params["line"]) == ("mixed_encoding", 3)
    plain = tmp_path / "plain.csv"
    plain.write_bytes("name\nComité\n".encode("cp1252"))  # all Windows-1252: still read
    assert read_table(plain).rows == [["Comité"]]


def test_an_unterminated_quote_is_reported_with_its_row(tmp_path):
    code, params = _refused(hostile.csv_unterminated_quote(tmp_path))
    assert (code, params["row"]) == ("unterminated_quote", 3)
    fine = tmp_path / "fine.csv"
    fine.write_text('name,notes\nA,"two\nlines"\nB,say ""hi""\n', encoding="utf-8")
    assert read_table(fine).rows == [["A", "two\nlines"], ["B", 'say ""hi""']]


def test_duplicated_headers_are_refused(tmp_path):
    code, params = _refused(hostile.csv_duplicate_headers(tmp_path))
    assert (code, params["letters"]) == ("duplicate_header", ["B", "C"])


@pytest.mark.parametrize("importer,text", [
    (stakeholder_import, "Name,Stance,stance_peace\nKori elders,supportive,spoiler\n"),
    (relationship_import, "source,target,type,relation\nA,B,allied_with,funds\n"),
])
def test_two_headers_for_one_field_are_refused(plain_mission, tmp_path, importer, text):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    raw = read_table(path)
    planner = getattr(importer, "plan_%s_import" % (
        "stakeholder" if importer is stakeholder_import else "relationship"))
    plan = planner(plain_mission, raw, importer.map_headers(raw.headers))
    assert [code for code, _ in plan.problems] == ["duplicate_column"]
    assert not plan.creates


# --- item 8: text that is not text ---------------------------------------------------------


def test_control_characters_and_non_characters_are_refused_by_row_and_column(plain_mission,
                                                                          tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,description,tags,aliases\n"
                    "Kori elders,seen\x1b[31m here,ok,\n"
                    "Tatsi,,a\x07b,\n"
                    "Baro,,,B\ufffe\n", encoding="utf-8")
    raw = read_table(path)
    plan = stakeholder_import.plan_stakeholder_import(plain_mission, raw,
                                                      stakeholder_import.map_headers(raw.headers))
    found = [(p["row"], p["letter"], p["reason"], p["code_point"]) for _c, p in plan.problems]
    assert found == [(2, "B", "invalid_character", "U+001B"),
                     (3, "C", "invalid_character", "U+0007"),
                     (4, "D", "invalid_character", "U+FFFE")]
    assert not plan.creates
    text = table_problem_text(*plan.problems[0])
    assert text.startswith("Row 2, column B (description): The cell holds a character that "
                           "is not text (U+001B")
    assert "\x1b" not in text


def test_a_relationship_note_with_a_control_character_is_refused(plain_mission, tmp_path):
    from missiondesk.services import stakeholders

    with plain_mission.unit_of_work() as uow:
        for name in ("Alpha", "Beta"):
            stakeholders.create_stakeholder(uow, name=name, kind="organization",
                                            category="armed_group",
                                            classification="CONFIDENTIAL")
    path = tmp_path / "links.csv"
    path.write_text("source,target,type,notes\nAlpha,Beta,funds,via\x01x\n", encoding="utf-8")
    raw = read_table(path)
    plan = relationship_import.plan_relationship_import(
        plain_mission, raw, relationship_import.map_headers(raw.headers))
    (code, params), = plan.problems
    assert (code, params["row"], params["letter"], params["reason"]) == \
        ("bad_value", 2, "D", "invalid_character")


def test_exports_leave_out_characters_that_are_not_text(tmp_path):
    rows = [["Kori\x1b elders", "a\x00b\ufffe", 3]]
    for fmt in ("csv", "xlsx"):
        path = export_table(tmp_path / ("out." + fmt), ["Name", "Note\x07", "Influence"], rows,
                            "CONFIDENTIAL", fmt)
        table = read_table(path)
        assert table.headers == ["Name", "Note", "Influence"]
        assert table.rows == [["Kori elders", "ab", "3"]]
        if fmt == "xlsx":
            with zipfile.ZipFile(path) as archive:
                assert b"\x1b" not in archive.read("xl/worksheets/sheet1.xml")
