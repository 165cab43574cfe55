"""Engagements from a CSV or XLSX table: recognise the columns, plan, then apply in one go.

The flow is the stakeholder importer's (`stakeholder_import`)::

    raw = read_engagement_table(path)                   # BadImport for unreadable files
    mapping = map_headers(raw.headers)                  # column index -> known column or None
    plan = plan_engagement_import(handle, raw, mapping) # reads only; every problem listed
    with handle.unit_of_work() as uow:
        apply_engagement_import(uow, plan)              # all rows or none

The columns are `COLUMNS` (what `register_export` writes, so an exported sheet imports
again), plus an optional `title`. `date` is the start in the mission's time zone
(``2025-05-14`` or ``2025-05-14 09:30``), `lead` one team member, `participants` the other
team members and `counterparts` the stakeholders met, several separated by ";" — team
members by name, stakeholders by name or alias (case, accents and spacing ignored, as the
relationship importer matches them: an alias two stakeholders share is an error naming
both). `format` and `classification` are codes; `political` yes or no. Without a `title`
column, the title is the first line of the purpose, else the counterparts' names.

A row that matches a live engagement — the same start, lead, format and counterparts — is
left as it is, so importing the same file twice never duplicates. Each failure is a problem
with the row and column as the user sees them in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from sqlalchemy import select

from missiondesk.services import clock, engagements
from missiondesk.services.names import fold
from missiondesk.services.relationship_import import _default_classification, _stakeholder_index
from missiondesk.services.stakeholder_import import (
    _classification,
    _code,
    _number,
    cell_problem,
    column_letter,
    map_columns,
    recognise_in,
    shadowed_columns,
    unknown_headers,
)
from missiondesk.services.table_io import RawTable, read_table
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import TeamMember

#: The columns of an engagement file, in the order the export writes them.
COLUMNS = ("date", "duration_minutes", "lead", "participants", "counterparts", "format",
           "political", "location", "purpose", "outcomes", "classification")
#: Every column read: the export's, and a title when the file has one.
KNOWN_COLUMNS = COLUMNS + ("title",)
REQUIRED_COLUMNS = ("date", "lead", "format")
#: The sheet of a workbook read first (the export's workbook holds four).
SHEET = "Engagements"

#: Other spellings of the known columns (folded, spaces as "_").
SYNONYMS = {
    "starts_at": "date", "start": "date", "date_time": "date", "datetime": "date",
    "when": "date", "day": "date",
    "duration": "duration_minutes", "minutes": "duration_minutes",
    "duration_min": "duration_minutes",
    "lead_name": "lead", "led_by": "lead", "mission_lead": "lead",
    "participant": "participants", "mission_participants": "participants",
    "team": "participants", "team_members": "participants",
    "counterpart": "counterparts", "counterpart_names": "counterparts",
    "stakeholders": "counterparts", "met": "counterparts", "interlocutors": "counterparts",
    "type": "format", "meeting_format": "format", "political_yes_no": "political",
    "place": "location", "outcome": "outcomes", "results": "outcomes",
    "subject": "title",
    # French, as a francophone mission's spreadsheet names them
    "duree": "duration_minutes", "chef": "lead", "responsable": "lead",
    "participants_mission": "participants", "interlocuteurs": "counterparts",
    "politique": "political", "lieu": "location", "objet": "purpose", "objectif": "purpose",
    "resultats": "outcomes", "classement": "classification", "titre": "title",
}
#: Columns recognised but never imported: kept by the mission itself.
COMPUTED_COLUMNS = frozenset({"id", "revision", "commitments", "outcome_excerpt"})

#: Cells that read as yes / no in the political column (folded).
YES = frozenset({"yes", "y", "true", "1", "oui", "o", "x", "political", "vrai"})
NO = frozenset({"no", "n", "false", "0", "non", "not_political", "faux"})
DEFAULT_DURATION = 60
_LIST_SPLIT = re.compile(r"[;|\n]")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
TITLE_LENGTH = 120
PROGRESS_EVERY = 200
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class PlannedEngagement:
    """One row of the preview: what importing it does."""

    row: int
    title: str
    action: str  # "create" | "unchanged" | "invalid"
    engagement_id: str | None = None


@dataclass
class EngagementImportPlan:
    """What an import would do, computed without writing. Empty `problems`: ready to apply."""

    creates: list[dict] = field(default_factory=list)
    problems: list[tuple[str, dict]] = field(default_factory=list)
    rows: list[PlannedEngagement] = field(default_factory=list)
    problem_count: int = 0
    classification: str | None = None

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    def add_problem(self, code: str, **params) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((code, params))


# --- headers --------------------------------------------------------------------------------


def read_engagement_table(path: str | Path, progress=None) -> RawTable:
    """`table_io.read_table`, a workbook's "Engagements" sheet first if it has one."""
    return read_table(path, progress, sheet=SHEET)


