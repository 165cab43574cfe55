"""Stakeholders from a CSV or XLSX table: recognise the columns, plan, then apply in one go.

The flow (the GUI shows the plan as a preview; the CLI refuses a plan with problems)::

    raw = table_io.read_table(path)                 # BadImport for unreadable / empty files
    mapping = map_headers(raw.headers)              # column index -> known column or None
    plan = plan_stakeholder_import(handle, raw, mapping)   # reads only; every problem listed
    with handle.unit_of_work() as uow:
        apply_stakeholder_import(uow, plan)         # all rows or none

Values go through `stakeholders.clean_fields`, the one place for the rules; each failure is a
problem with the row as the user sees it in the file (the header is row 1, or row 2 under a
classification line), the column (its header and letter) and, for vocabularies, the allowed
codes. A row whose folded name matches a live stakeholder updates it (so importing the same
file twice never duplicates); an empty cell leaves the stored value as it is.

Lists (aliases, region, tags) are separated by ";" or "|" inside the cell.

Values outside a vocabulary (a category such as `individual:head_of_state`) are refused, and
each one is listed once in `plan.unknown_values` so the user can map it to a code; the plan
takes that choice as `value_map` ({column: {value as written: code}}) and plans again. An
"evidence" column (a URL or a citation) is kept at the end of the description, the only
place the stakeholder record has for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from missiondesk.services import stakeholders
from missiondesk.services.names import fold
from missiondesk.services.table_io import RawTable, column_letter  # noqa: F401 (re-exported)
from missiondesk.services.validation import first_invalid_char, strip_invalid_chars
from missiondesk.store.errors import BadImport, InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import Mission, Stakeholder, TeamMember
from missiondesk.store.vocab import Classification

#: The columns a stakeholder file may hold, as the user writes them (any case).
KNOWN_COLUMNS = ("name", "aliases", "kind", "category", "description", "region", "influence",
                 "interest", "stance", "stance_mission", "perception", "owner", "tags",
                 "classification", "evidence")

#: Known column -> Stakeholder field.
FIELD_OF = {
    "name": "name", "aliases": "aliases", "kind": "kind", "category": "category",
    "description": "description", "region": "regions", "influence": "influence",
    "interest": "interest", "stance": "stance_peace", "stance_mission": "stance_mission",
    "perception": "perception", "owner": "owner_id", "tags": "tags",
    "classification": "classification",
}
COLUMN_OF = {f: c for c, f in FIELD_OF.items()}
#: The evidence column (a URL or citation) is kept at the end of the description.
FIELD_OF["evidence"] = "description"

#: Other spellings of the known columns (folded, spaces as "_"), e.g. what the
#: Stakeholders desk exports.
SYNONYMS = {
    "alias": "aliases", "also_known_as": "aliases", "aka": "aliases",
    "type": "kind",
    "regions": "region", "areas": "region", "area": "region",
    "stance_peace": "stance", "peace_stance": "stance", "stance_on_peace": "stance",
    "stance_on_the_peace_process": "stance", "stance_peace_process": "stance",
    "mission_stance": "stance_mission", "stance_toward_mission": "stance_mission",
    "stance_toward_the_mission": "stance_mission", "stance_towards_the_mission": "stance_mission",
    "community_perception": "perception",
    "owner_name": "owner", "tag": "tags",
    # French, as a francophone mission's spreadsheet names them
    "nom": "name", "categorie": "category", "genre": "kind", "interet": "interest",
    "position": "stance", "position_mission": "stance_mission", "responsable": "owner",
    "etiquettes": "tags", "mots_cles": "tags",
    # a URL or a citation backing the row
    "url": "evidence", "source_url": "evidence", "link": "evidence", "citation": "evidence",
    "reference": "evidence", "references": "evidence", "source": "evidence",
    "sources": "evidence", "evidence_note": "evidence", "preuve": "evidence",
    "lien": "evidence",
}
#: Columns recognised but never imported: computed or kept by the mission itself.
COMPUTED_COLUMNS = frozenset({
    "priority", "engagement_priority", "last_engaged", "days_since_engaged", "id", "revision",
})

LIST_COLUMNS = frozenset({"aliases", "region", "tags"})
#: Columns whose values are codes of a vocabulary (what `value_map` may translate).
VOCABULARY_COLUMNS = ("kind", "category", "stance", "stance_mission", "perception")
NUMBER_COLUMNS = frozenset({"influence", "interest"})
SCALE = [1, 2, 3, 4, 5]
_LIST_SPLIT = re.compile(r"[;|]")
_CODE_JUNK = re.compile(r"['\u2019]")
_CODE_SPACE = re.compile(r"[\s\-/().,]+")
#: Rows between two calls of the progress callback.
PROGRESS_EVERY = 200
#: Stored problems at most (the count of all is kept); a 10,000-row file can be all wrong.
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class PlannedRow:
    """One row of the preview: what importing it does."""

    row: int
    name: str
    action: str  # "create" | "update" | "unchanged" | "invalid"
    stakeholder_id: str | None = None
    changes: dict = field(default_factory=dict)  # field -> new value (a create: every field)
    previous: dict = field(default_factory=dict)  # field -> stored value, for an update


@dataclass
class ImportPlan:
    """What an import would do, computed without writing. Empty `problems`: ready to apply."""

    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[str, int, dict]] = field(default_factory=list)
    problems: list[tuple[str, dict]] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    problem_count: int = 0
    classification: str | None = None  # the file's marking, if any
    #: column -> {value as written: rows refusing it}, for values outside a vocabulary
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    #: column -> the codes its vocabulary allows (for the columns in `unknown_values`)
    allowed: dict[str, list] = field(default_factory=dict)
    #: column -> {value as written: rows} that `value_map` translated
    mapped_values: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    def add_problem(self, code: str, **params) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((code, params))


def note_unknown_value(plan, column: str, text: str, params: dict) -> None:
    """Remember a value refused as outside its vocabulary, once per column and value (with
    how many rows hold it), so the user can map it to a code."""
    if params.get("reason") != "not_in_vocabulary" or not text:
        return
    counts = plan.unknown_values.setdefault(column, {})
    counts[text] = counts.get(text, 0) + 1
    plan.allowed.setdefault(column, list(params.get("allowed") or []))


def note_mapped_value(plan, column: str, text: str) -> None:
    counts = plan.mapped_values.setdefault(column, {})
    counts[text] = counts.get(text, 0) + 1


def value_key(text: str) -> str:
    """How `value_map` compares values: as codes are typed ("Individual: head of state" is
    "individual:head_of_state")."""
    return _code(text)


def mapped_value(value_map: dict[str, dict[str, str | None]] | None, column: str,
                 text: str) -> str | None:
    """The code the user chose for a value of a column, or None when not mapped."""
    table = (value_map or {}).get(column)
    if not table:
        return None
    code = table.get(text)
    if code is None:
        key = value_key(text)
        code = next((c for v, c in table.items() if c and value_key(v) == key), None)
    return code or None


def _header_key(header: str) -> str:
    text = fold(header).strip().strip("*:").strip()
    return _CODE_SPACE.sub("_", _CODE_JUNK.sub("", text)).strip("_")


def recognise_in(header: str, known, synonyms: dict[str, str]) -> str | None:
    """The column of `known` a header names, directly or by a synonym (case, accents,
    spaces ignored), or None: every importer's header rule."""
    key = _header_key(header)
    if key in known:
        return key
    return synonyms.get(key)


