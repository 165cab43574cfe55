"""Full-text search tables (FTS5, case- and accent-insensitive) kept in step by triggers.

Each searchable table has an external-content FTS5 index keyed by the table's rowid. The
index holds tombstoned rows too; searches join back and filter them. Anything that copies
rows to a new file (encrypt, decrypt) must call `rebuild_search` since rowids change.
The identifiers below are constants of this module, never user input.
"""

from __future__ import annotations

#: table -> the text columns it makes searchable
SEARCHABLE: dict[str, tuple[str, ...]] = {
    "stakeholders": (
        "name", "aliases", "description", "positions", "interests", "grievances", "motivations",
    ),
    "engagements": (
        "title", "location", "purpose", "key_messages_delivered", "counterpart_positions",
        "outcomes",
    ),
    "commitments": ("text", "verification", "evidence"),
}

TOKENIZER = "unicode61 remove_diacritics 2"


def fts_name(table: str) -> str:
    return table + "_fts"


def create_tables_sql() -> list[str]:
    statements = []
    for table, columns in SEARCHABLE.items():
        statements.append(
            "CREATE VIRTUAL TABLE IF NOT EXISTS %s USING fts5(%s, content='%s', "
            "content_rowid='rowid', tokenize='%s')"
            % (fts_name(table), ", ".join(columns), table, TOKENIZER)
        )
    return statements


def triggers_sql() -> list[str]:
    statements = []
    for table, columns in SEARCHABLE.items():
        fts = fts_name(table)
        cols = ", ".join(columns)
        new_vals = ", ".join("new." + c for c in columns)
        old_vals = ", ".join("old." + c for c in columns)
        insert = "INSERT INTO %s(rowid, %s) VALUES (new.rowid, %s);" % (fts, cols, new_vals)
        delete = "INSERT INTO %s(%s, rowid, %s) VALUES ('delete', old.rowid, %s);" % (
            fts, fts, cols, old_vals,
        )
        for suffix in ("ai", "ad", "au"):
            statements.append("DROP TRIGGER IF EXISTS %s_%s" % (fts, suffix))
        statements.append(
            "CREATE TRIGGER %s_ai AFTER INSERT ON %s BEGIN %s END" % (fts, table, insert)
        )
        statements.append(
            "CREATE TRIGGER %s_ad AFTER DELETE ON %s BEGIN %s END" % (fts, table, delete)
        )
        statements.append(
            "CREATE TRIGGER %s_au AFTER UPDATE OF %s ON %s BEGIN %s %s END"
            % (fts, cols, table, delete, insert)
        )
    return statements


def install_search(execute) -> None:
    """Create the FTS tables if missing and (re)create their triggers.

    `execute` runs one SQL statement (a driver connection's or SQLAlchemy's exec_driver_sql).
    """
    for sql in create_tables_sql() + triggers_sql():
        execute(sql)


def rebuild_search(execute) -> None:
    for table in SEARCHABLE:
        fts = fts_name(table)
        execute("INSERT INTO %s(%s) VALUES ('rebuild')" % (fts, fts))


def integrity_check_sql() -> list[str]:
    return [
        "INSERT INTO %s(%s) VALUES ('integrity-check')" % (fts_name(t), fts_name(t))
        for t in SEARCHABLE
    ]


def is_search_table(name: str) -> bool:
    """FTS5 tables and their shadow tables, which the ORM does not model."""
    return any(name == fts_name(t) or name.startswith(fts_name(t) + "_") for t in SEARCHABLE)


def include_name(name, type_, _parent_names) -> bool:
    """Alembic autogenerate filter: leave the search tables alone."""
    return not (type_ == "table" and name and is_search_table(name))
