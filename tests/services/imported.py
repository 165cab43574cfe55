"""A realistic imported network (45 actors, 72 undated relationships from a spreadsheet,
names with commas and parentheses), imported through the CLI as a user does."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent.parent / "fixtures" / "imported"
STAKEHOLDERS = FOLDER / "stakeholders.csv"
RELATIONSHIPS = FOLDER / "relationships.csv"


def import_network(target: Path) -> Path:
    """Import the fixture into `target`. The records' ids are the same in every run (a
    seeded sequence instead of random UUIDs), so the map's layout — which orders actors by
    id — and every test that looks at it are the same in every run."""
    import random
    import uuid
    from unittest import mock

    from missiondesk.cli import main

    rng = random.Random(20261203)
    with mock.patch("uuid.uuid4", lambda: uuid.UUID(int=rng.getrandbits(128), version=4)):
        assert main(["import", str(target), "--stakeholders", str(STAKEHOLDERS),
                     "--relationships", str(RELATIONSHIPS), "--no-passphrase"]) == 0
    return target


def open_imported(tmp_path: Path):
    """The imported network in a new plain mission file, opened (the caller closes it)."""
    from missiondesk.store.handle import open_mission

    handle = open_mission(import_network(tmp_path / "imported.mdesk"), None)
    handle.set_user(None, "Analyst")
    return handle
