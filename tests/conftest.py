"""Shared fixtures: every user folder in tmp_path, Qt offscreen, real mission files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSPHRASE = "corr3ct 'horse' \\ battery — Ñandú"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch) -> Path:
    """Data, config and QSettings go to a folder of this test; no passphrase or user leaks in."""
    home = tmp_path / "home"
    monkeypatch.setenv("MISSIONDESK_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.delenv("MISSIONDESK_PASSPHRASE", raising=False)
    monkeypatch.delenv("MISSIONDESK_USER", raising=False)
    return home


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    """One encrypted Carana demo written per test session; tests copy it."""
    from missiondesk.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(folder / "home")
    try:
        handle = write_demo(folder / "carana.mdesk", PASSPHRASE)
        handle.close()
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous
    return folder / "carana.mdesk"


@pytest.fixture
def demo_file(demo_master, tmp_path) -> Path:
    """A fresh copy of the encrypted Carana demo for this test."""
    target = tmp_path / "carana.mdesk"
    shutil.copyfile(demo_master, target)
    return target


@pytest.fixture
def plain_mission(tmp_path):
    from missiondesk.store.handle import NewMission, create_mission

    handle = create_mission(tmp_path / "plain.mdesk", None, NewMission(name="Plain mission"))
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


@pytest.fixture
def encrypted_mission(tmp_path):
    from missiondesk.store.handle import NewMission, create_mission

    handle = create_mission(tmp_path / "secret.mdesk", PASSPHRASE,
                            NewMission(name="Encrypted mission"))
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


def file_state(path: Path) -> dict[str, bytes | None]:
    """The bytes of a mission file and its sidecars, to prove nothing was modified."""
    state = {}
    for suffix in ("", "-wal", "-shm", ".lock"):
        p = path.with_name(path.name + suffix)
        state[suffix] = p.read_bytes() if p.exists() and p.is_file() else None
    return state
