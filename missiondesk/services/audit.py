"""The audit trail: the change log per record and mission-wide, its export, and restoring
a deleted record from it.

Entries come newest first. Every table that can appear in the log has a name rule
(`NAME_RULES`): a record is named by its own words (a stakeholder's name, a source's code
name, an assessment's date), by the names of what it links (a relationship: its two
stakeholders and its type; a driver link: the driver, the stakeholder and the role) or both,
read from the row even when it is deleted (its last known name); the UI words it
(`labels.record_text`), never a table name or an id. Map positions never reach the log
(`store.handle.UNLOGGED_TABLES`) and entries an older file holds for them are left out.
The history of a protected source's description is masked (`masked=True`, values None): who
changed it and when stays visible. No Qt here, and no user-visible text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from missiondesk.services.records import check_revision, log_value
from missiondesk.services.table_io import export_table
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import UNLOGGED_TABLES, MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import MODELS, ChangeLog, Mission, Source
from missiondesk.store.vocab import Classification

_CHUNK = 500
_LONGEST = 120   # characters of a name (a commitment's text, a rumour) before it is cut
_END_LONGEST = 60  # ... and of the name of a record at one end of a link


@dataclass(frozen=True)
class NameRule:
    """How a table's records are named. `own`: its columns that name it, joined (dates as
    ISO dates); `links`: what it links, one slot per end, each slot the (column, table)
    alternatives tried in order (an assignment is a portfolio's or a stakeholder's); `code`:
    the column of a vocabulary code that qualifies it (a relationship's type)."""

    own: tuple[str, ...] = ()
    links: tuple[tuple[tuple[str, str], ...], ...] = ()
    code: str | None = None


def _to(column: str, table: str) -> tuple[tuple[str, str], ...]:
    return ((column, table),)


_ENGAGEMENT = _to("engagement_id", "engagements")
_STAKEHOLDER = _to("stakeholder_id", "stakeholders")

#: The name rule of every table that can appear in the change log (`change_log` itself
#: cannot). tests/services/test_audit_names.py checks that each table of the schema has one.
NAME_RULES: dict[str, NameRule] = {
    "mission": NameRule(own=("name",)),
    "team_members": NameRule(own=("name",)),
    "strategy_objectives": NameRule(own=("title",)),
    "agreements": NameRule(own=("name",)),
    "agreement_parties": NameRule(links=(_to("agreement_id", "agreements"), _STAKEHOLDER)),
    "agreement_provisions": NameRule(own=("reference",),
                                     links=(_to("agreement_id", "agreements"),)),
    "sources": NameRule(own=("code_name",)),
    "stakeholders": NameRule(own=("name",)),
    "stakeholder_assessments": NameRule(own=("assessed_on",), links=(_STAKEHOLDER,)),
    "stakeholder_perceptions": NameRule(own=("group_name",), links=(_STAKEHOLDER,)),
    "map_positions": NameRule(links=(_STAKEHOLDER,)),
    "relationships": NameRule(links=(_to("source_id", "stakeholders"),
                                     _to("target_id", "stakeholders")), code="type"),
    "drivers": NameRule(own=("name",)),
    "driver_stakeholders": NameRule(links=(_to("driver_id", "drivers"), _STAKEHOLDER),
                                    code="role"),
    "driver_assessments": NameRule(own=("assessed_on",), links=(_to("driver_id", "drivers"),)),
    "portfolios": NameRule(own=("name",)),
    "assignments": NameRule(links=(_to("team_member_id", "team_members"),
                                   (("portfolio_id", "portfolios"),
                                    ("stakeholder_id", "stakeholders"))), code="raci"),
    "engagements": NameRule(own=("title",)),
    "engagement_participants": NameRule(links=(_ENGAGEMENT,
                                               _to("team_member_id", "team_members"))),
    "engagement_counterparts": NameRule(links=(_ENGAGEMENT, _STAKEHOLDER)),
    "engagement_drivers": NameRule(links=(_ENGAGEMENT, _to("driver_id", "drivers"))),
    "engagement_benchmarks": NameRule(links=(_ENGAGEMENT, _to("benchmark_id", "benchmarks"))),
    "engagement_key_messages": NameRule(links=(_ENGAGEMENT,
                                               _to("key_message_id", "key_messages"))),
    "engagement_objectives": NameRule(links=(_ENGAGEMENT,
                                             _to("objective_id", "strategy_objectives"))),
    "commitments": NameRule(own=("text",)),
    "commitment_engagements": NameRule(links=(_to("commitment_id", "commitments"),
                                              _ENGAGEMENT)),
    "mandates": NameRule(own=("resolution",)),
    "mandate_tasks": NameRule(own=("paragraph", "text")),
    "benchmarks": NameRule(own=("statement",)),
    "benchmark_tasks": NameRule(links=(_to("benchmark_id", "benchmarks"),
                                       _to("task_id", "mandate_tasks"))),
    "mandate_task_stakeholders": NameRule(links=(_to("task_id", "mandate_tasks"),
                                                 _to("stakeholder_id", "stakeholders"))),
    "mandate_task_engagements": NameRule(links=(_to("task_id", "mandate_tasks"), _ENGAGEMENT)),
    "mandate_task_commitments": NameRule(links=(_to("task_id", "mandate_tasks"),
                                                _to("commitment_id", "commitments"))),
    "benchmark_assessments": NameRule(own=("assessed_on",),
                                      links=(_to("benchmark_id", "benchmarks"),)),
    "indicators": NameRule(own=("name",)),
    "measurements": NameRule(own=("measured_on",), links=(_to("indicator_id", "indicators"),)),
    "consultations": NameRule(own=("counterpart_name", "held_on")),
    "cycle_events": NameRule(own=("title",)),
    "comms_objectives": NameRule(own=("title",)),
    "audiences": NameRule(own=("name",)),
    "audience_stakeholders": NameRule(links=(_to("audience_id", "audiences"), _STAKEHOLDER)),
    # A key message has no words of its own: it is named by its first text (_key_messages).
    "key_messages": NameRule(),
    "key_message_texts": NameRule(own=("text",), code="language"),
    "comms_plan_rows": NameRule(links=(_to("audience_id", "audiences"),
                                       _to("key_message_id", "key_messages")), code="channel"),
    "comms_milestones": NameRule(own=("title",)),
    "media_outlets": NameRule(own=("name",)),
    "rumours": NameRule(own=("content",)),
    # Drafts are written outside units of work and never logged; named by the field if ever.
    "drafts": NameRule(code="field"),
    "mission_settings": NameRule(code="key"),  # the setting in words (labels._code_word)
}


#: Tables whose changes write the log (and "change_log" for entries written directly): what
#: the Audit trail desk watches.
LOGGED_TABLES: tuple[str, ...] = (*(t for t in NAME_RULES if t not in UNLOGGED_TABLES),
                                  "change_log")


@dataclass(frozen=True)
class RecordName:
    """A record as the trail names it, in data the UI words (`labels.record_text`): its own
    words (`text`), the names of what it links in its rule's order (`linked`; None for an
    end that was purged or left empty) and its qualifying code (`code`)."""

    text: str | None = None
    linked: tuple[str | None, ...] = ()
    code: str | None = None
#: Columns written by `export_change_log` when the caller gives no translated headers.
EXPORT_COLUMNS = ("at", "who", "table", "record", "record_id", "action", "field", "old_value",
                  "new_value")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: by who (user name), from `since` to `until` (dates inclusive, or
    datetimes), in which tables (None: all), with which actions (None: all), for one
    record only (`record` = (table, record_id))."""

    who: str | None = None
    since: date | datetime | None = None
    until: date | datetime | None = None
    tables: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None
    record: tuple[str, str] | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    user_name: str | None
    table: str
    record_id: str
    record_label: str | None     # None when the record is gone or has no label
    action: str                  # create, update, delete, restore, purge, redact, redacted
    field: str | None
    old_value: object            # decoded JSON
    new_value: object
    masked: bool = False         # a protected source's description: values withheld
    record_deleted: bool = False  # the record is tombstoned now (a delete can be restored)
    record_name: RecordName | None = None  # None: no longer in the file (purged)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    offset: int
    has_more: bool
    total: int = field(default=-1)   # -1 when not counted


@dataclass(frozen=True)
class RestoredView:
    id: str
    table: str
    revision: int
    deleted: bool = False


_decode = log_value


def _words(value, longest: int = _LONGEST) -> str | None:
    """A column's value as a name: dates as ISO dates, long text cut, blanks as None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    text = " ".join(str(value).split())
    if not text:
        return None
    return text if len(text) <= longest else text[:longest - 1] + "\u2026"


def _chunks(ids) -> list[list[str]]:
    ids = sorted(ids)
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _key_messages(session, ids) -> dict[str, str | None]:
    """A key message's name: its first text (English first, then by language)."""
    t = MODELS["key_message_texts"].__table__
    names: dict[str, str | None] = {}
    for chunk in _chunks(ids):
        for message_id, text in session.execute(
                select(t.c.key_message_id, t.c.text)
                .where(t.c.key_message_id.in_(chunk))
                .order_by(t.c.key_message_id, t.c.deleted_at.is_not(None),
                          (t.c.language != "en"), t.c.language)):
            if names.get(message_id) is None:
                names[message_id] = _words(text)
    return names


def _own_names(session, table: str, ids) -> dict[str, str | None]:
    """id -> its own words, for records at the end of a link (deleted ones too)."""
    if table == "key_messages":
        return {k: _words(v, _END_LONGEST) for k, v in _key_messages(session, ids).items()}
    rule = NAME_RULES.get(table)
    model = MODELS.get(table)
    if rule is None or model is None or not rule.own:
        return {}
    t = model.__table__
    names = {}
    for chunk in _chunks(ids):
        for row in session.execute(select(t.c.id, *(t.c[c] for c in rule.own))
                                   .where(t.c.id.in_(chunk))):
            names[row[0]] = _words(" \u2014 ".join(filter(None, map(_words, row[1:]))),
                                   _END_LONGEST)
    return names


def _links(rule: NameRule) -> list[tuple[str, str]]:
    return [end for slot in rule.links for end in slot]


def _record_facts(session, wanted: dict[str, set[str]]) -> dict[tuple[str, str], tuple]:
    """(table, id) -> (RecordName, deleted, classification, protected) for the records
    named, deleted ones included (their last known name); a purged record has no entry."""
    found: dict[tuple[str, str], tuple] = {}   # (table, id) -> (rule, facts, own, ends, code)
    for table, ids in wanted.items():
        model = MODELS.get(table)
        if model is None or "deleted_at" not in model.__table__.columns:
            continue
        t = model.__table__
        rule = NAME_RULES.get(table, NameRule())
        links = _links(rule)
        columns = [t.c.id, t.c.deleted_at, t.c.classification,
                   *(t.c[c] for c in rule.own), *(t.c[c] for c, _target in links)]
        if rule.code:
            columns.append(t.c[rule.code])
        if table == "sources":
            columns.append(t.c.protected)
        n_own = len(rule.own)
        for chunk in _chunks(ids):
            for row in session.execute(select(*columns).where(t.c.id.in_(chunk))):
                rest = row[3 + n_own + len(links):]
                found[(table, row[0])] = (
                    rule, (row[1] is not None, row[2],
                           bool(rest[-1]) if table == "sources" else False),
                    row[3:3 + n_own], row[3 + n_own:3 + n_own + len(links)],
                    rest[0] if rule.code else None)
    # the names of what link rows link: one query per linked table
    ends: dict[str, set[str]] = {}
    for rule, _facts, _own, values, _code in found.values():
        for (_column, target), value in zip(_links(rule), values, strict=True):
            if value is not None:
                ends.setdefault(target, set()).add(value)
    names = {target: _own_names(session, target, ids) for target, ids in ends.items()}
    messages = _key_messages(session, wanted["key_messages"]) if "key_messages" in wanted \
        else {}
    facts: dict[tuple[str, str], tuple] = {}
    for (table, record_id), (rule, known, own, values, code) in found.items():
        by_end = dict(zip(_links(rule), values, strict=True))
        linked = []
        for slot in rule.links:
            value = next(((target, by_end[(c, target)]) for c, target in slot
                          if by_end[(c, target)] is not None), None)
            linked.append(names[value[0]].get(value[1]) if value else None)
        text = (messages.get(record_id) if table == "key_messages"
                else " \u2014 ".join(filter(None, map(_words, own))) or None)
        facts[(table, record_id)] = (RecordName(text=text, linked=tuple(linked), code=code),
                                     *known)
    return facts


def _plain(name: RecordName | None) -> str | None:
    """A record's name without words (for callers that want one string): its own words,
    else the names of what it links."""
    if name is None:
        return None
    return name.text or " / ".join(n for n in name.linked if n) or None


def _entries(session, log: Sequence[ChangeLog]) -> list[AuditEntry]:
    wanted: dict[str, set[str]] = {}
    for c in log:
        wanted.setdefault(c.table_name, set()).add(c.record_id)
    facts = _record_facts(session, wanted)
    entries = []
    for c in log:
        name, deleted, _level, protected = facts.get((c.table_name, c.record_id),
                                                     (None, False, None, False))
        masked = (c.table_name == "sources" and c.field == "description" and protected
                  and (c.old_value is not None or c.new_value is not None))
        entries.append(AuditEntry(
            id=c.id, at=c.at, user_name=c.user_name, table=c.table_name,
            record_id=c.record_id, record_label=_plain(name), action=c.action, field=c.field,
            old_value=None if masked else _decode(c.old_value),
            new_value=None if masked else _decode(c.new_value), masked=masked,
            record_deleted=deleted, record_name=name))
    return entries


def history(handle: MissionHandle, table: str, record_id: str, *, limit: int = 500
            ) -> list[AuditEntry]:
    """The change log of one record, newest first."""
    with handle.session() as session:
        log = session.scalars(
            select(ChangeLog).where(ChangeLog.table_name == table,
                                    ChangeLog.record_id == record_id)
            .order_by(ChangeLog.at.desc(), ChangeLog.id).limit(limit)).all()
        return _entries(session, log)


def _bound(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    start = datetime.combine(value, time.min)
    return start + timedelta(days=1) if end else start


def _filtered(query, flt: AuditFilter | None):
    # Entries an older file holds for tables no longer logged (map positions) stay out.
    query = query.where(ChangeLog.table_name.not_in(sorted(UNLOGGED_TABLES)))
    if flt is None:
        return query
    if flt.who:
        query = query.where(ChangeLog.user_name == flt.who)
    since = _bound(flt.since, end=False)
    if since is not None:
        query = query.where(ChangeLog.at >= since)
    until = _bound(flt.until, end=True)
    if until is not None:
        query = (query.where(ChangeLog.at < until) if not isinstance(flt.until, datetime)
                 else query.where(ChangeLog.at <= until))
    if flt.tables:
        query = query.where(ChangeLog.table_name.in_(list(flt.tables)))
    if flt.actions:
        query = query.where(ChangeLog.action.in_(list(flt.actions)))
    if flt.record:
        query = query.where(ChangeLog.table_name == flt.record[0],
                            ChangeLog.record_id == flt.record[1])
    return query


def change_log(handle: MissionHandle, flt: AuditFilter | None = None, *, limit: int = 200,
               offset: int = 0, count: bool = False) -> AuditPage:
    """One page of the mission-wide log, newest first (`count` adds the total matching)."""
    with handle.session() as session:
        query = _filtered(select(ChangeLog), flt).order_by(ChangeLog.at.desc(),
                                                           ChangeLog.id)
        log = session.scalars(query.limit(limit + 1).offset(offset)).all()
        total = -1
        if count:
            total = session.scalar(_filtered(select(func.count()).select_from(ChangeLog),
                                             flt))
        return AuditPage(entries=_entries(session, log[:limit]), offset=offset,
                         has_more=len(log) > limit, total=total)


def log_users(handle: MissionHandle) -> list[str]:
    """The names that appear in the log, for the "who" filter."""
    with handle.session() as session:
        names = session.scalars(_filtered(select(ChangeLog.user_name).distinct()
                                          .where(ChangeLog.user_name.is_not(None)),
                                          None)).all()
    return sorted(names, key=str.casefold)


def log_tables(handle: MissionHandle) -> list[str]:
    """The tables that appear in the log, for the "desk" filter."""
    with handle.session() as session:
        return sorted(session.scalars(_filtered(select(ChangeLog.table_name).distinct(),
                                                None)).all())


def export_change_log(handle: MissionHandle, path: str | Path, fmt: str,
                      flt: AuditFilter | None = None, *, headers: Sequence[str] | None = None,
                      describe=None) -> Path:
    """Write the filtered log (newest first) to CSV or XLSX.

    Marked with the highest classification of the records concerned (deleted ones too) and
    of every classification those records held according to the log (an old value was
    written under it), or the mission's default when none is known; an unknown level
    counts as the most restrictive. A protected source's description stays masked.
    `headers` replaces EXPORT_COLUMNS (translated by the UI); `describe(entry) -> list`
    replaces the default row (codes and raw values).
    """
    with handle.session() as session:
        log = session.scalars(_filtered(select(ChangeLog), flt)
                              .order_by(ChangeLog.at.desc(), ChangeLog.id)).all()
        entries = _entries(session, log)
        wanted: dict[str, set[str]] = {}
        for e in entries:
            wanted.setdefault(e.table, set()).add(e.record_id)
        facts = _record_facts(session, wanted)
        held = [f[2] for f in facts.values()]
        for table, record_id, old, new in session.execute(
                select(ChangeLog.table_name, ChangeLog.record_id, ChangeLog.old_value,
                       ChangeLog.new_value).where(ChangeLog.field == "classification")):
            if record_id in wanted.get(table, ()):
                held += [_decode(v) for v in (old, new) if v is not None]
        default = session.scalars(select(Mission.default_classification)).first()
    known = Classification._value2member_map_
    levels = {v if isinstance(v, str) and v in known
              else Classification.STRICTLY_CONFIDENTIAL.value
              for v in held if v is not None}
    level = (Classification.highest(levels).value if levels
             else default or Classification.CONFIDENTIAL.value)

    def plain(value):
        if value is None or isinstance(value, str | int | float):
            return value
        return json.dumps(value, ensure_ascii=False)

    def row(e: AuditEntry) -> list:
        return [e.at, e.user_name, e.table, e.record_label, e.record_id, e.action, e.field,
                plain(e.old_value), plain(e.new_value)]

    return export_table(path, list(headers or EXPORT_COLUMNS),
                        [(describe or row)(e) for e in entries], level, fmt)


# --- restoring a deletion ------------------------------------------------------------------


def _row(session, table: str, record_id: str):
    model = MODELS.get(table)
    if model is None or "deleted_at" not in model.__table__.columns:
        raise RecordMissing(table=table, record_id=record_id)
    row = session.scalars(select(model).where(model.id == record_id)
                          .execution_options(include_deleted=True)).first()
    if row is None:
        raise RecordMissing(table=table, record_id=record_id)
    return row


def restore_deleted(uow: UnitOfWork, table: str, record_id: str, *,
                    expected_revision: int | None = None) -> RestoredView:
    """Bring a tombstoned record back (the unit of work logs "restore").

    InvalidValue(reason="not_deleted") when it is live; a source whose code name was taken
    meanwhile, or a driver link whose pair was linked again, is refused by its own service.
    """
    session = uow.session
    if table == "driver_stakeholders":
        from missiondesk.services.drivers import restore_link

        view = restore_link(uow, record_id, expected_revision=expected_revision)
        return RestoredView(id=view.id, table=table, revision=view.revision)
    row = _row(session, table, record_id)
    if row.deleted_at is None:
        raise InvalidValue(field="deleted_at", table=table, reason="not_deleted")
    check_revision(row, expected_revision)
    if isinstance(row, Source):
        from missiondesk.services.sources import _check_code_free

        _check_code_free(session, row.code_name.upper(), row.id)
    row.deleted_at = None
    session.flush()
    return RestoredView(id=row.id, table=table, revision=row.revision)


def delete_again(uow: UnitOfWork, table: str, record_id: str, *,
                 expected_revision: int | None = None) -> RestoredView:
    """Tombstone a record again (the undo of `restore_deleted`)."""
    row = _row(uow.session, table, record_id)
    check_revision(row, expected_revision)
    if row.deleted_at is None:
        row.deleted_at = utcnow()
        uow.session.flush()
    return RestoredView(id=row.id, table=table, revision=row.revision, deleted=True)
