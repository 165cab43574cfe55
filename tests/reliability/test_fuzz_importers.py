"""Importer fuzzing: random and mutated files for the stakeholder and relationship table
imports (CSV, XLSX) and the JSON import.

Whatever the file, an import either succeeds or raises one of the typed errors
(`MissionError`), whose sentence (`messages.error_text`) is non-empty and names no bare
problem code, and a failed import leaves the mission's export exactly as it was. Each example
works on a fresh copy of a prepared mission file. Few examples here; many in
`python tests/perf/fuzz_importers.py`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missiondesk.messages import error_text, import_problem_text
from missiondesk.store.errors import BadImport, MissionError

SUITE_EXAMPLES = 15

# --- the prepared missions -----------------------------------------------------------------

BASE_NAMES = ["Alpha Group", "Beta Council (BC)", "Gamma Front", "Delta Women's Network",
              "Élodie Mbeki"]


def prepare_missions(folder: Path) -> dict[str, Path]:
    """A small populated mission (table imports) and an empty one (the JSON import), plain:
    encryption does not change what an importer does, and plain files open fast."""
    from missiondesk.services import relationships, stakeholders, team
    from missiondesk.store.handle import NewMission, create_mission

    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(folder / "home")
    try:
        populated = folder / "populated.mdesk"
        handle = create_mission(populated, None, NewMission(name="Fuzz"))
        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            team.add_team_member(uow, name="Amina Diallo")
            ids = [stakeholders.create_stakeholder(uow, name=n, aliases=["A%d" % i],
                                                   tags=["fuzz"]).id
                   for i, n in enumerate(BASE_NAMES)]
            uow.session.flush()
            relationships.create_relationship(uow, source_id=ids[0], target_id=ids[1],
                                              type="allied_with")
        from missiondesk.services.interchange import export_mission

        document = export_mission(handle)
        handle.close()
        empty = folder / "empty.mdesk"
        create_mission(empty, None, NewMission(name="Empty")).close()
        (folder / "export.json").write_text(json.dumps(document), encoding="utf-8")
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous
    return {"populated": populated, "empty": empty, "export": folder / "export.json"}


# --- running one case ----------------------------------------------------------------------


class Case:
    """A fresh copy of a prepared mission, opened; its export before the import."""

    def __init__(self, source: Path) -> None:
        from missiondesk.services.interchange import export_mission
        from missiondesk.store.handle import open_mission

        self.folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=source.parent))
        self.path = self.folder / "m.mdesk"
        shutil.copyfile(source, self.path)
        self.handle = open_mission(self.path)
        self.handle.set_user(None, "Fuzzer")
        self.before = export_mission(self.handle)

    def unchanged(self) -> bool:
        from missiondesk.services.interchange import export_mission

        return export_mission(self.handle) == self.before

    def close(self) -> None:
        self.handle.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def assert_clear_message(exc: MissionError) -> None:
    text = error_text(exc)
    assert text.strip(), "no message for %s" % exc.code
    if isinstance(exc, BadImport):
        for code, params in exc.params.get("problems", []):
            line = import_problem_text(code, params)
            assert line.strip() and line != code, "problem %r has no sentence" % code


def table_import(handle, path: Path, kind: str) -> None:
    """What the import dialog and the CLI do: read, map, plan, refuse problems, apply."""
    from missiondesk.services import relationship_import, stakeholder_import
    from missiondesk.services.table_io import read_table

    raw = read_table(path)
    if kind == "stakeholders":
        plan = stakeholder_import.plan_stakeholder_import(
            handle, raw, stakeholder_import.map_headers(raw.headers))
        apply = stakeholder_import.apply_stakeholder_import
    else:
        plan = relationship_import.plan_relationship_import(
            handle, raw, relationship_import.map_headers(raw.headers))
        apply = relationship_import.apply_relationship_import
    if plan.problems or plan.problem_count:
        raise BadImport(problems=list(plan.problems))
    with handle.unit_of_work() as uow:
        apply(uow, plan)


def run_table_case(source: Path, kind: str, suffix: str, data: bytes) -> str:
    """One example; returns "imported" or the error code. Anything untyped fails the test."""
    case = Case(source)
    try:
        path = case.folder / ("input" + suffix)
        path.write_bytes(data)
        try:
            table_import(case.handle, path, kind)
        except MissionError as exc:
            assert_clear_message(exc)
            assert case.unchanged(), "a failed import changed the mission"
            return exc.code
        return "imported"
    finally:
        case.close()


def run_json_case(source: Path, document) -> str:
    from missiondesk.services.interchange import import_mission

    case = Case(source)
    try:
        try:
            with case.handle.unit_of_work() as uow:
                import_mission(uow, document)
        except MissionError as exc:
            assert_clear_message(exc)
            assert case.unchanged(), "a failed import changed the mission"
            return exc.code
        return "imported"
    finally:
        case.close()


# --- strategies ----------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=25)
_ANY_TEXT = st.text(max_size=25)  # control characters, line breaks, quotes included

STAKEHOLDER_HEADERS = ["Name", "Aliases", "Kind", "Category", "Description", "Region",
                       "Influence", "Interest", "Stance", "Stance mission", "Perception",
                       "Owner", "Tags", "Classification", "Priority", "nom", "Intérêt", "id"]
STAKEHOLDER_VALUES = BASE_NAMES + [
    "New Person", "1", "5", "0", "6", "3.5", "-1", "1e9", "individual", "Armed group",
    "state_security_force", "supportive", "hostile", "Amina Diallo", "Nobody", "a;b|c",
    "CONFIDENTIAL", "STRICTLY CONFIDENTIAL", "TOP SECRET", "=cmd|' /C calc'!A0", "x" * 400, "",
]
RELATIONSHIP_HEADERS = ["Source", "Target", "Type", "Strength", "Valence", "Status",
                        "Valid from", "Valid to", "Confidence", "Source note", "Notes",
                        "Classification", "de", "vers", "Symmetric", "id"]
RELATIONSHIP_VALUES = BASE_NAMES + [
    "BC", "A0", "Nobody", "allied_with", "Allied with", "leads", "member_of", "hostile_to",
    "funds", "zzz", "1", "5", "0", "9", "-2", "+1", "active", "ended", "2024-01-01",
    "2024-13-40", "2023", "2025-06", "31/12/2024", "confirmed", "probable", "doubtful",
    "CONFIDENTIAL", "TOP SECRET", "", "x" * 300,
]


def _cell(values) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), _TEXT)


def _table(headers, values, cell_text=None):
    cell = _cell(values) if cell_text is None else cell_text
    header_row = st.lists(st.one_of(st.sampled_from(headers), _TEXT), min_size=0, max_size=8)
    return header_row.flatmap(lambda head: st.tuples(
        st.just(head),
        st.lists(st.lists(cell, min_size=0, max_size=len(head) + 2), max_size=8),
        st.sampled_from([None, "# CONFIDENTIAL", "UNCLASSIFIED", "# BOGUS"])))


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for op, where, value in edits:
        if not out:
            out.extend(value)
            continue
        at = where % (len(out) + 1)
        if op == "flip" and at < len(out):
            out[at] ^= value[0] if value else 0xFF
        elif op == "insert":
            out[at:at] = value
        elif op == "delete":
            del out[at:at + max(1, len(value))]
        elif op == "truncate":
            del out[at:]
    return bytes(out)


_EDITS = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate"]),
                            st.integers(0, 1 << 20), st.binary(min_size=0, max_size=6)),
                  min_size=1, max_size=4)


def csv_bytes(headers, values) -> st.SearchStrategy[bytes]:
    def write(args):
        (head, rows, marking), delimiter, encoding, edits = args
        buffer = io.StringIO()
        if marking:
            buffer.write(marking + "\n")
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(head)
        writer.writerows(rows)
        data = buffer.getvalue().encode(encoding, errors="replace")
        return _mutate(data, edits) if edits else data

    structured = st.tuples(_table(headers, values, _cell(values) | _ANY_TEXT),
                           st.sampled_from([",", ";", "\t", "|"]),
                           st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
                           st.one_of(st.just([]), _EDITS)).map(write)
    return st.one_of(structured, st.binary(max_size=300))


def xlsx_bytes(headers, values) -> st.SearchStrategy[bytes]:
    def write(args):
        from openpyxl import Workbook

        (head, rows, marking), edits, sheets = args
        book = Workbook()
        sheet = book.active
        if marking:
            sheet.append([marking])
        sheet.append(head)
        for row in rows:
            sheet.append(row)
        for number in range(sheets):
            book.create_sheet("extra %d" % number).append(["Name", "not this one"])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        return _mutate(data, edits) if edits else data

    structured = st.tuples(_table(headers, values),
                           st.one_of(st.just([]), st.just([]), _EDITS),
                           st.integers(0, 1)).map(write)
    return st.one_of(structured, st.binary(max_size=300),
                     st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))


_JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
                       st.floats(allow_nan=False), _ANY_TEXT,
                       st.sampled_from(["2024-01-01", "2024-01-01T10:00:00", "not a date",
                                        "CONFIDENTIAL", "allied_with", "missiondesk"]))
_JSON = st.recursive(_JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)), max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def json_documents(export: dict) -> st.SearchStrategy:
    """The export with a few of its values replaced, removed, or keys added; or any JSON."""
    paths = list(_paths(export))

    def mutate(args):
        edits = args
        doc = json.loads(json.dumps(export))
        for where, op, value in edits:
            path = paths[where % len(paths)]
            if not path:
                if op == "replace":
                    doc = value
                continue
            parent = doc
            try:
                for step in path[:-1]:
                    parent = parent[step]
                last = path[-1]
                if op == "replace":
                    parent[last] = value
                elif op == "delete":
                    del parent[last]
                elif op == "add" and isinstance(parent, dict):
                    parent[str(value)[:20]] = value
                elif op == "add" and isinstance(parent, list):
                    parent.append(value)
            except (KeyError, IndexError, TypeError):
                continue
        return doc

    edits = st.lists(st.tuples(st.integers(0, 10 ** 6),
                               st.sampled_from(["replace", "delete", "add"]), _JSON),
                     min_size=1, max_size=4)
    return st.one_of(edits.map(mutate), _JSON)


STAKEHOLDER_CSV = csv_bytes(STAKEHOLDER_HEADERS, STAKEHOLDER_VALUES)
STAKEHOLDER_XLSX = xlsx_bytes(STAKEHOLDER_HEADERS, STAKEHOLDER_VALUES)
RELATIONSHIP_CSV = csv_bytes(RELATIONSHIP_HEADERS, RELATIONSHIP_VALUES)
RELATIONSHIP_XLSX = xlsx_bytes(RELATIONSHIP_HEADERS, RELATIONSHIP_VALUES)

#: importer name -> (kind, suffix, strategy) for the table importers
TABLE_IMPORTERS = {
    "stakeholders-csv": ("stakeholders", ".csv", STAKEHOLDER_CSV),
    "stakeholders-xlsx": ("stakeholders", ".xlsx", STAKEHOLDER_XLSX),
    "relationships-csv": ("relationships", ".csv", RELATIONSHIP_CSV),
    "relationships-xlsx": ("relationships", ".xlsx", RELATIONSHIP_XLSX),
}


# --- the suite -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def missions(tmp_path_factory):
    return prepare_missions(tmp_path_factory.mktemp("fuzz"))


SUITE = settings(max_examples=SUITE_EXAMPLES, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("importer", sorted(TABLE_IMPORTERS))
def test_table_importers_fail_only_with_typed_errors_and_change_nothing(missions, importer):
    kind, suffix, strategy = TABLE_IMPORTERS[importer]

    @SUITE
    @given(data=strategy)
    def check(data):
        run_table_case(missions["populated"], kind, suffix, data)

    check()


def test_json_import_fails_only_with_typed_errors_and_changes_nothing(missions):
    export = json.loads(missions["export"].read_text(encoding="utf-8"))

    @SUITE
    @given(document=json_documents(export))
    def check(document):
        run_json_case(missions["empty"], document)

    check()


def test_the_unmutated_files_do_import(missions, tmp_path):
    """Control: the generators' valid shapes import, so the fuzzing reaches the writes."""
    from openpyxl import Workbook

    people = tmp_path / "people.csv"
    people.write_text("Name,Influence,Tags\nNew Person,4,a;b\n", encoding="utf-8")
    assert run_table_case(missions["populated"], "stakeholders", ".csv",
                          people.read_bytes()) == "imported"
    book = Workbook()
    book.active.append(["Source", "Target", "Type"])
    book.active.append(["Gamma Front", "BC", "allied_with"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert zipfile.is_zipfile(io.BytesIO(buffer.getvalue()))
    assert run_table_case(missions["populated"], "relationships", ".xlsx",
                          buffer.getvalue()) == "imported"
    export = json.loads(missions["export"].read_text(encoding="utf-8"))
    assert run_json_case(missions["empty"], export) == "imported"


# --- what the long fuzzing run found, as fixed examples ------------------------------------


def _damaged_deflate_xlsx() -> bytes:
    """A workbook whose sheet's deflate stream is broken inside an intact zip directory."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "Influence"])
    for number in range(200):
        book.active.append(["Person %d" % number, 1 + number % 5])
    buffer = io.BytesIO()
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 10, start + info.compress_size - 10, 7):
        data[offset] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("kind", ["stakeholders", "relationships"])
def test_xlsx_with_a_broken_deflate_stream_is_refused_as_damaged(missions, kind):
    assert run_table_case(missions["populated"], kind, ".xlsx",
                          _damaged_deflate_xlsx()) == "bad_import"


def test_json_record_lacking_an_optional_field_is_imported_or_refused(missions):
    """A record without a key the record before it has (a hand-edited export)."""
    export = json.loads(missions["export"].read_text(encoding="utf-8"))
    assert len(export["stakeholders"]) >= 2
    del export["stakeholders"][1]["perception_evidence"]
    assert run_json_case(missions["empty"], export) in ("imported", "bad_import")


# --- hostile files (issue 8): one typed problem each, with a sentence; the mission unchanged --

HOSTILE_FILES = ["xlsx_dtd", "xlsx_billion_laughs", "xlsx_xxe", "xlsx_bad_xml",
                 "xlsx_missing_part", "xlsx_16384_columns", "csv_100k_columns", "csv_big_cell",
                 "csv_late_nul", "csv_mixed_encoding", "csv_unterminated_quote",
                 "csv_duplicate_headers", "csv_escape_sequence", "csv_noncharacter"]


@pytest.mark.parametrize("build", HOSTILE_FILES)
def test_hostile_tables_are_refused_with_a_sentence(missions, tmp_path, build):
    from tests.perf import hostile_inputs

    path = getattr(hostile_inputs, build)(tmp_path)
    assert run_table_case(missions["populated"], "stakeholders", path.suffix,
                          path.read_bytes()) == "bad_import"
