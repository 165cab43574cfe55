"""`missiondesk check`: is the file sound? Integrity, links, search index, schema, counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlcipher3 import dbapi2

from missiondesk.store import search_index
from missiondesk.store.engine import check_pragmas
from missiondesk.store.handle import MissionHandle
from missiondesk.store.migrate import stored_revision


@dataclass
class CheckReport:
    integrity: list[str] = field(default_factory=list)  # "ok" or SQLite's findings
    foreign_key_problems: int = 0
    search_index_ok: bool = True
    schema_revision: str | None = None
    pragmas: dict = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (self.integrity == ["ok"] and self.foreign_key_problems == 0
                and self.search_index_ok)


def check_mission(handle: MissionHandle) -> CheckReport:
    """Run SQLite's integrity and foreign-key checks and FTS5's integrity check."""
    from missiondesk.services.mission import mission_summary

    report = CheckReport()
    with handle.driver_connection() as conn:
        try:
            report.integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            report.foreign_key_problems = len(
                conn.execute("PRAGMA foreign_key_check").fetchall())
            report.schema_revision = stored_revision(conn)
            report.pragmas = check_pragmas(conn)
        except dbapi2.DatabaseError as exc:
            # So damaged that SQLite cannot even walk it: that is the finding (its words
            # name pages, never record contents).
            report.integrity = [str(exc)]
            return report
        for sql in search_index.integrity_check_sql():
            try:
                conn.execute(sql)
            except dbapi2.DatabaseError:
                report.search_index_ok = False
    try:
        report.counts = mission_summary(handle).counts
    except dbapi2.DatabaseError:
        report.integrity.append("records could not be counted")
    return report
