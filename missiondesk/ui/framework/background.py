"""A read off the GUI thread, its result handed back on the GUI thread.

For what a desk shows that takes more than a frame on the large mission (the Overview's
"What needs me today" reads ~100,000 commitments' index): the window keeps answering while
it is read. One read at a time per owner; a newer read makes older results stale (dropped);
`wait()` before the mission closes, so no read is left on a closing pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class BackgroundRead(QObject):
    """`run(work, done)`: `work()` in a worker thread, then `done(result, error)` on the GUI
    thread (error: the exception raised, else None) unless a newer `run` or `cancel` came."""

    _finished = Signal(int, object, object)  # ticket, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._callbacks: dict[int, Callable[[Any, BaseException | None], None]] = {}
        self._threads: list[threading.Thread] = []
        self._finished.connect(self._deliver)

    def run(self, work: Callable[[], Any],
            done: Callable[[Any, BaseException | None], None]) -> None:
        self._ticket += 1
        ticket = self._ticket
        self._callbacks = {ticket: done}

        def body() -> None:
            try:
                result, error = work(), None
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, said there
                result, error = None, exc
            self._finished.emit(ticket, result, error)

        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=body, name="background-read", daemon=True)
        self._threads.append(thread)
        thread.start()

    def busy(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def cancel(self) -> None:
        """Results of the reads under way are dropped."""
        self._ticket += 1
        self._callbacks = {}

    def wait(self, timeout: float = 30.0) -> None:
        """Until the reads under way have ended (before their mission closes)."""
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _deliver(self, ticket: int, result, error) -> None:
        done = self._callbacks.pop(ticket, None)
        if done is not None and ticket == self._ticket:
            done(result, error)
