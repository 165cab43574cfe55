"""igraph comes without matplotlib (the map's first click paid ~0.9 s for igraph's plotting)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from missiondesk.services.network import igraph_core
igraph = igraph_core.load()
g = igraph.Graph.Famous("Zachary")
print(len(g.layout_fruchterman_reingold().coords), len(g.community_multilevel()) > 1)
print(sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "PySide6")))
try:
    igraph.plot(g)
except Exception as exc:
    print(type(exc).__name__)
"""


def test_igraph_loads_without_matplotlib_and_still_lays_out():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "34 True"  # every vertex placed; communities found
    assert out[1] == "[]"  # neither matplotlib nor Qt imported
    assert out[2] in ("AttributeError", "TypeError")  # igraph's plotting says it is absent


def test_matplotlib_imported_afterwards_is_the_real_one():
    probe = ("from missiondesk.services.network import igraph_core; igraph_core.load(); "
             "import matplotlib.figure; print(matplotlib.figure.Figure().get_figwidth())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "6.4"
