"""Tables in and out: CSV and XLSX files read into a `RawTable`, rows written with the marking.

Reading (`read_table`) knows nothing of stakeholders: it finds the encoding (UTF-8 with or
without a byte-order mark, UTF-16 with one, Windows-1252), the separator (comma, semicolon,
tab) and a leading classification line (``# CONFIDENTIAL``, which every CSV export writes and
a French Excel may save as ``# CONFIDENTIAL;;;``), and returns every cell as text with the row
number the user sees in a spreadsheet. Failures are `BadImport` codes, never text.

A hostile file is refused before it costs memory: the file size, a workbook's declared
uncompressed size and number of parts are checked before openpyxl reads it (zipfile itself
stops a part that inflates past its declared size), a DTD or entity declaration in any XML
part is refused (and openpyxl parses with `defusedxml`), and rows, columns and cell lengths
are counted as the rows stream in, so a lying header stops too. The limits are the
constants below.

Writing (`export_table`) marks the highest classification of what it holds (DESIGN.md): the
first CSV line, and an XLSX page header, page footer and first sheet row. Cells that a
spreadsheet would run as a formula are written as plain text; characters that are not text
(stored before validation existed) are removed, since XML cannot carry them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from missiondesk.services.validation import first_invalid_char, strip_invalid_chars
from missiondesk.store.errors import BadImport
from missiondesk.store.vocab import Classification

DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls

# --- limits of what is read (a stakeholder or relationship file is far smaller) -------------
#: Bytes of the file itself, CSV or XLSX.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Bytes of a workbook's parts once inflated (declared sizes, enforced while inflating).
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
#: Parts (files) inside a workbook; a real one has a few dozen.
MAX_XLSX_PARTS = 2_000
#: Strings in a workbook's shared-string table (openpyxl keeps them all in memory).
MAX_SHARED_STRINGS = 500_000
#: Cells in one worksheet of a workbook (counted before openpyxl parses it).
MAX_SHEET_CELLS = 5_000_000
#: Rows under the header.
MAX_ROWS = 100_000
#: Columns that hold something.
MAX_COLUMNS = 500
#: Characters in one cell (Excel's own limit).
MAX_CELL_CHARS = 32_767
#: Rows between two calls of `read_table`'s progress callback.
PROGRESS_ROWS = 500

_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_SHEET_PART = re.compile(r"worksheets/[^/]+\.xml$", re.IGNORECASE)
_SHARED_PART = re.compile(r"sharedStrings\.xml$", re.IGNORECASE)
#: Elements counted while a part streams by: shared strings, rows and cells of a sheet.
_ELEMENT = {name: re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?%s[\s>/]" % name.encode())
            for name in ("si", "row", "c")}
_CHUNK = 1 << 20
#: A multi-byte UTF-8 sequence: a file holding one and failing to decode as UTF-8 mixes
#: UTF-8 with another encoding.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")

Progress = Callable[[int, int], None]


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
    #: A workbook: the title of the sheet read and the titles of all its sheets.
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    def row_number(self, index: int) -> int:
        """The user-visible row number of `rows[index]`."""
        if index < len(self.row_numbers):
            return self.row_numbers[index]
        return self.header_row + 1 + index


# --- reading -------------------------------------------------------------------------------


def _problem(code: str, path: Path, **params: Any) -> BadImport:
    return BadImport(problems=[(code, {"path": str(path), **params})])


def _unreadable(path: Path, reason: str) -> BadImport:
    return BadImport(problems=[("unreadable_file", {"path": str(path), "reason": reason})])


def read_table(path: str | Path, progress: Progress | None = None, *,
               sheet: str | None = None) -> RawTable:
    """Read a CSV or XLSX file (chosen by content, then by suffix) into a `RawTable`.

    BadImport problems: ("unreadable_file", {path, reason}) with reason "missing",
    "permission", "not_a_table" (binary), "old_excel" (.xls), "encoding", "damaged";
    ("empty_file", {}) when no row holds anything but a marking; the limits: "file_too_large"
    (path, size, limit), "workbook_too_large" (path, size or parts or strings, limit),
    "too_many_rows" (path, limit), "too_many_columns" (path, row, count, limit),
    "cell_too_long" (path, row, letter, length, limit); a CSV's "nul_character" (line),
    "mixed_encoding" (line), "unterminated_quote" (row); a workbook's "workbook_bad_xml",
    "workbook_missing_part", "workbook_dtd", "workbook_entities",
    "workbook_external_reference"; "duplicate_header" (header, letters) and
    "invalid_character" (row, letter, column, code_point, position) in a header. The first
    row that holds something is the header; a file with a header and no rows is returned
    with `rows` empty. `progress(done, total)` is called every few hundred rows (total 0:
    not known); an exception it raises (a cancel) propagates. `sheet`: a workbook's sheet of
    that title (any case) is read instead of the first, when it has one.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise _unreadable(path, "not_a_table")
        if size > MAX_FILE_BYTES:
            raise _problem("file_too_large", path, size=size, limit=MAX_FILE_BYTES)
        with path.open("rb") as fh:
            head = fh.read(8)
            if head.startswith(_ZIP_MAGIC) or (path.suffix.lower() in XLSX_SUFFIXES and head):
                fh.seek(0)
                return _read_xlsx(path, fh, progress, sheet)
            if head.startswith(_OLE_MAGIC):
                raise _unreadable(path, "old_excel")
            fh.seek(0)
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise _unreadable(path, "missing") from exc
    except IsADirectoryError as exc:
        raise _unreadable(path, "not_a_table") from exc
    except PermissionError as exc:
        raise _unreadable(path, "permission") from exc
    except OSError as exc:
        raise _unreadable(path, "damaged") from exc
    if len(data) > MAX_FILE_BYTES:  # grew since it was measured
        raise _problem("file_too_large", path, size=len(data), limit=MAX_FILE_BYTES)
    text, encoding = _decode(path, data)
    del data  # the bytes are not kept while the rows are read
    return _read_csv(path, text, encoding, progress)


