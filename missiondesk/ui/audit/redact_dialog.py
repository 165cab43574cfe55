"""Redact a field: choose it, confirm, remove its content from the record, its drafts, its
change-log history, the file's free pages and WAL, and every automatic backup; then say what
was removed and which copies still hold it ("Back up to" copies not plugged in).

`redact_field(parent, ctx, table, record_id, fields)` is what a desk's "Redact…" button
calls. Redaction cannot be undone, and the undo stack is cleared after it: the commands on
it hold the old values in memory and could otherwise write the content back.
`reach_text(report)` says the same for a purge (the Audit trail desk).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.form import code_combo, hint_label


class RedactDialog(QDialog):
    """Pick the field to redact among the record's free-text fields. Not a record form (it
    writes nothing itself: the choice is confirmed, then redacted): the framework's
    `code_combo` and `hint_label` in a plain dialog."""

    def __init__(self, parent: QWidget | None, fields: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Redact a Field"))
        self.field = code_combo((label, field) for field, label in fields)
        form = QFormLayout()
        form.addRow(self.tr("Field"), self.field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.redact_button = buttons.addButton(self.tr("Redact\u2026"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.redact_button.setEnabled(bool(fields))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr(
            "Redacting removes the field's content from this record, from its unsaved drafts, "
            "from its change history and from the automatic backups. A name becomes "
            "\u201c[redacted]\u201d. It cannot be undone.")))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def chosen(self) -> str | None:
        return self.field.currentData()

    @classmethod
    def ask(cls, parent: QWidget | None, fields: list[tuple[str, str]]) -> str | None:
        """The field chosen, or None if cancelled (tests patch this)."""
        dialog = cls(parent, fields)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen()

    @classmethod
    def confirm(cls, parent: QWidget | None, label: str) -> bool:
        """The last word before the content goes (tests patch this)."""
        answer = QMessageBox.warning(
            parent, cls.tr_static("Redact a Field"),
            cls.tr_static("Remove the content of \u201c{field}\u201d from this record, its "
                          "drafts, its history and the automatic backups? This cannot be "
                          "undone.").format(field=label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def tr_static(text: str) -> str:
        return QCoreApplication.translate("RedactDialog", text)


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("RedactDialog", text, "", n)


def reach_text(report) -> str:
    """Where else the content was removed, and which copies still hold it (by path)."""
    scrub = getattr(report, "backups", None)
    parts = []
    if not getattr(report, "checkpointed", True):
        parts.append(_t("The mission file's journal could not be emptied now; it will be "
                        "when the mission is closed."))
    if scrub is None:
        return " ".join(parts)
    parts.append(_t("%n backup(s) rewritten without it.", len(scrub.rewritten)))
    if scrub.still_holding:
        parts.append(_t("These copies still hold the old value: {paths}. Delete them, or "
                        "redact again when they can be reached (a USB stick plugged in).")
                     .format(paths="; ".join(str(p) for p in scrub.still_holding)))
    parts.append(_t("Copies made by other means (a file copied by hand, a colleague's "
                    "laptop) are out of MissionDesk's reach."))
    return " ".join(parts)


def report_text(report, label: str) -> str:
    """What a redaction removed, in a few sentences, with the copies that still hold it."""
    parts = [_t("\u201c{field}\u201d was emptied on the record.").format(field=label)
             if report.record else
             _t("\u201c{field}\u201d was already empty on the record.").format(field=label)]
    parts.append(_t("%n draft(s) deleted.", report.drafts))
    parts.append(_t("%n change-history entry(ies) stripped of their content.",
                    report.log_entries))
    reach = reach_text(report)
    if reach:
        parts.append(reach)
    else:
        parts.append(_t("Backups made before now still hold the old content."))
    return " ".join(parts)


def field_choices(table: str, record, labels: dict[str, str] | None = None
                  ) -> list[tuple[str, str]]:
    """(field, label) for the redactable fields of `table` that hold something on `record`
    (any object with those attributes, e.g. a service's detail view)."""
    from missiondesk.messages import field_label
    from missiondesk.services.redaction import REDACTED_NAME, redactable_fields

    labels = labels or {}
    return [(f, labels.get(f) or field_label(f, table)) for f in redactable_fields(table)
            if getattr(record, f, None) not in (None, "", [], ())
            and not str(getattr(record, f, "")).startswith(REDACTED_NAME + " ")]


def redact_field(parent: QWidget | None, ctx: MissionContext | None, table: str,
                 record_id: str | None, fields: list[tuple[str, str]]):
    """Ask which field, confirm, redact, say what was removed. Returns the RedactionReport,
    or None when cancelled or refused (the refusal is shown)."""
    if ctx is None or record_id is None:
        return None
    from missiondesk.services.redaction import redact_everywhere, redactable_fields

    title = RedactDialog.tr_static("Redact a Field")
    allowed = set(redactable_fields(table))
    fields = [(f, label) for f, label in fields if f in allowed]
    if not fields:
        QMessageBox.information(parent, title, RedactDialog.tr_static(
            "This record holds no free text to redact."))
        return None
    field = RedactDialog.ask(parent, fields)
    if field is None:
        return None
    label = dict(fields).get(field, field)
    if not RedactDialog.confirm(parent, label):
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # backups are rewritten
    try:
        report = redact_everywhere(ctx.handle, table, record_id, field)
    except MissionError as exc:
        QMessageBox.warning(parent, title, error_text(exc))
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()
    ctx.undo_stack.clear()  # its commands hold old values in memory
    QMessageBox.information(parent, title, report_text(report, label))
    return report
