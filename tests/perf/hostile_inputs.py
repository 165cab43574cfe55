"""Hostile inputs against the real command line: bombs, DTDs, control characters, nested JSON.

    python tests/perf/hostile_inputs.py [--only NAME] [--cap-mb 3000]

Builds each hostile file in a temporary folder, runs
``python -m missiondesk import NEW.mdesk --stakeholders F --no-passphrase`` (or ``--json X``)
in a child process under an address-space cap, and prints one line per case: its name, the
exit code, the message (its first line) or "TRACEBACK", the child's peak resident memory and
the seconds it took; then "N of M refused in one sentence". A case counts as refused in one
sentence when the exit code is not 0, stderr is one line without a traceback, and no mission
file was left behind. A control case (a valid table) must import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

# --- workbooks --------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
SST_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
SMALL_ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>Kori elders</t></is></c></row>')


def _inline_row(texts: list[str]) -> str:
    return "<row>%s</row>" % "".join('<c t="inlineStr"><is><t>%s</t></is></c>' % t
                                     for t in texts)


def write_workbook(path: Path, sheet: str | Callable, strings: str | Callable = SST_HEAD
                   + "</sst>", *, workbook: str = WORKBOOK, drop: tuple[str, ...] = ()) -> None:
    """A minimal workbook; `sheet` and `strings` are text or a writer(stream) for big parts."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
                 "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
                 "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": strings}
        for name, content in parts.items():
            if name in drop:
                continue
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as stream:
                    content(stream)
            else:
                archive.writestr(name, content)


