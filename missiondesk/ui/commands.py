"""Undo commands: a form never writes and then pushes; it pushes a command whose redo()
calls the service. Each command remembers the values it replaced and the revision it
expects, and refuses to undo over a record someone changed since.

`push_command` applies a command once before it enters the stack, so an edit the service
refuses (validation, conflict, full disk) raises to the form and never reaches the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext

#: apply(uow, expected_revision, values) -> a view with a `revision`
Apply = Callable[[Any, int, dict], Any]
#: step(uow, record_id, expected_revision) -> a view with a `revision`
Step = Callable[[Any, str, int], Any]


class _ServiceCommand(QUndoCommand):
    """Runs service calls in units of work and tracks the record's revision between steps."""

    def __init__(self, ctx: MissionContext, text: str, revision: int,
                 on_error: Callable[[MissionError], None]) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._revision = revision
        self._on_error = on_error
        self._applied_by_push = False

    def _run(self, action: Callable[[Any], Any]) -> None:
        with self._ctx.handle.unit_of_work() as uow:
            view = action(uow)
        self._revision = view.revision

    def _guarded(self, action: Callable[[Any], Any]) -> None:
        """An undo or redo refused by the service: say why and drop the command."""
        try:
            self._run(action)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)

    # Subclasses define first_apply() (the application before pushing) and _forward().
    def redo(self) -> None:
        if self._applied_by_push:
            self._applied_by_push = False
            return
        self._forward()


class EditRecordCommand(_ServiceCommand):
    """Change some fields of one record through a service function."""

    def __init__(self, ctx: MissionContext, text: str, apply: Apply, *, revision: int,
                 old: dict, new: dict, on_error: Callable[[MissionError], None]) -> None:
        super().__init__(ctx, text, revision, on_error)
        self._apply = apply
        self._old = dict(old)
        self._new = dict(new)

    def first_apply(self) -> None:
        self._run(lambda uow: self._apply(uow, self._revision, self._new))
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(lambda uow: self._apply(uow, self._revision, self._new))

    def undo(self) -> None:
        self._guarded(lambda uow: self._apply(uow, self._revision, self._old))


class CreateRecordCommand(_ServiceCommand):
    """Create a record; undo tombstones it, redo restores it (same id, revisions checked)."""

    def __init__(self, ctx: MissionContext, text: str, *, create: Callable[[Any], Any],
                 delete: Step, restore: Step, on_error: Callable[[MissionError], None]) -> None:
        super().__init__(ctx, text, 0, on_error)
        self._create = create
        self._delete = delete
        self._restore = restore
        self.record_id: str | None = None

    def first_apply(self) -> None:
        with self._ctx.handle.unit_of_work() as uow:
            view = self._create(uow)
        self.record_id, self._revision = view.id, view.revision
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(lambda uow: self._restore(uow, self.record_id, self._revision))

    def undo(self) -> None:
        self._guarded(lambda uow: self._delete(uow, self.record_id, self._revision))


class DeleteRecordCommand(_ServiceCommand):
    """Tombstone a record; undo restores it."""

    def __init__(self, ctx: MissionContext, text: str, *, record_id: str, revision: int,
                 delete: Step, restore: Step, on_error: Callable[[MissionError], None]) -> None:
        super().__init__(ctx, text, revision, on_error)
        self._delete = delete
        self._restore = restore
        self.record_id = record_id

    def first_apply(self) -> None:
        self._run(lambda uow: self._delete(uow, self.record_id, self._revision))
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(lambda uow: self._delete(uow, self.record_id, self._revision))

    def undo(self) -> None:
        self._guarded(lambda uow: self._restore(uow, self.record_id, self._revision))


def push_command(ctx: MissionContext, command: _ServiceCommand) -> None:
    """Apply the command now and put it on the undo stack; raises MissionError if refused."""
    command.first_apply()
    ctx.undo_stack.push(command)


#: The name the Overview desk uses for its edits.
push_edit = push_command


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def changed_fields(before: dict, values: dict) -> tuple[dict, dict]:
    """(old, new) for the fields a form changed: blanks equal None, lists equal tuples."""
    new = {k: v for k, v in values.items() if _comparable(v) != _comparable(before.get(k))}
    old = {k: list(before[k]) if isinstance(before.get(k), tuple) else before.get(k)
           for k in new}
    return old, new
