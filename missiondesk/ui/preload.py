"""Start opening a mission while the window is still being built.

The key derivation (~0.1 s in SQLCipher's C code, which releases the GIL) runs in a plain
worker thread while the GUI thread imports Qt and paints. (Importing the store there too was
measured: it competes with the GUI thread for the GIL and only moves the cost.) Only the
passphrase start-up was given (MISSIONDESK_PASSPHRASE, read once) is used here; anything that
needs the user waits for the window. No Qt in this thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

_warmed = threading.Event()


def _import_map_services() -> None:
    import networkx  # noqa: F401

    from missiondesk.services.network import igraph_core

    igraph_core.load()  # without matplotlib: the map never draws with it


def _import_map_desk() -> None:
    import missiondesk.ui.map.desk  # noqa: F401


def warm_imports(prefetch: Prefetch | None = None) -> None:
    """Import what the map needs (its modules, networkx, igraph without matplotlib) in a
    background thread, once per process: started when a mission's Overview is on screen, so
    the first click on the map does not pay it. Then, with `prefetch`, read what the map shows
    (its graph, saved positions, names) in the same thread, for the map to take if the mission
    has not changed meanwhile. (matplotlib is not warmed: a chart pays it when first shown,
    and a user who never opens one never carries it.)"""
    first = not _warmed.is_set()
    _warmed.set()
    if not first and prefetch is None:
        return
    if prefetch is not None:
        prefetch.expect(MAP_INPUTS)  # a map opened from now on waits for this read

    def work() -> None:
        if first:
            _import_map_services()
        if prefetch is not None:  # what the map shows is read before its widgets' modules
            from missiondesk.services.network import map_inputs

            prefetch.run(MAP_INPUTS, map_inputs)
        if first:
            _import_map_desk()

    threading.Thread(target=work, name="warm-imports", daemon=True).start()


#: The key of the map's inputs in a mission's `Prefetch`.
MAP_INPUTS = "map-inputs"


class Prefetch:
    """Reads done ahead of time for one open mission, in a background thread, each valid
    until the mission changes: a desk `take`s a result (waiting for it if it is still being
    read) and gets None when a change came after the read began, or the read failed (it
    then reads again itself, and meets the error where it can say it). No Qt here."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self._lock = threading.Lock()
        self._generation = 0
        self._results: dict[str, tuple[int, object]] = {}
        self._running: dict[str, threading.Event] = {}
        self._started: set[str] = set()
        self._closed = False
        handle.add_listener(self._changed)

    def _changed(self, _changed) -> None:  # a handle listener: any thread that committed
        with self._lock:
            self._generation += 1
            self._results.clear()

    def expect(self, key: str) -> None:
        """A read of `key` is on its way: `take` waits for it rather than reading twice."""
        with self._lock:
            self._running.setdefault(key, threading.Event())

    def run(self, key: str, read) -> None:
        """Run `read(handle)` now, in the calling (background) thread, and keep its result."""
        with self._lock:
            generation = self._generation
            done = self._running.setdefault(key, threading.Event())
            if self._closed:
                done.set()
                return
            self._started.add(key)
        try:
            result = read(self._handle)
        except Exception:  # noqa: BLE001 - the desk reads again and reports it there
            result = None
        with self._lock:
            if result is not None and generation == self._generation:
                self._results[key] = (generation, result)
        done.set()

    def pending(self, key: str) -> bool:
        """A read of `key` is expected or under way and has not ended yet."""
        with self._lock:
            running = self._running.get(key)
        return running is not None and not running.is_set()

    def take(self, key: str, timeout: float = 30.0):
        """The result for `key` if it is still valid (once: it is handed over), else None."""
        with self._lock:
            running = self._running.get(key)
        if running is not None:
            running.wait(timeout)
        with self._lock:
            self._running.pop(key, None)
            found = self._results.pop(key, None)
            if found is None or found[0] != self._generation:
                return None
            return found[1]

    def close(self) -> None:
        """Before the mission closes: no read starts any more; one under way is waited for
        (its connection goes back to the pool before the pool is closed)."""
        with self._lock:
            self._closed = True
            waiting = [self._running[k] for k in self._started if k in self._running]
        for done in waiting:
            done.wait(30.0)
        self._handle.remove_listener(self._changed)
        with self._lock:
            self._results.clear()
            self._running.clear()


class MissionPreload(threading.Thread):
    def __init__(self, path: Path, passphrase: str | None = None) -> None:
        super().__init__(name="mission-preload", daemon=True)
        self.path = Path(path).absolute()
        self._given = passphrase  # dropped once the thread has used it
        self._passphrase: str | None = None
        self._connection = None

    def run(self) -> None:
        from missiondesk.store import errors
        from missiondesk.store.engine import connect, inspect_file

        given, self._given = self._given, None
        try:
            encrypted = inspect_file(self.path)
            passphrase = given if encrypted else None
            if not encrypted or passphrase:
                self._connection = connect(self.path, passphrase, encrypted=encrypted)
                self._passphrase = passphrase
                self._warm(self._connection)
        except errors.MissionError:
            # Not reported here: the window's open path meets the same error and says it,
            # with the user there to read it.
            self._connection = None

    @staticmethod
    def _warm(conn) -> None:
        """Read what the Overview's figures read (SQLite works without the interpreter's
        lock, so the disk and the decryption overlap the window being built): the pages are
        then in this connection's cache, and this connection serves the first session."""
        from datetime import date

        from missiondesk.store.counts import COUNTS_SQL

        try:
            conn.execute(COUNTS_SQL, (date.today().isoformat(),)).fetchall()
        except Exception:  # noqa: BLE001 - an older file, a damaged one: the window says it
            pass

    def take(self, path: Path, passphrase: str | None):
        """The keyed connection, if it was made for this file and passphrase; else None."""
        self.join()
        conn, self._connection = self._connection, None
        matches = Path(path).absolute() == self.path and passphrase == self._passphrase
        self._passphrase = None
        if conn is not None and not matches:
            conn.close()
            return None
        return conn