def unknown_headers(headers: Sequence[str], recognise, computed) -> list[int]:
    """Indexes of headers that are neither recognised nor a computed (export-only) column."""
    return [i for i, h in enumerate(headers)
            if recognise(h) is None and _header_key(h) not in computed]


def recognise_header(header: str) -> str | None:
    """The known column a header names (case, accents, spaces ignored), or None."""
    return recognise_in(header, KNOWN_COLUMNS, SYNONYMS)


def is_computed_header(header: str) -> bool:
    """True for columns an export holds but an import ignores (priority, last engaged)."""
    return _header_key(header) in COMPUTED_COLUMNS


def map_headers(headers: Sequence[str]) -> dict[int, str | None]:
    """Column index -> the known column it holds, None when not recognised (or computed).

    A known column named twice keeps its first column; the later one maps to None.
    """
    return map_columns(headers, recognise_header)


def map_columns(headers: Sequence[str], recognise) -> dict[int, str | None]:
    """Column index -> `recognise(header)`, a column named twice keeping only its first."""
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        column = recognise(header)
        if column in taken:
            column = None
        if column is not None:
            taken.add(column)
        mapping[index] = column
    return mapping


def shadowed_columns(plan, headers: Sequence[str], mapping: dict[int, str | None],
                     columns: dict[str, int], recognise) -> None:
    """A header naming a column another header already gives ("Stance" and "stance_peace")
    is a problem, not silently left out: which of the two did the user mean?"""
    for index, header in enumerate(headers):
        column = recognise(header)
        if column is None or mapping.get(index) is not None or column not in columns \
                or columns[column] == index:
            continue
        plan.add_problem("duplicate_column", field=column,
                         columns=[headers[columns[column]], header])


