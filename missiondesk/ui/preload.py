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


def warm_imports() -> None:
    """Import what the map and the charts need (the map's modules, networkx, igraph, which
    pulls in matplotlib: ~1 s in all) in a background thread, once per process: started when
    a mission's Overview is on screen, so the first click on the map does not pay it."""
    if _warmed.is_set():
        return
    _warmed.set()

    def work() -> None:
        import igraph  # noqa: F401
        import matplotlib.figure  # noqa: F401
        import networkx  # noqa: F401

        import missiondesk.services.network  # noqa: F401
        import missiondesk.ui.map.desk  # noqa: F401

    threading.Thread(target=work, name="warm-imports", daemon=True).start()


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
        except errors.MissionError:
            # Not reported here: the window's open path meets the same error and says it,
            # with the user there to read it.
            self._connection = None

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