def _line_of(data: bytes | str, offset: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, offset) + 1


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_problem(path, data, exc.start + 3) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _unreadable(path, "encoding") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        if nul < 4096:  # a binary file, not text
            raise _unreadable(path, "not_a_table")
        raise _problem("nul_character", path, line=_line_of(data, nul))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data) is not None:  # UTF-8 here, something else there
            raise _encoding_problem(path, data, exc.start) from exc
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _unreadable(path, "encoding") from exc


def _encoding_problem(path: Path, data: bytes, offset: int) -> BadImport:
    """A file that is UTF-8 in places only: stored as is, it would be mojibake."""
    return _problem("mixed_encoding", path, line=_line_of(data, offset))


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


class _Rows:
    """Counts what streams in against the limits; keeps the header and the rows."""

    def __init__(self, path: Path, progress: Progress | None, total: int) -> None:
        self.path = path
        self.progress = progress
        self.total = total
        self.headers: list[str] | None = None
        self.header_row = 0
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []

    def add(self, number: int, cells: list[str]) -> None:
        """One non-blank record at spreadsheet row `number` (header first)."""
        width = len(cells)
        while width and not cells[width - 1].strip():
            width -= 1
        if width > MAX_COLUMNS:
            raise _problem("too_many_columns", self.path, row=number, count=width,
                           limit=MAX_COLUMNS)
        for index in range(width):
            if len(cells[index]) > MAX_CELL_CHARS:
                named = self.headers is not None and index < len(self.headers) \
                    and self.headers[index]
                raise _problem("cell_too_long", self.path, row=number,
                               letter=column_letter(index), length=len(cells[index]),
                               column=self.headers[index] if named else column_letter(index),
                               limit=MAX_CELL_CHARS)
        if self.headers is None:
            self.headers, self.header_row = _clean_headers(cells), number
            _check_headers(self.path, self.headers, number)
            return
        if len(self.rows) >= MAX_ROWS:
            raise _problem("too_many_rows", self.path, limit=MAX_ROWS)
        self.rows.append(cells)
        self.numbers.append(number)
        if self.progress is not None and len(self.rows) % PROGRESS_ROWS == 0:
            self.progress(len(self.rows), self.total)

    def check_number(self, number: int) -> None:
        """Blank rows count too: a sheet of a million empty rows stops at the limit."""
        if number > MAX_ROWS + max(self.header_row, 1) + 10:
            raise _problem("too_many_rows", self.path, limit=MAX_ROWS)


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_headers(path: Path, headers: list[str], row: int) -> None:
    """A header that is not text, or the same header twice (which column would count?)."""
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        bad = first_invalid_char(header)
        if bad is not None:
            raise _problem("invalid_character", path, row=row, letter=column_letter(index),
                           column=strip_invalid_chars(header),
                           code_point="U+%04X" % ord(header[bad]), position=bad + 1)
        key = " ".join(header.casefold().split())
        if not key:
            continue
        if key in seen:
            raise _problem("duplicate_header", path, row=row, header=header,
                           letters=[column_letter(seen[key]), column_letter(index)])
        seen[key] = index


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _read_csv(path: Path, text: str, encoding: str, progress: Progress | None) -> RawTable:
    classification: str | None = None
    skipped = 0
    offset = 0
    while offset < len(text):  # blank lines and leading comments (the marking)
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end + 1
        line = text[offset:end]
        if line.strip(" \t,;\"\r\n"):  # blank, or only separators (Excel pads rows)
            is_comment, level = _comment_line(line)
            if not is_comment:
                break
            if classification is None:
                classification = level
        skipped += 1
        offset = end
    if not text[offset:].strip():
        raise BadImport(problems=[("empty_file", {})])
    header_end = text.find("\n", offset)
    header_line = text[offset:] if header_end < 0 else text[offset:header_end + 1]
    sample_end = offset
    for _ in range(50):
        next_end = text.find("\n", sample_end)
        if next_end < 0:
            sample_end = len(text)
            break
        sample_end = next_end + 1
    delimiter = _detect_delimiter(header_line, text[offset:sample_end])
    consumed = [offset]  # where the csv module has read up to (lines as newline="" cuts them)

    def lines() -> Iterator[str]:
        for match in _LINE.finditer(text, offset):
            consumed[0] = match.end()
            yield match.group()

    reader = csv.reader(lines(), delimiter=delimiter)
    found = _Rows(path, progress, 0)
    record_index = -1
    last_start = end = offset  # where the last record read began and ended
    try:
        for record_index, record in enumerate(reader):
            last_start, end = end, consumed[0]
            # Spreadsheet rows: the skipped lines first, then one row per CSV record.
            number = skipped + record_index + 1
            if any(cell.strip() for cell in record):
                found.add(number, [unescape_formula(cell) for cell in record]
                          if found.headers is not None else record)
            else:
                found.check_number(number)
    except csv.Error as exc:
        number = skipped + record_index + 2  # the record being read
        if "field larger than field limit" in str(exc):
            raise _problem("cell_too_long", path, row=number, limit=MAX_CELL_CHARS) from exc
        raise BadImport(problems=[("unreadable_file", {
            "path": str(path), "reason": "damaged", "row": number})]) from exc
    _check_last_record(path, text[last_start:], delimiter, skipped + record_index + 1)
    if found.headers is None:
        raise BadImport(problems=[("empty_file", {})])
    return RawTable(headers=found.headers, rows=found.rows, encoding=encoding,
                    delimiter=delimiter, classification=classification,
                    header_row=found.header_row, row_numbers=found.numbers)