def cell_problem(plan, cell: str, where: dict, fieldname: str) -> bool:
    """Add a problem for a cell holding a character that is not text (a control character,
    NUL or a non-character); True if it did."""
    bad = first_invalid_char(cell)
    if bad is None:
        return False
    plan.add_problem("bad_value", **where, field=fieldname, value=strip_invalid_chars(cell),
                     reason="invalid_character", code_point="U+%04X" % ord(cell[bad]),
                     position=bad + 1)
    return True


def unrecognised_headers(headers: Sequence[str]) -> list[int]:
    """Indexes of the headers that are neither a known column nor a computed one.

    The GUI asks the user to map or ignore them; the CLI refuses the file.
    """
    mapping = map_headers(headers)
    return [i for i, h in enumerate(headers)
            if mapping.get(i) is None and not is_computed_header(h)
            and recognise_header(h) is None]


def _code(text: str) -> str:
    """A vocabulary code as people type it: "Armed group" -> "armed_group"."""
    return _CODE_SPACE.sub("_", _CODE_JUNK.sub("", fold(text))).strip("_")


def _classification(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).upper()


def _split_list(text: str) -> list[str]:
    seen: list[str] = []
    for part in _LIST_SPLIT.split(text):
        item = " ".join(part.split())
        if item and item not in seen:
            seen.append(item)
    return seen


def _number(text: str) -> int | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


@dataclass
class _Context:
    owners: dict[str, list[tuple[str, str]]]  # folded name -> [(id, name)]
    owner_names: list[str]
    existing: dict[str, Stakeholder]  # name_key -> row (detached, read only)
    default_classification: str
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    value_map: dict[str, dict[str, str | None]] = field(default_factory=dict)


def _load_context(handle: MissionHandle, marking: str | None) -> _Context:
    with handle.session() as session:
        mission_default = session.scalar(select(Mission.default_classification))
        owners: dict[str, list[tuple[str, str]]] = {}
        names: list[str] = []
        for member_id, name in session.execute(
                select(TeamMember.id, TeamMember.name).order_by(TeamMember.name)):
            owners.setdefault(fold(name), []).append((member_id, name))
            names.append(name)
        existing: dict[str, Stakeholder] = {}
        for row in session.scalars(select(Stakeholder)):
            existing.setdefault(row.name_key or fold(row.name), row)
        session.expunge_all()
    # Rows without a classification take the higher of the file's marking and the
    # mission's default: never less than either says.
    default = Classification.highest(
        [v for v in (marking, mission_default) if v] or [Classification.CONFIDENTIAL]).value
    return _Context(owners=owners, owner_names=names, existing=existing,
                    default_classification=default)


