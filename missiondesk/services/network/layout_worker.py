"""Large layouts in a child process, so the window stays responsive while they run.

igraph holds the interpreter's lock for the whole of a layout call (seconds on the large
mission), and calling it in smaller pieces made it five times slower (its grid restarts
from the new coordinates at each call). A thread therefore froze the window: every Qt call
that comes back into Python waited for the layout. The layout of a large graph runs here
instead, in a fresh interpreter started for it, on the other core.

What crosses the pipe is the graph's shape only — actor ids, links with their strength and
family, positions, pinned ids — never a name or a note; frames are pickled, between this
program and the child it started. Progress comes back as frames; a cancel kills the child.
The result is exactly `layout()`'s: the child builds the same graph and calls it.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from missiondesk.services.network.layout import LayoutCancelled, layout

#: The argument a frozen build recognises first thing (see `cli.main`).
WORKER_FLAG = "--layout-worker"


def _command() -> list[str]:
    if getattr(sys, "frozen", False):  # the bundled program runs the worker itself
        return [sys.executable, WORKER_FLAG]
    return [sys.executable, "-m", "missiondesk.services.network.layout_worker"]


def _write_frame(stream, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("!I", len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack("!I", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - frames of the child this program started


def start_worker() -> subprocess.Popen:
    """A child started ahead of its layout: it imports what a layout needs (~0.4 s) and then
    waits for the graph, while this program does other work. Give it to `layout_in_child`
    (or `stop_worker` it)."""
    env = dict(os.environ)
    env.pop("MISSIONDESK_PASSPHRASE", None)  # never needed there
    return subprocess.Popen(_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)


def stop_worker(proc: subprocess.Popen) -> None:
    """A child started ahead and not used after all."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()


def layout_in_child(graph, *, positions: dict[str, tuple[float, float]] | None = None,
                    pinned: frozenset[str] = frozenset(), seed: int = 7,
                    progress: Callable[[float], bool] | None = None,
                    relayout: bool = False,
                    worker: subprocess.Popen | None = None) -> dict[str, tuple[float, float]]:
    """`layout(...)` computed in a child process (same arguments, same result); `worker`:
    one `start_worker` started ahead, else one is started now.
    `progress` returning False kills the child and raises `LayoutCancelled`; a child that
    fails raises RuntimeError with its last words (no record content crosses)."""
    shape = {
        "nodes": list(graph.nodes),
        "edges": [(u, v, {"strength": a.get("strength"), "family": a.get("family")})
                  for u, v, a in graph.edges(data=True)],
        "positions": dict(positions or {}), "pinned": sorted(pinned), "seed": seed,
        "relayout": relayout,
    }
    proc = worker if worker is not None else start_worker()
    frames: queue.Queue = queue.Queue()

    def read() -> None:  # frames as they come; None when the child's output ends
        try:
            while True:
                frames.put(_read_frame(proc.stdout))
        except (EOFError, OSError, ValueError):
            frames.put(None)

    reader = threading.Thread(target=read, name="layout-worker-reader", daemon=True)
    # a rough duration, for the progress bar only: igraph gives no word while it works
    expected = 1.0 + 0.3e-6 * 500 * (graph.number_of_nodes() + graph.number_of_edges())
    started = time.monotonic()
    try:
        _write_frame(proc.stdin, shape)
        proc.stdin.close()
        reader.start()
        while True:
            try:
                frame = frames.get(timeout=0.1)
            except queue.Empty:  # still working: move the bar, hear a cancel at once
                guess = min(0.95, (time.monotonic() - started) / expected)
                if progress is not None and progress(guess) is False:
                    raise LayoutCancelled() from None
                continue
            if frame is None:
                proc.wait()
                words = proc.stderr.read().decode("utf-8", "replace").strip()
                raise RuntimeError("layout worker stopped (%s): %s"
                                   % (proc.returncode, words[-400:]))
            kind, value = frame
            if kind == "progress":
                continue  # the parent's own guess moves the bar
            if kind == "result":
                proc.wait()
                return value
            if kind == "cancelled":
                raise LayoutCancelled()
            raise RuntimeError("layout worker failed: %s" % value)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if reader.is_alive():
            reader.join(5)
        for stream in (proc.stdout, proc.stderr):
            stream.close()


def main() -> int:
    """The child: read the graph's shape, lay it out, report progress and the result."""
    import networkx as nx

    from missiondesk.services.network import igraph_core

    igraph_core.load()  # everything imported before the graph comes (see `start_worker`)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        shape = _read_frame(stdin)
    except EOFError:  # started ahead and not used
        return 0
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(shape["nodes"])
    for u, v, attrs in shape["edges"]:
        graph.add_edge(u, v, **attrs)

    def report(fraction: float) -> bool:
        _write_frame(stdout, ("progress", float(fraction)))
        return True

    try:
        result = layout(graph, positions=shape["positions"] or None,
                        pinned=frozenset(shape["pinned"]), seed=shape["seed"],
                        progress=report, relayout=shape["relayout"])
    except LayoutCancelled:
        _write_frame(stdout, ("cancelled", None))
        return 0
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which says it
        _write_frame(stdout, ("error", type(exc).__name__))
        return 1
    _write_frame(stdout, ("result", result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
