"""Reading CSV/XLSX tables as Excel and other tools save them; exports carry the marking."""

from __future__ import annotations

import zipfile

import pytest

from missiondesk.services.table_io import export_table, marking_of, read_table
from missiondesk.store.errors import BadImport

ROWS = [["Élysée Ndaye", "3", "Bangui; Kori"], ["Mouvement Patriotique de Carana", "5", ""]]


def _csv(rows, delimiter=",", marking=None) -> str:
    lines = [] if marking is None else [marking]
    lines.append(delimiter.join(["name", "influence", "region"]))
    for row in rows:
        lines.append(delimiter.join('"%s"' % c if delimiter in c else c for c in row))
    return "\r\n".join(lines) + "\r\n"


def _problems(exc_info) -> list[str]:
    return [code for code, _params in exc_info.value.params["problems"]]


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16"),
])
def test_each_encoding_reads_the_accents(tmp_path, encoding, expected):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv(ROWS).encode(encoding))
    table = read_table(path)
    assert table.encoding == expected
    assert table.headers == ["name", "influence", "region"]
    assert table.rows == ROWS


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_separator_is_detected(tmp_path, delimiter):
    path = tmp_path / "people.csv"
    path.write_text(_csv(ROWS, delimiter), encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.rows == ROWS


def test_french_excel_file_semicolons_cp1252_and_padded_marking(tmp_path):
    # What a French Excel saves: ';' separators, cp1252, the marking padded with separators.
    text = "# CONFIDENTIAL;;\r\nNom;Influence;Région\r\nÉlysée;3;Bangui, Kori\r\n"
    path = tmp_path / "acteurs.csv"
    path.write_bytes(text.encode("cp1252"))
    table = read_table(path)
    assert (table.encoding, table.delimiter, table.classification) == \
        ("cp1252", ";", "CONFIDENTIAL")
    assert table.headers == ["Nom", "Influence", "Région"]
    assert table.rows == [["Élysée", "3", "Bangui, Kori"]]
    assert (table.header_row, table.row_number(0)) == (2, 3)


def test_row_numbers_are_the_rows_the_user_sees(tmp_path):
    text = 'name,description\r\nA,one\r\n\r\nB,"two\r\nlines"\r\nC,three\r\n'
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    table = read_table(path)
    assert [r[0] for r in table.rows] == ["A", "B", "C"]
    assert table.rows[1][1] == "two\r\nlines"
    assert [table.row_number(i) for i in range(3)] == [2, 4, 5]


def test_a_comma_inside_quotes_does_not_fool_the_detection(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('name;description\r\n"A, B";"x, y, z"\r\nC;d\r\n', encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.rows == [["A, B", "x, y, z"], ["C", "d"]]


def test_single_column_file(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Name\nKori elders\nTatsi elders\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["Name"]
    assert table.rows == [["Kori elders"], ["Tatsi elders"]]


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"# CONFIDENTIAL\r\n", b"\xef\xbb\xbf",
                                     b",,,\r\n;;\r\n"])
def test_empty_files(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(BadImport) as exc_info:
        read_table(path)
    assert _problems(exc_info) == ["empty_file"]


def test_header_only_file_has_no_rows(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("# UNCLASSIFIED\nname;kind\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["name", "kind"] and table.rows == []
    assert table.classification == "UNCLASSIFIED"


@pytest.mark.parametrize("name,content,reason", [
    ("missing.csv", None, "missing"),
    ("binary.csv", b"\x00\x01\x02\x03" * 100, "not_a_table"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", "damaged"),
    ("latin.csv", b"name\n\x81\x8d\x8f\n", "encoding"),
])
def test_unreadable_files(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BadImport) as exc_info:
        read_table(path)
    (code, params), = exc_info.value.params["problems"]
    assert (code, params["reason"]) == ("unreadable_file", reason)


def test_a_folder_is_not_a_table(tmp_path):
    with pytest.raises(BadImport) as exc_info:
        read_table(tmp_path)
    assert _problems(exc_info) == ["unreadable_file"]


def test_marking_recognition():
    assert marking_of(["# CONFIDENTIAL", "", None]) == "CONFIDENTIAL"
    assert marking_of(["strictly  confidential"]) == "STRICTLY CONFIDENTIAL"
    assert marking_of(["STRICTLY_CONFIDENTIAL"]) == "STRICTLY CONFIDENTIAL"
    assert marking_of(["CONFIDENTIAL", "x"]) is None
    assert marking_of(["name"]) is None


def test_csv_export_is_marked_and_reads_back(tmp_path):
    path = tmp_path / "out.csv"
    rows = [["Élysée", 3, ("a", "b"), None], ["=HYPERLINK(\"x\")", -2, [], True]]
    export_table(path, ["Name", "Influence", "Tags", "Flag"], rows, "CONFIDENTIAL", "csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# CONFIDENTIAL\r\n")
    assert b"'=HYPERLINK" in data  # a spreadsheet shows it as text, never runs it
    table = read_table(path)
    assert table.classification == "CONFIDENTIAL"
    assert table.headers == ["Name", "Influence", "Tags", "Flag"]
    assert table.rows == [["Élysée", "3", "a; b", ""], ['=HYPERLINK("x")', "-2", "", "yes"]]
    assert not list(tmp_path.glob(".*partial"))


def test_xlsx_export_has_header_footer_and_first_row(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    rows = [["Élysée", 3, ["a", "b"]], ["=1+1", 4, None]]
    export_table(path, ["Name", "Influence", "Tags"], rows, "STRICTLY CONFIDENTIAL", "xlsx")
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "STRICTLY CONFIDENTIAL"
    assert [c.value for c in sheet[2]] == ["Name", "Influence", "Tags"]
    assert sheet["A4"].value == "=1+1" and sheet["A4"].data_type == "s"
    assert sheet.oddHeader.center.text == "STRICTLY CONFIDENTIAL"
    assert sheet.oddFooter.center.text == "STRICTLY CONFIDENTIAL"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    table = read_table(path)
    assert (table.classification, table.header_row, table.delimiter) == \
        ("STRICTLY CONFIDENTIAL", 2, None)
    assert table.rows == [["Élysée", "3", "a; b"], ["=1+1", "4", ""]]
    assert [table.row_number(i) for i in range(2)] == [3, 4]


def test_xlsx_written_by_a_user(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["Name", "Influence", "Since", "Note"])
    sheet.append(["Kori elders", 4.0, datetime(2024, 5, 1), None])
    sheet.append([])
    sheet.append(["Tatsi elders", 2, None, "x"])
    path = tmp_path / "mine.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.classification is None and table.header_row == 2
    assert table.rows[0][:3] == ["Kori elders", "4", "2024-05-01"]
    assert [table.row_number(i) for i in range(2)] == [3, 5]


def test_export_refuses_unknown_level_and_format(tmp_path):
    with pytest.raises(ValueError):
        export_table(tmp_path / "x.csv", ["a"], [], "SECRET", "csv")
    with pytest.raises(ValueError):
        export_table(tmp_path / "x.ods", ["a"], [], "CONFIDENTIAL", "ods")
    assert list(tmp_path.iterdir()) == []


def test_export_to_a_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        export_table(tmp_path / "nope" / "x.csv", ["a"], [["b"]], "UNCLASSIFIED", "csv")
