"""Undo commands: a form never writes and then pushes; it pushes a command whose redo()
calls the service. Each command remembers the values it replaced and the revision it
expects, and refuses to undo over a record someone changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext

#: apply(uow, expected_revision, values) -> a view with a `revision`
Apply = Callable[[Any, int, dict], Any]


class EditRecordCommand(QUndoCommand):
    """Change some fields of one record through a service function."""

    def __init__(self, ctx: MissionContext, text: str, apply: Apply, *, revision: int,
                 old: dict, new: dict, on_error: Callable[[MissionError], None]) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._apply = apply
        self._old = dict(old)
        self._new = dict(new)
        self._revision = revision  # the record's revision the next step expects
        self._on_error = on_error
        self._done_once = False

    def _run(self, values: dict) -> None:
        with self._ctx.handle.unit_of_work() as uow:
            view = self._apply(uow, self._revision, values)
        self._revision = view.revision

    def first_apply(self) -> None:
        """Apply before pushing, so a refused edit never enters the stack (raises on refusal)."""
        self._run(self._new)
        self._done_once = True

    def redo(self) -> None:
        if self._done_once:
            self._done_once = False
            return
        try:
            self._run(self._new)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)

    def undo(self) -> None:
        try:
            self._run(self._old)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)


def push_edit(ctx: MissionContext, command: EditRecordCommand) -> None:
    """Apply the edit now and put it on the undo stack; raises MissionError if refused."""
    command.first_apply()
    ctx.undo_stack.push(command)
