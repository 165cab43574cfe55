"""Tables in and out: CSV and XLSX files read into a `RawTable`, rows written with the marking.

Reading (`read_table`) knows nothing of stakeholders: it finds the encoding (UTF-8 with or
without a byte-order mark, UTF-16 with one, Windows-1252), the separator (comma, semicolon,
tab) and a leading classification line (``# CONFIDENTIAL``, which every CSV export writes and
a French Excel may save as ``# CONFIDENTIAL;;;``), and returns every cell as text with the row
number the user sees in a spreadsheet. Failures are `BadImport` codes, never text.

Writing (`export_table`) marks the highest classification of what it holds (DESIGN.md): the
first CSV line, and an XLSX page header, page footer and first sheet row. Cells that a
spreadsheet would run as a formula are written as plain text.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from missiondesk.store.errors import BadImport
from missiondesk.store.vocab import Classification

DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: text cells, nothing interpreted yet.

    `row_numbers[i]` is the row of `rows[i]` as the user sees it (the spreadsheet row, or the
    CSV record counted from 1 at the top of the file, marking line included); the header's own
    row is `header_row`. Blank rows are dropped but keep the numbering of the others.
    """

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str | None
    classification: str | None
    header_row: int = 1
    row_numbers: list[int] = field(default_factory=list)

    def row_number(self, index: int) -> int:
        """The user-visible row number of `rows[index]`."""
        if index < len(self.row_numbers):
            return self.row_numbers[index]
        return self.header_row + 1 + index


# --- reading -------------------------------------------------------------------------------


def _unreadable(path: Path, reason: str) -> BadImport:
    return BadImport(problems=[("unreadable_file", {"path": str(path), "reason": reason})])


def read_table(path: str | Path) -> RawTable:
    """Read a CSV or XLSX file (chosen by content, then by suffix) into a `RawTable`.

    BadImport problems: ("unreadable_file", {path, reason}) with reason "missing",
    "permission", "not_a_table" (binary), "old_excel" (.xls), "encoding", "damaged";
    ("empty_file", {}) when no row holds anything but a marking. The first row that holds
    something is the header; a file with a header and no rows is returned with `rows` empty.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _unreadable(path, "missing") from exc
    except IsADirectoryError as exc:
        raise _unreadable(path, "not_a_table") from exc
    except PermissionError as exc:
        raise _unreadable(path, "permission") from exc
    except OSError as exc:
        raise _unreadable(path, "damaged") from exc
    if data.startswith(_ZIP_MAGIC) or (path.suffix.lower() in XLSX_SUFFIXES and data):
        return _read_xlsx(path, data)
    if data.startswith(_OLE_MAGIC):
        raise _unreadable(path, "old_excel")
    return _read_csv(path, data)


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _unreadable(path, "encoding") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _unreadable(path, "encoding") from exc
    if b"\x00" in data[:4096]:
        raise _unreadable(path, "not_a_table")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _unreadable(path, "encoding") from exc


def marking_of(cells: Sequence[Any]) -> str | None:
    """The classification a marking row or line states, or None if it is not a marking.

    A marking is one non-empty cell: ``# CONFIDENTIAL``, ``CONFIDENTIAL`` (XLSX first row) or
    ``# Strictly confidential`` (any case); the other cells, if any, are empty.
    """
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if len(texts) != 1:
        return None
    text = texts[0].lstrip("#").strip().upper().replace("_", " ")
    text = " ".join(text.split())
    for level in Classification:
        if text == level.value:
            return level.value
    return None


def _comment_line(line: str) -> tuple[bool, str | None]:
    """(is a leading comment, the classification it states)."""
    stripped = line.strip().strip('"').strip()
    if not stripped.startswith("#"):
        return False, None
    body = stripped.rstrip(",;\t \"")
    return True, marking_of([body])


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _detect_delimiter(header: str, sample: str) -> str:
    """The separator: the most frequent candidate in the header line, data agreeing."""
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delim))
        except csv.Error:
            continue
        records = [r for r in records if any(c.strip() for c in r)]
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        rest = records[1:]
        agree = (sum(1 for r in rest if len(r) == width) / len(rest)) if rest else 1.0
        score = (agree, width)
        if score > best_score:
            best, best_score = delim, score
    if best_score[0] < 0:  # one column: whatever the header holds is the name
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: counts[d])
    return best


def _read_csv(path: Path, data: bytes) -> RawTable:
    text, encoding = _decode(path, data)
    lines = _split_lines(text)
    classification: str | None = None
    skipped = 0
    while skipped < len(lines):
        line = lines[skipped]
        if not line.strip(" \t,;\"\r\n"):  # blank, or only separators (Excel pads rows)
            skipped += 1
            continue
        is_comment, level = _comment_line(line)
        if not is_comment:
            break
        if classification is None:
            classification = level
        skipped += 1
    body = "".join(lines[skipped:])
    if not body.strip():
        raise BadImport(problems=[("empty_file", {})])
    header_line = lines[skipped]
    sample = "".join(lines[skipped:skipped + 50])
    delimiter = _detect_delimiter(header_line, sample)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        for record_index, record in enumerate(reader):
            # Spreadsheet rows: the skipped lines first, then one row per CSV record.
            number = skipped + record_index + 1
            if not any(cell.strip() for cell in record):
                continue
            if headers is None:
                headers, header_row = _clean_headers(record), number
                continue
            rows.append([unescape_formula(cell) for cell in record])
            numbers.append(number)
    except csv.Error as exc:
        raise _unreadable(path, "damaged") from exc
    if headers is None:
        raise BadImport(problems=[("empty_file", {})])
    return RawTable(headers=headers, rows=rows, encoding=encoding, delimiter=delimiter,
                    classification=classification, header_row=header_row, row_numbers=numbers)


def _clean_headers(cells: Sequence[str]) -> list[str]:
    headers = [str(c).replace("\ufeff", "").strip() for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, data: bytes) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError,
            zlib.error, EOFError) as exc:
        raise _unreadable(path, "damaged") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise BadImport(problems=[("empty_file", {})])
        classification: str | None = None
        headers: list[str] | None = None
        header_row = 0
        rows: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                level = marking_of(cells)
                if level is not None or (cells[0].strip().startswith("#")
                                         and not any(c.strip() for c in cells[1:])):
                    classification = classification or level
                    continue
                headers, header_row = _clean_headers(cells), number
                continue
            rows.append(cells)
            numbers.append(number)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, zlib.error, EOFError) as exc:
        raise _unreadable(path, "damaged") from exc
    finally:
        workbook.close()
    if headers is None:
        raise BadImport(problems=[("empty_file", {})])
    return RawTable(headers=headers, rows=rows, encoding="xlsx", delimiter=None,
                    classification=classification, header_row=header_row, row_numbers=numbers)


def unescape_formula(text: str) -> str:
    """Undo `export_table`'s protection: ``'=x`` read back is ``=x``."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


