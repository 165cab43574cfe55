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

    def _own_revisions(self) -> set[int] | None:
        """The revisions this undo stack's commands gave the record (None: no record id)."""
        record_id = getattr(self, "record_id", None)
        if record_id is None:
            return None
        stack = self._ctx.undo_stack
        if not hasattr(stack, "record_revisions"):
            stack.record_revisions = {}
        return stack.record_revisions.setdefault(record_id, set())

    def _run(self, action: Callable[[Any], Any]) -> None:
        own = self._own_revisions()
        if own is not None and self._revision is not None:  # None: any revision
            # Later commands on this stack moved the record on (an undo of a later edit
            # bumps the revision too): expect the revision they left, unless someone else
            # wrote in between (a revision not this stack's), which stays a conflict.
            while self._revision + 1 in own:
                self._revision += 1
        with self._ctx.handle.unit_of_work() as uow:
            view = action(uow)
        self._revision = view.revision
        if own is not None:
            own.add(view.revision)

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
                 old: dict, new: dict, on_error: Callable[[MissionError], None],
                 record_id: str | None = None) -> None:
        super().__init__(ctx, text, revision, on_error)
        self.record_id = record_id  # lets undo follow later commands on the same record
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
        self._own_revisions().add(view.revision)
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


class StatusCommand(_ServiceCommand):
    """Move a record along its status workflow through the service's
    `set_status(uow, id, status, *, expected_revision, undoing)`; undo puts the previous status
    back (`undoing=True`: what was, whatever the workflow says)."""

    def __init__(self, ctx: MissionContext, text: str, *, set_status: Callable[..., Any],
                 record_id: str, revision: int, old: str, new: str,
                 on_error: Callable[[MissionError], None]) -> None:
        super().__init__(ctx, text, revision, on_error)
        self._set_status = set_status
        self.record_id, self._old, self._new = record_id, old, new

    def _set(self, status: str, undoing: bool):
        return lambda uow: self._set_status(uow, self.record_id, status,
                                            expected_revision=self._revision, undoing=undoing)

    def first_apply(self) -> None:
        self._run(self._set(self._new, False))
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(self._set(self._new, True))

    def undo(self) -> None:
        self._guarded(self._set(self._old, True))


def show_undo_refused(owner, exc: MissionError) -> None:
    """Say over `owner` why an undo or redo was refused (a command's `on_error`)."""
    from PySide6.QtWidgets import QMessageBox

    from missiondesk.messages import error_text

    QMessageBox.warning(owner, owner.tr("Undo"), error_text(exc))


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


class RecordActions:
    """Create, edit and delete one kind of record through its service, each on the undo stack.

    A desk gives the service's four functions and the undo-menu texts once; its buttons then
    call `create(values)`, `edit(current, values)` and `delete(current)`. Each returns the
    sentence to show when the service refuses (None when it accepted), so a form stays open
    with the reason. `current` is the row or detail a desk shows: it has `id`, `revision` and
    `values()` (the fields a form edits).
    """

    def __init__(self, owner, ctx: Callable[[], MissionContext | None], *,
                 create: Callable[..., Any], update: Callable[..., Any],
                 delete: Callable[..., Any], restore: Callable[..., Any],
                 texts: dict[str, str]) -> None:
        self._owner = owner          # the widget undo errors are shown over
        self._ctx = ctx
        self._create = create        # create(uow, **values)
        self._update = update        # update(uow, id, expected_revision=..., **values)
        self._delete = delete        # delete(uow, id, expected_revision=...)
        self._restore = restore      # restore(uow, id, expected_revision=...)
        self._texts = texts          # {"create": ..., "edit": ..., "delete": ...}
        self.last_created_id: str | None = None

    def show_undo_error(self, exc: MissionError) -> None:
        """The `on_error` of a desk's own commands (given to `push`): say why an undo or
        redo was refused, over the desk."""
        show_undo_refused(self._owner, exc)

    def push(self, command: _ServiceCommand) -> str | None:
        """Push any command; the refusal's sentence, or None."""
        from missiondesk.messages import error_text

        ctx = self._ctx()
        if ctx is None:
            return None
        try:
            push_command(ctx, command)
        except MissionError as exc:
            return error_text(exc)
        return None

    def _delete_step(self, uow, rid: str, rev: int):
        return self._delete(uow, rid, expected_revision=rev)

    def _restore_step(self, uow, rid: str, rev: int):
        return self._restore(uow, rid, expected_revision=rev)

    def create(self, values: dict, *, text: str | None = None) -> str | None:
        """`text`: the undo menu's text when it names the record (else texts["create"])."""
        ctx = self._ctx()
        if ctx is None:
            return None
        values = {k: v for k, v in values.items() if k != "id"}  # a new form's draft key
        command = CreateRecordCommand(
            ctx, text or self._texts["create"],
            create=lambda uow: self._create(uow, **values),
            delete=self._delete_step, restore=self._restore_step,
            on_error=self.show_undo_error)
        problem = self.push(command)
        self.last_created_id = command.record_id if problem is None else None
        return problem

    def edit(self, current, values: dict, *, text: str | None = None) -> str | None:
        """Change the fields that differ from `current`; nothing changed is not an edit."""
        ctx = self._ctx()
        if ctx is None:
            return None
        values = {k: v for k, v in values.items() if k != "id"}  # the form's draft key
        old, new = changed_fields(current.values(), values)
        if not new:
            return None
        record_id = current.id
        command = EditRecordCommand(
            ctx, text or self._texts["edit"],
            lambda uow, rev, vals: self._update(uow, record_id, expected_revision=rev, **vals),
            revision=current.revision, old=old, new=new, on_error=self.show_undo_error,
            record_id=record_id)
        return self.push(command)

    def delete(self, current, *, text: str | None = None) -> str | None:
        ctx = self._ctx()
        if ctx is None:
            return None
        command = DeleteRecordCommand(
            ctx, text or self._texts["delete"], record_id=current.id, revision=current.revision,
            delete=self._delete_step, restore=self._restore_step,
            on_error=self.show_undo_error)
        return self.push(command)


#: remove(uow, {record id: expected revision}) -> the views of the records (restore alike)
BatchStep = Callable[[Any, dict], list]


class BatchCommand(QUndoCommand):
    """Several records made in one unit of work and one undo step (tasks pasted from a
    resolution): undo removes them all, redo brings the same records back, each record's
    revision checked at every step. `create(uow)` returns the views of the new records."""

    def __init__(self, ctx: MissionContext, text: str, *, create: Callable[[Any], list],
                 remove: BatchStep, restore: BatchStep,
                 on_error: Callable[[MissionError], None]) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._create = create
        self._remove = remove
        self._restore = restore
        self._on_error = on_error
        self._revisions: dict[str, int] = {}
        self._applied_by_push = False
        self.ids: list[str] = []

    def first_apply(self) -> None:
        with self._ctx.handle.unit_of_work() as uow:
            views = self._create(uow)
        self.ids = [v.id for v in views]
        self._revisions = {v.id: v.revision for v in views}
        self._applied_by_push = True

    def _step(self, step: BatchStep) -> None:
        try:
            with self._ctx.handle.unit_of_work() as uow:
                views = step(uow, dict(self._revisions))
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)
            return
        self._revisions = {v.id: v.revision for v in views}

    def redo(self) -> None:
        if self._applied_by_push:
            self._applied_by_push = False
            return
        self._step(self._restore)

    def undo(self) -> None:
        self._step(self._remove)
