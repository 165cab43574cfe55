"""Undo steps on one record that follow each other: the framework's commands, with a ledger of
the revision this desk's own steps last left each record at.

A framework command expects the revision it saw when it was last applied; after two edits of
the same plan line, undoing the second moves the line's revision on, and the first's undo
would then be refused as if someone else had changed the line. Here each undo or redo expects
the revision the desk's last step left (when that step was the last write): a change by anyone
else still moves the revision past it and is refused with its message.
"""

from __future__ import annotations

from typing import Any

from missiondesk.ui.framework.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
)


class RevisionLedger:
    """record id -> the revision the desk's last step left it at."""

    def __init__(self) -> None:
        self._known: dict[str, int] = {}

    def expected(self, record_id: str | None, fallback: int) -> int:
        return self._known.get(record_id, fallback) if record_id else fallback

    def note(self, record_id: str | None, revision: int) -> None:
        if record_id:
            self._known[record_id] = revision

    def clear(self) -> None:
        self._known.clear()


class _Ledgered:
    """Mixed into a framework command: undo and redo expect the ledger's revision."""

    ledger: RevisionLedger
    record_id: str | None

    def _run(self, action) -> None:
        super()._run(action)
        self.ledger.note(self.record_id, self._revision)

    def _guarded(self, action) -> None:
        self._revision = self.ledger.expected(self.record_id, self._revision)
        super()._guarded(action)  # _run notes the revision when the step was taken


class LedgerEdit(_Ledgered, EditRecordCommand):
    def __init__(self, ledger: RevisionLedger, record_id: str, *args: Any, **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        self.ledger, self.record_id = ledger, record_id


class LedgerCreate(_Ledgered, CreateRecordCommand):
    def __init__(self, ledger: RevisionLedger, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = ledger

    def first_apply(self) -> None:
        super().first_apply()
        self.ledger.note(self.record_id, self._revision)


class LedgerDelete(_Ledgered, DeleteRecordCommand):
    def __init__(self, ledger: RevisionLedger, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = ledger