def _repeat(head: str, unit: str, count: int, tail: str) -> Callable:
    def write(stream) -> None:
        stream.write(head.encode())
        block = (unit * 10_000).encode()
        for _ in range(count // 10_000):
            stream.write(block)
        stream.write((unit * (count % 10_000)).encode())
        stream.write(tail.encode())
    return write


def xlsx_row_bomb(folder: Path) -> Path:
    """~400 MB of rows in a file of about a megabyte."""
    path = folder / "row-bomb.xlsx"
    row = _inline_row(["Armed group %s" % ("x" * 20), "5", "north"])
    count = 400 * MB // len(row)
    write_workbook(path, _repeat(SHEET_HEAD + _inline_row(["name", "influence", "region"]),
                                 row, count, SHEET_TAIL))
    return path


def xlsx_rows_under_size_cap(folder: Path) -> Path:
    """2 million short rows in 60 MB: under the size cap, stopped by the row count."""
    path = folder / "rows.xlsx"
    write_workbook(path, _repeat(SHEET_HEAD + _inline_row(["name"]), _inline_row(["ab"]),
                                 2_000_000, SHEET_TAIL))
    return path


def xlsx_shared_strings_bomb(folder: Path) -> Path:
    """5 million shared strings (90 MB inflated), which openpyxl would keep all in memory."""
    path = folder / "strings.xlsx"
    sheet = SHEET_HEAD + ('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" '
                          't="s"><v>1</v></c></row>') + SHEET_TAIL
    write_workbook(path, sheet, _repeat(SST_HEAD + "<si><t>name</t></si>", "<si><t>ab</t></si>",
                                        5_000_000, "</sst>"))
    return path


def xlsx_lying_size(folder: Path) -> Path:
    """A sheet of 50 MB whose zip central directory says 2 KB."""
    path = folder / "lying.xlsx"
    write_workbook(path, _repeat(SHEET_HEAD + _inline_row(["name"]), _inline_row(["ab"]),
                                 2_000_000, SHEET_TAIL))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.find(b"PK\x01\x02")
    while entry >= 0 and data[entry + 46:entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert entry >= 0 and data[entry + 24:entry + 28] != b"\xff\xff\xff\xff"
    data[entry + 24:entry + 28] = (2048).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    return path


def xlsx_dtd(folder: Path) -> Path:
    path = folder / "dtd.xlsx"
    write_workbook(path, SHEET_HEAD + SMALL_ROWS + SHEET_TAIL,
                   workbook=WORKBOOK.replace("?>\n", "?>\n<!DOCTYPE workbook>\n", 1))
    return path


def xlsx_billion_laughs(folder: Path) -> Path:
    path = folder / "laughs.xlsx"
    entities = '<!ENTITY lol "lol">' + "".join(
        '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10)
        for i in range(1, 10))
    strings = SST_HEAD.replace("?>\n", "?>\n<!DOCTYPE sst [%s]>\n" % entities, 1) + \
        "<si><t>name</t></si><si><t>&lol9;</t></si></sst>"
    sheet = SHEET_HEAD + ('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" '
                          't="s"><v>1</v></c></row>') + SHEET_TAIL
    write_workbook(path, sheet, strings)
    return path


def xlsx_xxe(folder: Path) -> Path:
    path = folder / "xxe.xlsx"
    sheet = SHEET_HEAD.replace(
        "?>\n", '?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', 1) + \
        ('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row><row r="2"><c r="A2"'
         ' t="inlineStr"><is><t>&xxe;</t></is></c></row>') + SHEET_TAIL
    write_workbook(path, sheet)
    return path


def xlsx_bad_xml(folder: Path) -> Path:
    path = folder / "bad-xml.xlsx"
    write_workbook(path, SHEET_HEAD + SMALL_ROWS + "<row><c><is><t>unclosed")
    return path


def xlsx_missing_part(folder: Path) -> Path:
    path = folder / "missing-part.xlsx"
    write_workbook(path, SHEET_HEAD + SMALL_ROWS + SHEET_TAIL, drop=("xl/workbook.xml",))
    return path


def xlsx_16384_columns(folder: Path) -> Path:
    path = folder / "wide.xlsx"
    write_workbook(path, SHEET_HEAD + _inline_row(["name"] + ["c%d" % i for i in range(16_383)])
                   + _inline_row(["Kori elders"]) + SHEET_TAIL)
    return path


def xlsx_control_character(folder: Path) -> Path:
    """XML 1.0 cannot hold an escape character, even as a character reference."""
    path = folder / "control.xlsx"
    write_workbook(path, SHEET_HEAD + _inline_row(["name", "description"])
                   + _inline_row(["Kori elders", "seen &#27;[31m in Kori"]) + SHEET_TAIL)
    return path


# --- CSV ------------------------------------------------------------------------------------


def _csv(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def csv_valid(folder: Path) -> Path:
    return _csv(folder, "valid.csv", "name,influence\nKori elders,3\nÉlysée group,4\n".encode())


def csv_100k_columns(folder: Path) -> Path:
    header = ",".join(["name"] + ["c%d" % i for i in range(99_999)])
    return _csv(folder, "wide.csv", (header + "\nKori elders\n").encode())


def csv_big_cell(folder: Path) -> Path:
    return _csv(folder, "big-cell.csv",
                ("name,description\nKori elders,%s\n" % ("x" * 200_000)).encode())


def csv_long_cell(folder: Path) -> Path:
    return _csv(folder, "long-cell.csv",
                ("name,description\nKori elders,%s\n" % ("x" * 40_000)).encode())


def csv_late_nul(folder: Path) -> Path:
    rows = "".join("Group %d,3\n" % i for i in range(2_000))
    return _csv(folder, "nul.csv", ("name,influence\n" + rows + "Bad\x00group,3\n").encode())


def csv_escape_sequence(folder: Path) -> Path:
    return _csv(folder, "escape.csv", b"name,influence\nKori \x1b[31melders,3\n")


def csv_noncharacter(folder: Path) -> Path:
    return _csv(folder, "nonchar.csv", "name,influence\nKori\ufffe elders,3\n".encode())


def csv_mixed_encoding(folder: Path) -> Path:
    return _csv(folder, "mixed.csv", "name\nÉlysée\n".encode() + "Comité\n".encode("cp1252"))


def csv_unterminated_quote(folder: Path) -> Path:
    return _csv(folder, "quote.csv", b'name,influence\nKori elders,3\n"Tatsi, 4\nBaro,2\n')


def csv_duplicate_headers(folder: Path) -> Path:
    return _csv(folder, "dup.csv", b"name,influence,influence\nKori elders,3,5\n")


def csv_too_many_rows(folder: Path) -> Path:
    return _csv(folder, "rows.csv",
                ("name\n" + "".join("Group %d\n" % i for i in range(150_000))).encode())


def csv_too_large(folder: Path) -> Path:
    path = folder / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"name,description\n")
        line = b"Group,%s\n" % (b"x" * 1000)
        for _ in range(70 * 1024):
            fh.write(line)
    return path


# --- JSON -----------------------------------------------------------------------------------


def _export(folder: Path) -> dict:
    mission = folder / "seed.mdesk"
    if not mission.exists():
        _run(["import", str(mission), "--stakeholders", str(csv_valid(folder)),
              "--no-passphrase"], folder)
        _run(["export", str(mission), "--format", "json", "-o", str(folder / "seed.json"),
              "--no-passphrase"], folder)
    return json.loads((folder / "seed.json").read_text(encoding="utf-8"))


def json_nested(folder: Path) -> Path:
    path = folder / "nested.json"
    path.write_text('{"format": "missiondesk", "stakeholders": ' + "[" * 200_000
                    + "]" * 200_000 + "}", encoding="utf-8")
    return path


def json_huge_revision(folder: Path) -> Path:
    export = _export(folder)
    export["stakeholders"][0]["revision"] = 10 ** 30
    path = folder / "revision.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return path


def json_control_character(folder: Path) -> Path:
    export = _export(folder)
    export["stakeholders"][0]["name"] = "Kori \x1b[31melders"
    path = folder / "control.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return path


CASES: list[tuple[str, str, Callable[[Path], Path]]] = [
    ("xlsx: 400 MB row bomb", "stakeholders", xlsx_row_bomb),
    ("xlsx: 2M rows under the size cap", "stakeholders", xlsx_rows_under_size_cap),
    ("xlsx: shared-strings bomb", "stakeholders", xlsx_shared_strings_bomb),
    ("xlsx: size in zip directory lies", "stakeholders", xlsx_lying_size),
    ("xlsx: DTD", "stakeholders", xlsx_dtd),
    ("xlsx: billion laughs", "stakeholders", xlsx_billion_laughs),
    ("xlsx: XXE", "stakeholders", xlsx_xxe),
    ("xlsx: malformed XML", "stakeholders", xlsx_bad_xml),
    ("xlsx: missing workbook part", "stakeholders", xlsx_missing_part),
    ("xlsx: 16,384 columns", "stakeholders", xlsx_16384_columns),
    ("xlsx: &#27; in a cell", "stakeholders", xlsx_control_character),
    ("csv: 100,000 columns", "stakeholders", csv_100k_columns),
    ("csv: 200,000-character cell", "stakeholders", csv_big_cell),
    ("csv: 40,000-character cell", "stakeholders", csv_long_cell),
    ("csv: NUL after 4 KB", "stakeholders", csv_late_nul),
    ("csv: terminal escape in a name", "stakeholders", csv_escape_sequence),
    ("csv: Unicode non-character", "stakeholders", csv_noncharacter),
    ("csv: mixed UTF-8 and cp1252", "stakeholders", csv_mixed_encoding),
    ("csv: unterminated quote", "stakeholders", csv_unterminated_quote),
    ("csv: duplicated header", "stakeholders", csv_duplicate_headers),
    ("csv: 150,000 rows", "stakeholders", csv_too_many_rows),
    ("csv: 70 MB file", "stakeholders", csv_too_large),
    ("json: nested 200,000 deep", "json", json_nested),
    ("json: revision 10**30", "json", json_huge_revision),
    ("json: escape character in a name", "json", json_control_character),
]
CONTROL = ("control: a valid table", "stakeholders", csv_valid)


def _run(arguments: list[str], folder: Path, cap_mb: int = 0) -> tuple[int, str, float, float]:
    """Run the CLI; (exit code, stderr, peak RSS in MB, seconds)."""
    def limit() -> None:
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb * MB, cap_mb * MB))

    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen",
               HOME=str(folder / "home"), XDG_DATA_HOME=str(folder / "home" / "data"),
               XDG_CONFIG_HOME=str(folder / "home" / "config"))
    env.pop("MISSIONDESK_PASSPHRASE", None)
    err_path = folder / "stderr.txt"
    started = time.perf_counter()
    with err_path.open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "missiondesk", *arguments],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=err, env=env, cwd=folder, preexec_fn=limit)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    return (process.returncode, err_path.read_text(encoding="utf-8", errors="replace"),
            usage.ru_maxrss / 1024, seconds)


