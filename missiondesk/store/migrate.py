"""Schema versions: read the stored revision without Alembic; upgrade with it when needed.

Revision ids are sequential ("0001", "0002", …). A new file is created at head and stamped
(`create_all` + the search index); an older file is backed up and upgraded one step at a
time on the app's own keyed connection with foreign keys off, then checked; a newer file
is refused by the caller.
"""

from __future__ import annotations

import logging
from pathlib import Path

from missiondesk.paths import migrations_dir
from missiondesk.store import errors, search_index

log = logging.getLogger(__name__)

#: The newest schema this build knows; a test checks it is Alembic's single head.
HEAD_REVISION = "0009"


def schema_number(revision: str | None) -> int:
    return int(revision) if revision and revision.isdigit() else 0


def stored_revision(dbapi_conn) -> str | None:
    """The revision stamped in the file, or None when the file has no version table."""
    row = dbapi_conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if row is None:
        return None
    row = dbapi_conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def create_at_head(connection) -> None:
    """Create every table, the search index and stamp head (SQLAlchemy connection, in a txn)."""
    from missiondesk.store.schema import Base

    Base.metadata.create_all(connection)
    search_index.install_search(connection.exec_driver_sql)
    connection.exec_driver_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    connection.exec_driver_sql(
        "INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD_REVISION,)
    )


def alembic_config(script_location: Path | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or migrations_dir()))
    return cfg


def script_heads(script_location: Path | None = None) -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config(script_location)).get_heads())


def finish_migration(connection) -> None:
    """The last steps of every upgrade, inside its transaction (env.py calls this): the
    foreign keys still hold, and the search triggers are recreated for the new tables."""
    if connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        raise errors.MigrationFailed(step="foreign_key_check", detail="foreign_key_check")
    search_index.install_search(connection.exec_driver_sql)


def upgrade(engine, *, script_location: Path | None = None, target: str = "head") -> None:
    """Upgrade the file behind `engine` to `target` (Alembic imported only here)."""
    from alembic import command

    cfg = alembic_config(script_location)
    with engine.connect() as conn:
        # Batch migrations rebuild tables; with foreign keys on, dropping the old table would
        # delete or refuse child rows. The pragma only works outside a transaction, so it is
        # set on the driver connection before SQLAlchemy begins one.
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)  # env.py runs finish_migration before the commit
            if conn.in_transaction():
                conn.commit()
        finally:
            if conn.in_transaction():
                conn.rollback()
            raw.execute("PRAGMA foreign_keys = ON")