def _check_last_record(path: Path, last: str, delimiter: str, number: int) -> None:
    """A quote opened and never closed swallows the rest of the file into one record, which
    the lenient reader accepts: read that last record again, strictly."""
    if '"' not in last:
        return
    try:
        for _record in csv.reader(io.StringIO(last, newline=""), delimiter=delimiter,
                                  strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise _problem("unterminated_quote", path, row=number) from exc


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


def _check_workbook(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb or a DTD before openpyxl parses anything.

    The declared sizes are checked first (cheap); then every XML part is inflated in chunks,
    which zipfile stops at the declared size (a larger part fails its CRC: damaged), looking
    for a document type or entity declaration and counting the shared strings.
    """
    infos = archive.infolist()
    if len(infos) > MAX_XLSX_PARTS:
        raise _problem("workbook_too_large", path, parts=len(infos), limit=MAX_XLSX_PARTS)
    declared = sum(info.file_size for info in infos)
    if declared > MAX_XLSX_UNCOMPRESSED:
        raise _problem("workbook_too_large", path, size=declared, limit=MAX_XLSX_UNCOMPRESSED)
    for info in infos:
        if not _XML_PART.search(info.filename):
            continue
        limits = {}
        if _SHARED_PART.search(info.filename):
            limits = {"si": ("strings", MAX_SHARED_STRINGS)}
        elif _SHEET_PART.search(info.filename):
            # openpyxl walks a sheet without a declared size once more at load: bound it.
            limits = {"row": ("rows", MAX_ROWS + 1_000), "c": ("cells", MAX_SHEET_CELLS)}
        counts = dict.fromkeys(limits, 0)
        tail = b""
        with archive.open(info) as part:
            while True:
                chunk = part.read(_CHUNK)
                if not chunk:
                    break
                window = tail + chunk
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    _refuse_declarations(path, window, part)
                for element, (what, limit) in limits.items():
                    counts[element] += sum(1 for m in _ELEMENT[element].finditer(window)
                                           if m.end() > len(tail))
                    if counts[element] > limit:
                        if what == "rows":
                            raise _problem("too_many_rows", path, limit=MAX_ROWS)
                        raise _problem("workbook_too_large", path, limit=limit,
                                       **{what: counts[element]})
                tail = window[-64:]


def _refuse_declarations(path: Path, window: bytes, part) -> None:
    rest = window + part.read(64 * 1024)  # the declaration itself, to say what it does
    if b"<!ENTITY" in rest:
        if re.search(rb"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", rest):
            raise _problem("workbook_external_reference", path)
        raise _problem("workbook_entities", path)
    if re.search(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b", rest):
        raise _problem("workbook_external_reference", path)
    raise _problem("workbook_dtd", path)


def _parse_failure(path: Path, exc: BaseException) -> BadImport:
    """The one problem for whatever openpyxl (or the XML parser under it) raised."""
    from xml.etree.ElementTree import ParseError

    try:
        from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
    except ImportError:  # pragma: no cover - a dependency; openpyxl then parses unguarded
        DTDForbidden = EntitiesForbidden = ExternalReferenceForbidden = ()  # noqa: N806
    chain: list[BaseException] = []  # openpyxl wraps some errors in a ValueError of its own
    cause: BaseException | None = exc
    while cause is not None and cause not in chain and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for kinds, code in ((ExternalReferenceForbidden, "workbook_external_reference"),
                        (EntitiesForbidden, "workbook_entities"),
                        (DTDForbidden, "workbook_dtd"),
                        ((ParseError, UnicodeDecodeError), "workbook_bad_xml"),
                        (KeyError, "workbook_missing_part")):  # "There is no item named"
        if any(isinstance(error, kinds) for error in chain):
            return _problem(code, path)
    if isinstance(exc, MemoryError):
        return _problem("workbook_too_large", path, limit=MAX_XLSX_UNCOMPRESSED)
    return _unreadable(path, "damaged")


def _read_xlsx(path: Path, fh, progress: Progress | None, wanted: str | None = None
               ) -> RawTable:
    from openpyxl import load_workbook

    workbook = None
    try:
        with zipfile.ZipFile(fh) as archive:
            _check_workbook(path, archive)
        fh.seek(0)
        workbook = load_workbook(fh, read_only=True, data_only=True)
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        for named in workbook.worksheets:  # the sheet asked for by title, any case
            if wanted and named.title.casefold().strip() == wanted.casefold().strip():
                sheet = named
                break
        titles = tuple(ws.title for ws in workbook.worksheets)
        if sheet is None:
            raise BadImport(problems=[("empty_file", {})])
        declared_rows = sheet.max_row or 0
        sheet.reset_dimensions()  # pad rows to their own cells, not to a declared size
        total = min(declared_rows, MAX_ROWS) if declared_rows and declared_rows > 1 else 0
        found = _Rows(path, progress, total)
        classification: str | None = None
        number = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            found.check_number(number)
            if len(values) > MAX_COLUMNS and values.count(None) < len(values) - MAX_COLUMNS \
                    and any(_cell_text(v).strip() for v in values[MAX_COLUMNS:]):
                raise _problem("too_many_columns", path, row=number, count=len(values),
                               limit=MAX_COLUMNS)
            cells = [_cell_text(v) for v in values[:MAX_COLUMNS + 1]]
            if not any(c.strip() for c in cells):
                continue
            if found.headers is None:
                level = marking_of(cells)
                if level is not None or (cells[0].strip().startswith("#")
                                         and not any(c.strip() for c in cells[1:])):
                    classification = classification or level
                    continue
            found.add(number, cells)
    except BadImport:
        raise
    except Exception as exc:  # noqa: BLE001 - every parse failure is one problem (below)
        raise _parse_failure(path, exc) from exc
    finally:
        if workbook is not None:
            workbook.close()
    if found.headers is None:
        raise BadImport(problems=[("empty_file", {})])
    return RawTable(headers=found.headers, rows=found.rows, encoding="xlsx", delimiter=None,
                    sheet=sheet.title, sheets=titles,
                    classification=classification, header_row=found.header_row,
                    row_numbers=found.numbers)


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
    text = _text_only(str(value))
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _text_only(text: str) -> str:
    """Text stored before validation existed may hold control characters or non-characters:
    XML cannot carry them and the importer refuses them, so the writers leave them out."""
    return text if first_invalid_char(text) is None else strip_invalid_chars(text)


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
        if isinstance(value, str):
            value = _text_only(value)
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