def run_case(folder: Path, name: str, kind: str, build: Callable[[Path], Path],
             cap_mb: int) -> tuple[bool, str]:
    work = folder / ("case-%d" % abs(hash(name)))
    work.mkdir()
    (work / "home").mkdir()
    source = build(work)
    target = work / "NEW.mdesk"
    option = "--json" if kind == "json" else "--stakeholders"
    code, stderr, peak, seconds = _run(["import", str(target), option, str(source),
                                        "--no-passphrase"], work, cap_mb)
    lines = [line for line in stderr.splitlines() if line.strip()]
    traceback = "Traceback" in stderr
    # One problem: one line, or "Nothing was imported: 1 problem" and the problem's line.
    message = "TRACEBACK" if traceback else (lines[-1] if lines else "(no message)")
    message = message.replace(str(work) + os.sep, "")
    refused = (code != 0 and not traceback and 1 <= len(lines) <= 2
               and not any(p.name.startswith(("NEW.mdesk", ".NEW.mdesk"))
                           for p in work.iterdir()))
    if len(message) > 110:
        message = message[:107] + "..."
    print("%-36s %4d  %7.1f  %6.2f  %s" % (name, code, peak, seconds, message), flush=True)
    return refused, "%d bytes" % source.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="run the cases whose name holds this text")
    parser.add_argument("--cap-mb", type=int, default=3000,
                        help="address-space cap of each child, in MB (0: none)")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or args.only.lower() in c[0].lower()]
    print("%-36s %4s  %7s  %6s  %s" % ("case", "exit", "peak MB", "sec", "message"))
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        name, kind, build = CONTROL
        run_case(folder, name, kind, build, args.cap_mb)
        imported = (folder / ("case-%d" % abs(hash(name))) / "NEW.mdesk").exists()
        refused = sum(run_case(folder, *case, args.cap_mb)[0] for case in cases)
    print()
    print("control case imported: %s" % ("yes" if imported else "NO"))
    print("%d of %d refused in one sentence" % (refused, len(cases)))
    return 0 if imported and refused == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
