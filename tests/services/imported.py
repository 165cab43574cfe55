"""A realistic imported network (45 actors, 72 undated relationships from a spreadsheet,
names with commas and parentheses), imported through the CLI as a user does."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent.parent / "fixtures" / "imported"
STAKEHOLDERS = FOLDER / "stakeholders.csv"
RELATIONSHIPS = FOLDER / "relationships.csv"


def import_network(target: Path) -> Path:
    from missiondesk.cli import main

    assert main(["import", str(target), "--stakeholders", str(STAKEHOLDERS),
                 "--relationships", str(RELATIONSHIPS), "--no-passphrase"]) == 0
    return target


def open_imported(tmp_path: Path):
    """The imported network in a new plain mission file, opened (the caller closes it)."""
    from missiondesk.store.handle import open_mission

    handle = open_mission(import_network(tmp_path / "imported.mdesk"), None)
    handle.set_user(None, "Analyst")
    return handle