def recognise_header(header: str) -> str | None:
    """The known column a header names (case, accents, spaces ignored), or None."""
    return recognise_in(header, KNOWN_COLUMNS, SYNONYMS)


def map_headers(headers: Sequence[str]) -> dict[int, str | None]:
    """Column index -> the known column it holds (None: not recognised, or named twice)."""
    return map_columns(headers, recognise_header)


def unrecognised_headers(headers: Sequence[str]) -> list[int]:
    """Indexes of headers that are neither a known column nor a computed one."""
    return unknown_headers(headers, recognise_header, COMPUTED_COLUMNS)


# --- cells ----------------------------------------------------------------------------------


def split_names(text: str) -> list[str]:
    """The names of a cell, separated by ";" (or "|", or a line break), in order, once."""
    seen: list[str] = []
    for part in _LIST_SPLIT.split(text):
        name = " ".join(part.split())
        if name and fold(name) not in (fold(s) for s in seen):
            seen.append(name)
    return seen


def parse_start(text: str, zone) -> datetime | None:
    """``2025-05-14`` or ``2025-05-14 09:30`` in the mission's time zone, as naive UTC (a
    day alone is its first minute); None when the text is not such a date."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        day = datetime.strptime(match.group(1), "%Y-%m-%d").date()
        hour = int(match.group(2) or 0)
        minute = int(match.group(3) or 0)
        second = int(match.group(4) or 0)
        local = datetime.combine(day, time(hour, minute, second), tzinfo=zone)
    except ValueError:
        return None
    return local.astimezone(UTC).replace(tzinfo=None)


def derived_title(purpose: str | None, counterparts: Sequence[str], format_code: str) -> str:
    """A title for a row without one: the purpose's first line, else who was met."""
    for line in (purpose or "").splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) > TITLE_LENGTH:
                line = line[:TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "\u2026"
            return line
    names = "; ".join(counterparts)
    if names:
        return names if len(names) <= TITLE_LENGTH else names[:TITLE_LENGTH - 1] + "\u2026"
    return format_code


class _Members:
    """Team members by folded name."""

    def __init__(self, handle: MissionHandle) -> None:
        self.by_key: dict[str, list[tuple[str, str]]] = {}
        self.names: list[str] = []
        with handle.session() as session:
            for member_id, name in session.execute(
                    select(TeamMember.id, TeamMember.name).order_by(TeamMember.name)):
                self.by_key.setdefault(fold(name), []).append((member_id, name))
                self.names.append(name)


# --- planning -------------------------------------------------------------------------------


def plan_engagement_import(handle: MissionHandle, raw: RawTable,
                           mapping: dict[int, str | None], *,
                           pending: Iterable[tuple[str, str, Iterable[str]]] = (),
                           progress: Callable[[int, int], None] | None = None
                           ) -> EngagementImportPlan:
    """Check every row and decide what to create; writes nothing.

    `mapping` is `map_headers(raw.headers)`, possibly corrected by the user. `pending` adds
    stakeholders (id, name, aliases) a stakeholder import in the same unit of work creates.

    Problems are (code, params) pairs: "no_rows", "wrong_sheet" (sheet, sheets, columns),
    "missing_engagement_columns" (columns, allowed), "duplicate_column" (field, columns),
    "extra_values" (row, count), "unknown_stakeholder" (row, column, letter, value,
    suggestions), "ambiguous_stakeholder" (row, column, letter, value, names),
    "unknown_owner" (row, column, letter, value, allowed: the team's names),
    "ambiguous_member" (row, column, letter, value), and "bad_value" (row, column, letter,
    field, value, reason, ...) with
    reasons required, not_a_datetime, not_a_boolean, one_lead, not_a_number, out_of_range,
    not_in_vocabulary (allowed), too_long, invalid_character.
    """
    plan = EngagementImportPlan(classification=raw.classification)
    columns: dict[str, int] = {}
    for index, column in sorted(mapping.items()):
        if column is None:
            continue
        if column not in KNOWN_COLUMNS:
            raise ValueError("not a known column: %s" % column)
        columns[column] = index
    shadowed_columns(plan, raw.headers, mapping, columns, recognise_header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        if raw.sheets and len(raw.sheets) > 1:
            plan.add_problem("wrong_sheet", sheet=raw.sheet, sheets=list(raw.sheets),
                             columns=missing)
        else:
            plan.add_problem("missing_engagement_columns", columns=missing,
                             allowed=list(KNOWN_COLUMNS))
    if not raw.rows:
        plan.add_problem("no_rows")
    if plan.problems:
        return plan

    people = _stakeholder_index(handle, pending)
    members = _Members(handle)
    zone = clock.mission_zone(handle)
    default_classification = _default_classification(handle, raw.classification)
    width = len(raw.headers)
    seen: dict[tuple, int] = {}
    for position, cells in enumerate(raw.rows):
        if progress is not None and position % PROGRESS_EVERY == 0:
            progress(position, len(raw.rows))
        number = raw.row_number(position)
        before = plan.problem_count
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            plan.add_problem("extra_values", row=number, count=len(extra))
        values = _row_values(plan, people, members, zone, raw, columns, cells, number)
        if plan.problem_count != before:
            plan.rows.append(PlannedEngagement(number, values.get("title", ""), "invalid"))
            continue
        values.setdefault("classification", default_classification)
        values.setdefault("duration_minutes", DEFAULT_DURATION)
        key = _match_key(values)
        if key in seen:  # the same meeting twice in the file: kept once
            plan.rows.append(PlannedEngagement(number, values["title"], "unchanged"))
            continue
        seen[key] = number
        plan.creates.append(values)
        plan.rows.append(PlannedEngagement(number, values["title"], "create"))
    if plan.problem_count:
        plan.creates.clear()
        return plan
    _skip_existing(handle, plan)
    return plan


def _where(raw: RawTable, number: int, index: int) -> dict:
    return {"row": number, "column": raw.headers[index], "letter": column_letter(index)}


def _row_values(plan: EngagementImportPlan, people, members: _Members, zone, raw: RawTable,
                columns: dict[str, int], cells: list[str], number: int) -> dict:
    """The row's cells as `create_engagement` keywords, each checked on its own."""
    values: dict = {}
    counterpart_names: list[str] = []
    for column, col in columns.items():
        text = cells[col].strip() if col < len(cells) else ""
        where = _where(raw, number, col)
        if text and cell_problem(plan, cells[col], where, column):
            continue
        if not text:
            if column in REQUIRED_COLUMNS:
                plan.add_problem("bad_value", **where, field=column, value="",
                                 reason="required")
            continue
        if column == "date":
            start = parse_start(text, zone)
            if start is None:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="not_a_datetime")
            else:
                values["starts_at"] = start
        elif column == "duration_minutes":
            minutes = _number(text)
            if minutes is None:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="not_a_number", min=1, max=engagements.MAX_DURATION)
            elif not 1 <= minutes <= engagements.MAX_DURATION:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="out_of_range", min=1, max=engagements.MAX_DURATION)
            else:
                values["duration_minutes"] = minutes
        elif column == "lead":
            names = split_names(text)
            if len(names) > 1:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="one_lead")
                continue
            found = _member(plan, members, names[0], where)
            if found:
                values["lead_id"] = found
        elif column == "participants":
            ids = [_member(plan, members, name, where) for name in split_names(text)]
            values["participant_ids"] = [i for i in ids if i]
        elif column == "counterparts":
            ids = []
            for name in split_names(text):
                found = people.find(name)
                if not found:
                    plan.add_problem("unknown_stakeholder", **where, value=name,
                                     suggestions=people.suggest(name))
                elif len(found) > 1:
                    plan.add_problem("ambiguous_stakeholder", **where, value=name,
                                     names=sorted(found.values(), key=fold))
                else:
                    sid, full = next(iter(found.items()))
                    if sid not in ids:
                        ids.append(sid)
                        counterpart_names.append(full)
            values["counterpart_ids"] = ids
        elif column == "political":
            key = _code(text)
            if key in YES:
                values["political"] = True
            elif key in NO:
                values["political"] = False
            else:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="not_a_boolean")
        elif column == "format":
            _checked(plan, values, "format", _code(text), where, text)
        elif column == "classification":
            _checked(plan, values, "classification", _classification(text), where, text)
        elif column in ("location", "purpose", "outcomes", "title"):
            _checked(plan, values, column, text, where, text)
    if values.get("lead_id") in values.get("participant_ids", ()):  # named twice: the lead
        values["participant_ids"].remove(values["lead_id"])
    if "title" not in values and values.get("format"):
        values["title"] = derived_title(values.get("purpose"), counterpart_names,
                                        values["format"])
    return values


