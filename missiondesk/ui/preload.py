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