def plan_stakeholder_import(handle: MissionHandle, raw: RawTable,
                            mapping: dict[int, str | None],
                            labels: dict[str, dict[str, str]] | None = None,
                            progress: Callable[[int, int], None] | None = None,
                            value_map: dict[str, dict[str, str | None]] | None = None
                            ) -> ImportPlan:
    """Check every row and decide what to create and update; writes nothing.

    `mapping` is `map_headers(raw.headers)`, possibly corrected by the user (index -> known
    column, None to ignore). `labels` may give, per field (kind, category, stance_peace,
    stance_mission, perception), the words shown for each code (label -> code, e.g. the
    translated labels of the UI), so a file exported from a table view reads back.
    `value_map` ({known column: {value as written: code}}) is what the user chose for values
    outside a vocabulary (`plan.unknown_values` lists those still refused).

    Problems are (code, params) pairs: "no_rows", "no_name_column", "duplicate_column"
    (field, columns), "missing_name" (row), "duplicate_name" (row,
    first_row, value), "extra_values" (row, count), "bad_value" (row, column, letter, field,
    value, reason, allowed / min, max / max_length / code_point, position), "unknown_owner"
    (row, column, letter, value, allowed), "ambiguous_owner" (row, column, letter, value).
    `progress(done, total)` is called every few hundred rows; an exception it raises (a
    cancel) propagates.
    """
    plan = ImportPlan(classification=raw.classification)
    columns: dict[str, int] = {}
    for index, column in sorted(mapping.items()):
        if column is None:
            continue
        if column not in FIELD_OF:
            raise ValueError("not a known column: %s" % column)
        if column in columns:
            plan.add_problem("duplicate_column", field=column, columns=[
                raw.headers[columns[column]] if columns[column] < len(raw.headers) else "",
                raw.headers[index] if index < len(raw.headers) else ""])
            continue
        columns[column] = index
    shadowed_columns(plan, raw.headers, mapping, columns, recognise_header)
    if "name" not in columns:
        plan.add_problem("no_name_column", allowed=list(KNOWN_COLUMNS))
    if not raw.rows:
        plan.add_problem("no_rows")
    if plan.problems:
        return plan

    context = _load_context(handle, raw.classification)
    context.value_map = dict(value_map or {})
    for fieldname, words in (labels or {}).items():
        context.labels[fieldname] = {_code(label): code for label, code in words.items()}
    width = len(raw.headers)
    seen: dict[str, int] = {}
    for index, cells in enumerate(raw.rows):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(raw.rows))
        number = raw.row_number(index)
        before = plan.problem_count
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            plan.add_problem("extra_values", row=number, count=len(extra))
        values = _row_values(plan, context, raw, columns, cells, number)
        name = values.get("name") or ""
        key = fold(name)
        written = columns["name"] < len(cells) and cells[columns["name"]].strip()
        if not key and not written:  # a name refused for its characters is reported so
            plan.add_problem("missing_name", row=number)
        elif not key:
            pass
        elif key in seen:
            plan.add_problem("duplicate_name", row=number, first_row=seen[key], value=name)
        else:
            seen[key] = number
        current = context.existing.get(key) if key else None
        if plan.problem_count == before:
            _plan_row(plan, context, values, current, number, raw, columns)
        else:
            plan.rows.append(PlannedRow(row=number, name=name, action="invalid",
                                        stakeholder_id=current.id if current else None))
    if plan.problem_count:
        plan.creates.clear()
        plan.updates.clear()
    return plan


def _row_values(plan: ImportPlan, context: _Context, raw: RawTable, columns: dict[str, int],
                cells: list[str], number: int) -> dict:
    """The row's non-empty cells as Stakeholder fields, each checked on its own."""
    values: dict = {}
    evidence = None
    for column, index in columns.items():
        text = cells[index].strip() if index < len(cells) else ""
        if not text:
            continue
        where = {"row": number, "column": raw.headers[index], "letter": column_letter(index)}
        fieldname = FIELD_OF[column]
        if cell_problem(plan, cells[index], where, fieldname):
            continue
        if column in LIST_COLUMNS:
            value: object = _split_list(text)
        elif column in NUMBER_COLUMNS:
            value = _number(text)
            if value is None:
                plan.add_problem("bad_value", **where, field=fieldname, value=text,
                                 reason="not_a_number", allowed=SCALE)
                continue
        elif column == "owner":
            matches = context.owners.get(fold(text), [])
            if not matches:
                plan.add_problem("unknown_owner", **where, value=text,
                                 allowed=context.owner_names)
                continue
            if len(matches) > 1:
                plan.add_problem("ambiguous_owner", **where, value=text)
                continue
            values[fieldname] = matches[0][0]
            continue
        elif column == "classification":
            value = mapped_value(context.value_map, column, text)
            if value is None:
                value = _classification(text)
            else:
                note_mapped_value(plan, column, text)
        elif column in VOCABULARY_COLUMNS:
            value = mapped_value(context.value_map, column, text)
            if value is None:
                value = _code(text)
                value = context.labels.get(fieldname, {}).get(value, value)
            else:
                note_mapped_value(plan, column, text)
        elif column == "evidence":
            evidence = (text, where)
            continue
        else:
            value = text
        try:
            cleaned = stakeholders.clean_fields({fieldname: value}, creating=False)
        except InvalidValue as exc:
            plan.add_problem("bad_value", **where, **_reason(exc, fieldname, text))
            if column in VOCABULARY_COLUMNS or column == "classification":
                note_unknown_value(plan, column, text, exc.params)
            continue
        values[fieldname] = cleaned.get(fieldname, value)
    if evidence is not None:
        text, where = evidence
        joined = "\n\n".join(v for v in (values.get("description"), text) if v)
        try:
            values["description"] = stakeholders.clean_fields(
                {"description": joined}, creating=False)["description"]
        except InvalidValue as exc:
            plan.add_problem("bad_value", **where, **_reason(exc, "description", text))
    return values


