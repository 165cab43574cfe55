"""The registers as tables: `export FILE --format csv|xlsx -o OUT` (DESIGN.md).

One sheet per register — stakeholders, relationships, engagements, commitments, the
indicators' measurements — with
readable cells: people and stakeholders by name (never an id), vocabulary values as their
codes, dates in ISO form (an engagement's start in the mission's time zone). Each sheet is
marked with the highest classification of what it holds: its rows' own levels and those of
the stakeholders it names. CSV: a folder with one file per register, first line
``# CLASSIFICATION`` (which the importers skip). XLSX: one workbook, the marking in every
sheet's page header and footer and first row.

The columns are those the importers read, so an exported sheet imports again: the
stakeholder and relationship sheets are what `stakeholder_import` and `relationship_import`
read, the engagement sheet exactly `engagement_import.COLUMNS`, the measurement sheet
`measurement_import.COLUMNS`.

Rows stream from the mission file a batch at a time (the large mission's 200,000 engagements
are never held at once); the workbook is written in openpyxl's write-only mode, each sheet's
rows kept in the private temporary folder (never the system's) until the workbook is zipped.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from missiondesk.services.names import fold
from missiondesk.store.handle import MissionHandle
from missiondesk.store.vocab import Classification

#: The registers, in the order of the workbook's sheets.
REGISTERS = ("stakeholders", "relationships", "engagements", "commitments", "measurements")
#: Sheet titles of the workbook and file names of the CSV folder (data, not prose: the
#: engagement importer finds its sheet by this name).
SHEET_TITLES = {"stakeholders": "Stakeholders", "relationships": "Relationships",
                "engagements": "Engagements", "commitments": "Commitments",
                "measurements": "Measurements"}

#: Columns of each register. Stakeholders and relationships: the importers' own columns
#: (`last_engaged` is one the stakeholder importer recognises and ignores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "stakeholders": ("name", "aliases", "kind", "category", "description", "region",
                     "influence", "interest", "stance", "stance_mission", "perception",
                     "owner", "tags", "classification", "last_engaged"),
    "relationships": ("source", "target", "type", "strength", "valence", "status",
                      "valid_from", "valid_to", "confidence", "source_note", "notes",
                      "classification"),
    "engagements": ("date", "duration_minutes", "lead", "participants", "counterparts",
                    "format", "political", "location", "purpose", "outcomes",
                    "classification"),
    "commitments": ("text", "by_mission", "committed_by", "owner", "engagements", "type",
                    "due_date", "status", "verification", "evidence", "provision",
                    "classification"),
    # the indicators' measurements: exactly `measurement_import.COLUMNS`
    "measurements": ("indicator", "date", "value", "note", "source"),
}

#: Rows read from the mission file at once.
BATCH = 1000
#: Separator of names inside a cell (what the importers split on).
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class RegisterCount:
    register: str
    rows: int
    classification: str
    path: Path


# --- small readers --------------------------------------------------------------------------


def _level(value: Any) -> Classification:
    """A stored level; anything unknown counts as the most restrictive."""
    try:
        return Classification(value)
    except ValueError:
        return Classification.STRICTLY_CONFIDENTIAL


def _names(conn, table: str) -> dict[str, str]:
    """id -> name of every row of `table` (team members, stakeholders: a few thousand)."""
    return dict(conn.execute(text("SELECT id, name FROM %s" % table)).all())


def mission_zone(conn) -> ZoneInfo:
    """The mission's time zone on an open connection (`services.clock.zone`'s rule)."""
    from missiondesk.services.clock import zone

    return zone(conn.execute(text("SELECT time_zone FROM mission LIMIT 1")).scalar())


def local_text(starts_at: datetime | str | None, zone: ZoneInfo) -> str:
    """A stored UTC start as the mission's local "YYYY-MM-DD HH:MM"."""
    if starts_at is None:
        return ""
    if isinstance(starts_at, str):
        starts_at = datetime.fromisoformat(starts_at)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _json_list(value: Any) -> list[str]:
    import json

    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _day(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _yes_no(value: Any) -> str:
    return "yes" if value in (True, 1, "1") else "no"


def _chunks(ids: Sequence[str], size: int = 900) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _in(ids: Sequence[str]) -> str:
    return ", ".join("?" * len(ids))


# --- levels ---------------------------------------------------------------------------------

#: The levels each register's sheet holds: its live rows' and the stakeholders they name.
_LEVEL_SQL = {
    "stakeholders": ["SELECT DISTINCT classification FROM stakeholders "
                     "WHERE deleted_at IS NULL"],
    "relationships": [
        "SELECT DISTINCT classification FROM relationships WHERE deleted_at IS NULL",
        "SELECT DISTINCT s.classification FROM relationships AS r JOIN stakeholders AS s "
        "ON s.id IN (r.source_id, r.target_id) WHERE r.deleted_at IS NULL"],
    "engagements": [
        "SELECT DISTINCT classification FROM engagements WHERE deleted_at IS NULL",
        "SELECT DISTINCT s.classification FROM engagement_counterparts AS c "
        "JOIN engagements AS e ON e.id = c.engagement_id "
        "JOIN stakeholders AS s ON s.id = c.stakeholder_id "
        "WHERE c.deleted_at IS NULL AND e.deleted_at IS NULL"],
    "commitments": [
        "SELECT DISTINCT classification FROM commitments WHERE deleted_at IS NULL",
        "SELECT DISTINCT s.classification FROM commitments AS m "
        "JOIN stakeholders AS s ON s.id = m.committed_by_id WHERE m.deleted_at IS NULL",
        "SELECT DISTINCT e.classification FROM commitment_engagements AS l "
        "JOIN commitments AS m ON m.id = l.commitment_id "
        "JOIN engagements AS e ON e.id = l.engagement_id "
        "WHERE l.deleted_at IS NULL AND m.deleted_at IS NULL AND e.deleted_at IS NULL"],
    "measurements": [
        "SELECT DISTINCT classification FROM measurements WHERE deleted_at IS NULL",
        "SELECT DISTINCT i.classification FROM measurements AS m "
        "JOIN indicators AS i ON i.id = m.indicator_id WHERE m.deleted_at IS NULL"],
}


def register_level(handle: MissionHandle, register: str) -> str:
    """The highest classification the register's sheet holds (UNCLASSIFIED when empty)."""
    levels: set = set()
    with handle.session() as session:
        conn = session.connection()
        for sql in _LEVEL_SQL[register]:
            levels.update(conn.execute(text(sql)).scalars())
    levels.discard(None)
    return Classification.highest(_level(v) for v in levels).value


def register_count(handle: MissionHandle, register: str) -> int:
    with handle.session() as session:
        return session.connection().execute(text(
            "SELECT count(*) FROM %s WHERE deleted_at IS NULL" % register)).scalar() or 0


# --- rows -----------------------------------------------------------------------------------


def _keyset(conn, table: str, columns: str, order: str) -> Iterator[Any]:
    """The live rows of `table`, `BATCH` at a time, in (`order`, id) order (keyset paging:
    each batch one index range, nothing held between batches)."""
    last: tuple | None = None
    while True:
        where = "deleted_at IS NULL"
        params: dict = {"n": BATCH}
        if last is not None:
            where += " AND (%s, id) > (:k, :i)" % order
            params.update(k=last[0], i=last[1])
        batch = conn.execute(text(
            "SELECT %s, %s AS k_, id AS i_ FROM %s WHERE %s ORDER BY %s, id LIMIT :n"
            % (columns, order, table, where, order)), params).mappings().all()
        if not batch:
            return
        yield batch
        last = (batch[-1]["k_"], batch[-1]["i_"])


def register_rows(handle: MissionHandle, register: str) -> Iterator[list]:
    """The register's rows, cells in `COLUMNS[register]` order, streamed (names in a cell
    sorted, so the same records give the same cells in any mission)."""
    with handle.session() as session:
        conn = session.connection()
        yield from _ROWS[register](conn)


def _stakeholder_rows(conn) -> Iterator[list]:
    members = _names(conn, "team_members")
    for batch in _keyset(conn, "stakeholders", "name, aliases, kind, category, description, "
                         "regions, influence, interest, stance_peace, stance_mission, "
                         "perception, owner_id, tags, classification", "name_key"):
        ids = [r["i_"] for r in batch]
        last = dict(conn.exec_driver_sql(
            "SELECT c.stakeholder_id, max(c.starts_at) FROM engagement_counterparts AS c "
            "JOIN engagements AS e ON e.id = c.engagement_id "
            "WHERE c.deleted_at IS NULL AND e.deleted_at IS NULL AND c.stakeholder_id IN (%s) "
            "GROUP BY c.stakeholder_id" % _in(ids), tuple(ids)).all())
        for r in batch:
            yield [r["name"], LIST_SEPARATOR.join(_json_list(r["aliases"])), r["kind"],
                   r["category"], r["description"], LIST_SEPARATOR.join(
                       _json_list(r["regions"])), r["influence"], r["interest"],
                   r["stance_peace"], r["stance_mission"], r["perception"],
                   members.get(r["owner_id"], ""), LIST_SEPARATOR.join(_json_list(r["tags"])),
                   r["classification"], _day(last.get(r["i_"]))]


def _relationship_rows(conn) -> Iterator[list]:
    people = _names(conn, "stakeholders")
    for batch in _keyset(conn, "relationships", "source_id, target_id, type, strength, "
                         "valence, status, valid_from, valid_to, confidence, evidence_note, "
                         "notes, classification", "created_at"):
        for r in batch:
            yield [people.get(r["source_id"], ""), people.get(r["target_id"], ""), r["type"],
                   r["strength"], r["valence"], r["status"], r["valid_from"], r["valid_to"],
                   r["confidence"], r["evidence_note"], r["notes"], r["classification"]]


def _engagement_rows(conn) -> Iterator[list]:
    members = _names(conn, "team_members")
    people = _names(conn, "stakeholders")
    zone = mission_zone(conn)
    for batch in _keyset(conn, "engagements", "starts_at, duration_minutes, format, "
                         "political, location, purpose, outcomes, classification",
                         "starts_at"):
        ids = [r["i_"] for r in batch]
        leads: dict[str, list[str]] = {}
        others: dict[str, list[str]] = {}
        for engagement_id, member_id, is_lead in conn.exec_driver_sql(
                "SELECT engagement_id, team_member_id, is_lead FROM engagement_participants "
                "WHERE deleted_at IS NULL AND engagement_id IN (%s) ORDER BY created_at, id"
                % _in(ids), tuple(ids)):
            (leads if is_lead else others).setdefault(engagement_id, []).append(
                members.get(member_id, ""))
        met: dict[str, list[str]] = {}
        for engagement_id, stakeholder_id in conn.exec_driver_sql(
                "SELECT engagement_id, stakeholder_id FROM engagement_counterparts "
                "WHERE deleted_at IS NULL AND engagement_id IN (%s) ORDER BY created_at, id"
                % _in(ids), tuple(ids)):
            met.setdefault(engagement_id, []).append(people.get(stakeholder_id, ""))
        for r in batch:
            eid = r["i_"]
            lead = leads.get(eid, [])
            yield [local_text(r["starts_at"], zone), r["duration_minutes"],
                   lead[0] if lead else "",
                   LIST_SEPARATOR.join(sorted(lead[1:] + others.get(eid, []), key=fold)),
                   LIST_SEPARATOR.join(sorted(met.get(eid, []), key=fold)), r["format"],
                   _yes_no(r["political"]),
                   r["location"], r["purpose"], r["outcomes"], r["classification"]]


def _commitment_rows(conn) -> Iterator[list]:
    members = _names(conn, "team_members")
    people = _names(conn, "stakeholders")
    provisions = {pid: "%s, %s" % (name, reference) for pid, name, reference in conn.execute(
        text("SELECT p.id, a.name, p.reference FROM agreement_provisions AS p "
             "JOIN agreements AS a ON a.id = p.agreement_id")).all()}
    zone = mission_zone(conn)
    for batch in _keyset(conn, "commitments", "text, by_mission, committed_by_id, owner_id, "
                         "commitment_type, due_date, status, verification, evidence, "
                         "provision_id, classification", "created_at"):
        ids = [r["i_"] for r in batch]
        sources: dict[str, list[str]] = {}
        for commitment_id, starts_at, title in conn.exec_driver_sql(
                "SELECT l.commitment_id, e.starts_at, e.title FROM commitment_engagements AS l "
                "JOIN engagements AS e ON e.id = l.engagement_id "
                "WHERE l.deleted_at IS NULL AND e.deleted_at IS NULL AND l.commitment_id IN "
                "(%s) ORDER BY e.starts_at" % _in(ids), tuple(ids)):
            sources.setdefault(commitment_id, []).append(
                "%s %s" % (local_text(starts_at, zone)[:10], title))
        for r in batch:
            yield [r["text"], _yes_no(r["by_mission"]), people.get(r["committed_by_id"], ""),
                   members.get(r["owner_id"], ""),
                   LIST_SEPARATOR.join(sources.get(r["i_"], [])), r["commitment_type"],
                   _day(r["due_date"]), r["status"], r["verification"], r["evidence"],
                   provisions.get(r["provision_id"], ""), r["classification"]]


def _measurement_rows(conn) -> Iterator[list]:
    from missiondesk.services.measurement_import import split_note

    indicators = _names(conn, "indicators")
    for batch in _keyset(conn, "measurements", "indicator_id, measured_on, value, note",
                         "measured_on"):
        for r in batch:
            note, source = split_note(r["note"])
            value = r["value"]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            yield [indicators.get(r["indicator_id"], ""), _day(r["measured_on"]), value,
                   note, source]


_ROWS = {"stakeholders": _stakeholder_rows, "relationships": _relationship_rows,
         "engagements": _engagement_rows, "commitments": _commitment_rows,
         "measurements": _measurement_rows}


# --- writing --------------------------------------------------------------------------------


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterator[list]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows:
            self.count += 1
            yield row


def write_registers(handle: MissionHandle, out: str | Path, fmt: str) -> list[RegisterCount]:
    """Write the registers to `out`: "csv" a folder (created if missing; its parent
    must exist) of `<register>.csv` files, "xlsx" one workbook. Each file is written in the
    private temporary folder and moved into place when complete. Raises FolderMissing when
    the parent folder does not exist, OSError when it cannot write, ValueError for an
    unknown format."""
    from missiondesk.services.table_io import export_table
    from missiondesk.store.errors import FolderMissing

    if fmt not in ("csv", "xlsx"):
        raise ValueError("unknown register format: %s" % fmt)
    out = Path(out)
    if not out.absolute().parent.is_dir():
        raise FolderMissing(path=str(out.absolute().parent))
    counts: list[RegisterCount] = []
    if fmt == "csv":
        out.mkdir(exist_ok=True)
        for register in REGISTERS:
            level = register_level(handle, register)
            rows = _Counted(register_rows(handle, register))
            path = out / ("%s.csv" % register)
            export_table(path, COLUMNS[register], rows, level, "csv")
            counts.append(RegisterCount(register, rows.count, level, path))
        return counts
    from missiondesk.staging import staged_file

    with staged_file(out) as partial:
        counts = _write_workbook(handle, partial, out)
    return counts


def _write_workbook(handle: MissionHandle, partial: Path, out: Path) -> list[RegisterCount]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from missiondesk.paths import private_temp_dir
    from missiondesk.services.table_io import _text_only, export_value

    workbook = Workbook(write_only=True)
    scratch: list[str] = []
    counts: list[RegisterCount] = []
    bold, red = Font(bold=True), Font(bold=True, color="B3261E")
    try:
        for register in REGISTERS:
            level = register_level(handle, register)
            sheet = workbook.create_sheet(SHEET_TITLES[register])
            _keep_rows_private(sheet, private_temp_dir(), scratch)
            for part in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader,
                         sheet.evenFooter, sheet.firstHeader, sheet.firstFooter):
                part.center.text = level
                part.center.font = "Arial,Bold"
                part.center.color = "B3261E"
            sheet.freeze_panes = "A3"

            def cell(value, font=None, sheet=sheet):
                if isinstance(value, str):
                    value = _text_only(value)
                made = WriteOnlyCell(sheet, value=value)
                if made.data_type == "f":  # a text starting with "=" stays text
                    made.data_type = "s"
                if font is not None:
                    made.font = font
                return made

            sheet.append([cell(level, red)])
            sheet.append([cell(h, bold) for h in COLUMNS[register]])
            count = 0
            for row in register_rows(handle, register):
                sheet.append([cell(export_value(v)) for v in row])
                count += 1
            counts.append(RegisterCount(register, count, level, out))
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            workbook.save(fh)
    finally:
        for name in scratch:
            Path(name).unlink(missing_ok=True)
            _forget_temp(name)
    return counts


def _keep_rows_private(sheet, folder: Path, scratch: list[str]) -> None:
    """openpyxl's write-only sheet keeps its rows in a file of the system's temporary folder
    until the workbook is saved: give it one in the owner-only folder instead."""
    try:
        from openpyxl.worksheet._writer import ALL_TEMP_FILES, WorksheetWriter
    except ImportError:  # pragma: no cover - another openpyxl layout: its default stands
        return
    fd, name = tempfile.mkstemp(dir=folder, suffix=".xml")
    os.close(fd)
    scratch.append(name)
    ALL_TEMP_FILES.append(name)  # openpyxl's cleanup after saving removes it from there
    sheet._writer = WorksheetWriter(sheet, out=name)
    sheet._writer.write_top()


def _forget_temp(name: str) -> None:
    try:
        from openpyxl.worksheet._writer import ALL_TEMP_FILES
    except ImportError:  # pragma: no cover
        return
    while name in ALL_TEMP_FILES:
        ALL_TEMP_FILES.remove(name)
