"""Every failure of the command line is one sentence: a closed pipe, a missing folder, a
bug (whose log never carries record text)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from missiondesk import cli
from missiondesk.cli import main
from tests.conftest import PASSPHRASE


def test_check_into_a_closed_pipe_exits_quietly(demo_file, isolated_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISSIONDESK_")}
    env.update(MISSIONDESK_HOME=str(isolated_home), MISSIONDESK_PASSPHRASE=PASSPHRASE)
    # `missiondesk check FILE | head -0`: the reader is gone before anything is printed
    child = subprocess.Popen([sys.executable, "-m", "missiondesk", "check", str(demo_file)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    child.stdout.close()
    stderr = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    assert child.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert stderr == ""


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_export_into_a_missing_folder_names_the_folder(demo_file, tmp_path, monkeypatch,
                                                       capsys, fmt):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    folder = tmp_path / "no such folder"
    status = main(["export", str(demo_file), "--format", fmt, "-o", str(folder / "out")])
    assert status == 1
    assert capsys.readouterr().err.strip() == "The folder %s does not exist." % folder


def test_demo_into_a_missing_folder_names_the_folder(tmp_path, capsys):
    folder = tmp_path / "stick" / "missions"
    assert main(["demo", str(folder / "carana.mdesk"), "--no-passphrase"]) == 1
    assert capsys.readouterr().err.strip() == "The folder %s does not exist." % folder
    assert not (tmp_path / "stick").exists()


def test_a_bug_is_one_sentence_and_its_log_never_carries_record_text(demo_file, monkeypatch,
                                                                      capsys, caplog):
    planted = "Colonel Zebulon-7731 of the Ngali"

    def buggy(args):
        names = {}
        return names[planted]  # a KeyError of a stakeholder's name

    monkeypatch.setitem(cli.COMMANDS, "check", buggy)
    status = main(["check", str(demo_file), "--no-passphrase"])
    out = capsys.readouterr()
    assert status == 1
    assert "KeyError" in out.err and out.err.count("\n") == 1  # one sentence
    assert "KeyError" in caplog.text and "buggy" in caplog.text  # the frames are kept
    assert planted not in out.out + out.err + caplog.text
    assert "Zebulon" not in caplog.text