# --- writing -------------------------------------------------------------------------------


def export_value(value: Any) -> str | int | float:
    """A cell as written: lists joined with "; ", dates in ISO form, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v) for v in value)
    return str(value)


def _csv_safe(value: str | int | float) -> str:
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 classification: str, fmt: str) -> Path:
    """Write `rows` under `headers` to `path` as "csv" or "xlsx", marked `classification`.

    CSV: UTF-8 with a byte-order mark (Excel reads the accents), comma-separated, first line
    ``# <CLASSIFICATION>``. XLSX: the marking in the page header and footer and in the first
    sheet row, the headers in the second. The file is written in the private temporary
    folder and moved into place when complete. Raises OSError when it cannot be written,
    ValueError for an unknown format or level.
    """
    level = Classification(classification).value
    if fmt not in ("csv", "xlsx"):
        raise ValueError("unknown export format: %s" % fmt)
    path = Path(path)
    from missiondesk.staging import staged_file

    with staged_file(path) as partial:
        if fmt == "csv":
            _write_csv(partial, headers, rows, level)
        else:
            _write_xlsx(partial, headers, rows, level)
    return path


def _write_csv(path: Path, headers, rows, level: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write("# %s\r\n" % level)
        writer = csv.writer(fh)
        writer.writerow([_csv_safe(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_safe(export_value(v)) for v in row])


def _write_xlsx(path: Path, headers, rows, level: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.title = "Export"
    for part in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter,
                 sheet.firstHeader, sheet.firstFooter):
        part.center.text = level
        part.center.font = "Arial,Bold"
        part.center.color = "B3261E"
    sheet.freeze_panes = "A3"

    def text_cell(value, font=None):
        cell = WriteOnlyCell(sheet, value=value)
        if cell.data_type == "f":  # a string starting with "=" is text, never a formula
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(level, Font(bold=True, color="B3261E"))])
    bold = Font(bold=True)
    sheet.append([text_cell(str(h), bold) for h in headers])
    for row in rows:
        sheet.append([text_cell(export_value(v)) for v in row])
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        workbook.save(fh)