def _member(plan: EngagementImportPlan, members: _Members, name: str, where: dict
            ) -> str | None:
    found = members.by_key.get(fold(name), [])
    if not found:
        plan.add_problem("unknown_owner", **where, value=name, allowed=members.names)
        return None
    if len(found) > 1:
        plan.add_problem("ambiguous_member", **where, value=name)
        return None
    return found[0][0]


def _checked(plan: EngagementImportPlan, values: dict, name: str, value, where: dict,
             text: str) -> None:
    """One scalar through the engagement service's own rules."""
    try:
        values[name] = engagements.clean_fields({name: value}, creating=False)[name]
    except InvalidValue as exc:
        params = dict(exc.params)
        params.update(field=name, value=text)
        plan.add_problem("bad_value", **where, **params)


def _match_key(values: dict) -> tuple:
    return (values["starts_at"], values["lead_id"], values["format"],
            tuple(sorted(values.get("counterpart_ids", ()))))


def _skip_existing(handle: MissionHandle, plan: EngagementImportPlan) -> None:
    """Rows naming a live engagement (same start, lead, format, counterparts) are left as
    they are: importing a file twice does not duplicate its meetings."""
    starts = sorted({v["starts_at"] for v in plan.creates})
    existing: dict[tuple, str] = {}
    with handle.session() as session:
        conn = session.connection()
        for begin in range(0, len(starts), 900):
            # As SQLAlchemy stores a DateTime in SQLite: by the index on the start.
            chunk = [s.strftime("%Y-%m-%d %H:%M:%S.%f") for s in starts[begin:begin + 900]]
            marks = ", ".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                "SELECT e.id, e.starts_at, e.format, "
                "(SELECT p.team_member_id FROM engagement_participants AS p "
                " WHERE p.engagement_id = e.id AND p.is_lead AND p.deleted_at IS NULL), "
                "(SELECT group_concat(c.stakeholder_id, ',') FROM engagement_counterparts AS c "
                " WHERE c.engagement_id = e.id AND c.deleted_at IS NULL) "
                "FROM engagements AS e WHERE e.deleted_at IS NULL AND "
                "e.starts_at IN (%s)" % marks, tuple(chunk)).fetchall()
            for eid, start, fmt, lead, met in rows:
                when = datetime.fromisoformat(str(start)).replace(microsecond=0)
                key = (when, lead, fmt, tuple(sorted((met or "").split(",")) if met else ()))
                existing.setdefault(key, eid)
    if not existing:
        return
    kept, rows = [], []
    planned = iter(plan.creates)
    for row in plan.rows:
        if row.action != "create":
            rows.append(row)
            continue
        values = next(planned)
        match = existing.get(_match_key(values))
        if match is None:
            kept.append(values)
            rows.append(row)
        else:
            rows.append(PlannedEngagement(row.row, row.title, "unchanged", match))
    plan.creates, plan.rows = kept, rows


# --- applying -------------------------------------------------------------------------------


def apply_engagement_import(uow: UnitOfWork, plan: EngagementImportPlan,
                            progress: Callable[[int, int], None] | None = None
                            ) -> dict[str, int]:
    """Create the planned engagements in the caller's unit of work: all rows or none.

    BadImport when the plan has problems; a refusal of the engagement service (a team
    member or stakeholder deleted since the plan) propagates and the caller's unit of work
    rolls everything back."""
    from missiondesk.store.errors import BadImport

    if plan.problems or plan.problem_count:
        raise BadImport(problems=list(plan.problems))
    total = len(plan.creates)
    for done, values in enumerate(plan.creates, start=1):
        engagements.create_engagement(uow, **values)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    uow.session.flush()
    return {"created": total}


#: What the command line reads a file with (a workbook's "Engagements" sheet first).
read_import_table = read_engagement_table
