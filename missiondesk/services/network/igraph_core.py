"""igraph without its plotting.

`import igraph` imports `matplotlib.pyplot` for igraph's own drawing (which MissionDesk never
uses: the map is Qt's, the printed figures are `figures/`): ~0.9 s, a GUI backend chosen
inside a Qt program, and ~40 MB — paid by the first click on the map. `load()` imports igraph
as on a machine without matplotlib: igraph's drawing modules ask one function,
`igraph.drawing.matplotlib.utils.find_matplotlib`, and get igraph's own "not installed"
answer. Nothing of matplotlib's own state is touched, so another thread importing matplotlib
at the same time is unaffected. Every igraph import of the program goes through `load()`.
"""

from __future__ import annotations

import sys
import threading
import types

_UTILS = "igraph.drawing.matplotlib.utils"
_lock = threading.Lock()


class _NoPlotting:
    """What igraph's drawing gets instead of matplotlib: any use says why it fails."""

    def __init__(self, message: str) -> None:
        self._message = message

    def __getattr__(self, _name: str):
        raise AttributeError(self._message)

    def __call__(self, *_args, **_kwargs):
        raise TypeError(self._message)


def _find_matplotlib():
    message = "igraph's plotting is not used by MissionDesk"
    return _NoPlotting(message), _NoPlotting(message)


def load() -> types.ModuleType:
    """The igraph module, imported without matplotlib the first time."""
    module = sys.modules.get("igraph")
    if module is not None:
        return module
    with _lock:
        if _UTILS not in sys.modules:
            utils = types.ModuleType(_UTILS)
            utils.__all__ = ("find_matplotlib",)
            utils.find_matplotlib = _find_matplotlib
            sys.modules[_UTILS] = utils
        import igraph

        return igraph