def _reason(exc: InvalidValue, fieldname: str, text: str) -> dict:
    params = dict(exc.params)
    params.pop("field", None)
    params["field"] = exc.params.get("field", fieldname)
    params["value"] = text
    if params.get("reason") == "out_of_range":
        params["allowed"] = list(range(int(params.get("min", 1)), int(params.get("max", 5)) + 1))
    return params


def _plan_row(plan: ImportPlan, context: _Context, values: dict, current: Stakeholder | None,
              number: int, raw: RawTable, columns: dict[str, int]) -> None:
    name = values["name"]
    if current is None:
        fields = dict(values)
        fields.setdefault("classification", context.default_classification)
        try:
            fields = stakeholders.clean_fields(fields, creating=True)
        except InvalidValue as exc:
            fieldname = exc.params.get("field", "")
            index = columns.get(COLUMN_OF.get(fieldname, ""), None)
            where = {"row": number,
                     "column": raw.headers[index] if index is not None else fieldname,
                     "letter": column_letter(index) if index is not None else ""}
            plan.add_problem("bad_value", **where,
                             **_reason(exc, fieldname, str(values.get(fieldname, ""))))
            plan.rows.append(PlannedRow(row=number, name=name, action="invalid"))
            return
        plan.creates.append(fields)
        plan.rows.append(PlannedRow(row=number, name=name, action="create", changes=fields))
        return
    changes = {}
    for fieldname, value in values.items():
        if fieldname == "name":
            continue  # matched by its folded form; the stored spelling stays
        old = getattr(current, fieldname)
        if isinstance(old, list | tuple):
            old = list(old)
        if value != old:
            changes[fieldname] = value
    if changes:
        plan.updates.append((current.id, current.revision, changes))
    previous = {k: getattr(current, k) for k in changes}
    plan.rows.append(PlannedRow(row=number, name=current.name,
                                action="update" if changes else "unchanged",
                                stakeholder_id=current.id, changes=changes, previous=previous))


def apply_stakeholder_import(uow: UnitOfWork, plan: ImportPlan,
                             progress: Callable[[int, int], None] | None = None
                             ) -> dict[str, int]:
    """Write the plan in the caller's unit of work: all rows or none.

    BadImport when the plan has problems; RevisionConflict when a stakeholder changed since
    the plan was made (the caller's unit of work then rolls everything back). A changed
    stance or perception is recorded as a dated assessment, as every stance change is.
    `progress(done, total)` is called every few hundred rows; an exception it raises (a
    cancel) propagates, and the caller's unit of work rolls back.
    """
    return apply_plan(uow, plan, stakeholders.create_stakeholder,
                      stakeholders.update_stakeholder, progress)


def apply_plan(uow: UnitOfWork, plan, create, update, progress=None) -> dict[str, int]:
    """Write a checked import plan (creates, then updates) through the service functions,
    reporting progress every PROGRESS_EVERY rows; BadImport if the plan has problems."""
    if plan.problems or plan.problem_count:
        raise BadImport(problems=list(plan.problems))
    total = len(plan.creates) + len(plan.updates)
    done = 0
    for fields in plan.creates:
        create(uow, **fields)
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    for record_id, revision, changes in plan.updates:
        update(uow, record_id, expected_revision=revision, **changes)
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    uow.session.flush()
    return {"created": len(plan.creates), "updated": len(plan.updates)}
