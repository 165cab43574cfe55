"""The Audit trail desk: the mission-wide change log, newest first, with filters (who, date
range, desk), paged as the list scrolls (fetchMore) or with "Load more", exportable, and
Restore for a deletion, Purge… for a deleted record (for good: not undoable).
Every entry names its record's kind and the record in words ("Relationship", "A → B
(supports)"), never a table name or an id (labels.record_kind_label, labels.record_text).
`show_record(table, record_id)` narrows it to one record's history (what a desk's "History"
button calls). Built on the framework's ListDetailDesk and a paged RecordTableModel; only
services calls, no SQL.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QWidget,
)

from missiondesk.labels import audit_action_label, record_kind_label, record_text, table_label
from missiondesk.messages import error_text, field_label
from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.commands import DeleteRecordCommand, push_command, show_undo_refused
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.table_model import Column, Page, RecordTableModel

PAGE = 200
ACTION_COLOURS = {"delete": "#a4161a", "restore": "#1b7f4b", "redact": "#7a1d0c",
                  "redacted": "#7a1d0c", "purge": "#a4161a"}


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _value_text(value: object, limit: int = 80) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    if isinstance(value, bool):
        value = _tr("yes") if value else _tr("no")
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _tr(text: str) -> str:
    return QCoreApplication.translate("AuditDesk", text)


def change_text(e) -> str:
    """What an entry changed, for the table and the export: "old → new", or why not."""
    if e.masked:
        return _tr("(protected source: not shown)")
    if e.action == "redacted":
        return _tr("(content redacted)")
    if e.action == "update":
        return "%s \u2192 %s" % (_value_text(e.old_value), _value_text(e.new_value))
    return ""


def record_words(e) -> str:
    """The entry's record in words, "(deleted)" added while it is deleted."""
    text = record_text(e.table, e.record_name)
    return text + (" " + _tr("(deleted)") if e.record_deleted else "")


class AuditLogModel(RecordTableModel):
    """Log entries, newest first, a page at a time from the service (paged `set_source`:
    the service filters and orders, so the columns do not sort)."""

    COLUMNS = (
        Column("at", lambda: _tr("When (UTC)"), 118),
        Column("who", lambda: _tr("Who"), 96),
        Column("kind", lambda: _tr("Kind"), 118),
        Column("record", lambda: _tr("Record"), 170, elastic=True),
        Column("action", lambda: _tr("Action"), 120),
        Column("field", lambda: _tr("Field"), 115),
        Column("change", lambda: _tr("Change"), 160),
    )

    def entries(self) -> list:
        return self.rows()

    def display(self, e, column: str) -> str:
        if column == "at":
            return e.at.strftime("%Y-%m-%d %H:%M")
        if column == "who":
            return e.user_name or "\u2014"
        if column == "kind":
            return record_kind_label(e.table)
        if column == "record":
            return record_words(e)
        if column == "action":
            return audit_action_label(e.action)
        if column == "field":
            return field_label(e.field, e.table) if e.field else ""
        if column == "change":
            return change_text(e)
        return ""

    def tooltip(self, e, column: str) -> str | None:
        return self.display(e, column) if column in ("who", "kind", "record", "change") \
            else None

    def foreground(self, e, column: str) -> Any:
        colour = ACTION_COLOURS.get(e.action) if column == "action" else None
        return QBrush(QColor(colour)) if colour else None


class AuditDesk(ListDetailDesk):
    SIZES = (1000, 340)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(AuditLogModel(), parent)
        self.model.setParent(self)
        self.table.setSortingEnabled(False)  # newest first, ordered by the service
        self._record: tuple[str, str, str] | None = None   # (table, id, its name in words)
        self._total = 0

        self.who = filter_combo(self.tr("Everyone"), ())
        self.table_filter = filter_combo(self.tr("All desks"), ())
        self.since_check = QCheckBox(self.tr("From"))
        self.since = QDateEdit()
        self.until_check = QCheckBox(self.tr("To"))
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.setEnabled(False)
        self.since.setDate(QDate.currentDate().addDays(-30))
        self.since_check.toggled.connect(self.since.setEnabled)
        self.until_check.toggled.connect(self.until.setEnabled)
        self.deletions_only = QCheckBox(self.tr("Deletions only"))
        for signal in (self.who.currentIndexChanged, self.table_filter.currentIndexChanged,
                       self.since_check.toggled, self.until_check.toggled,
                       self.since.dateChanged, self.until.dateChanged,
                       self.deletions_only.toggled):
            signal.connect(self._filters_changed)
        for label, widget in ((self.tr("Who"), self.who), (self.tr("Desk"), self.table_filter)):
            self.filters.addWidget(QLabel(label))
            self.filters.addWidget(widget, 1)
            widget.setMaximumWidth(280)
            self.filters.addSpacing(8)
        for widget in (self.since_check, self.since, self.until_check, self.until):
            self.filters.addWidget(widget)
        self.filters.addSpacing(8)
        self.filters.addWidget(self.deletions_only)
        self.filters.addStretch(1)

        self.record_bar = QWidget()
        record_layout = QHBoxLayout(self.record_bar)
        record_layout.setContentsMargins(0, 0, 0, 0)
        self.record_label = QLabel()
        self.clear_record_button = self.button(self.tr("Show the Whole Log"), self.show_all)
        record_layout.addWidget(self.record_label, 1)
        record_layout.addWidget(self.clear_record_button)
        self.record_bar.hide()
        self.layout().insertWidget(1, self.record_bar)  # between the filters and the splitter

        self.history_button = self.button(self.tr("Record History"), self._history_of_selected)
        self.history_button.setToolTip(self.tr("Show every change of the selected record"))
        self.restore_button = self.button(self.tr("Restore"), self.restore_selected)
        self.restore_button.setToolTip(self.tr("Bring back the record this deletion removed"))
        self.purge_button = self.button(self.tr("Purge\u2026"), self.purge_selected)
        self.purge_button.setToolTip(self.tr(
            "Delete the deleted record for good: its links, drafts, search entries and the "
            "values in its history, here and in the automatic backups. Cannot be undone."))
        self.more_button = self.button(self.tr("Load More"), self.load_more)
        self.export_button = self.button(self.tr("Export\u2026"), self.export_log)
        self.add_buttons(self.history_button, self.restore_button, self.purge_button,
                         stretch=True)
        self.add_buttons(self.count_label, self.more_button, self.export_button)
        self.show_detail(None)
        self.update_buttons()

    # --- mission lifecycle -----------------------------------------------------------------

    @property
    def WATCHED(self) -> tuple[str, ...]:  # noqa: N802 - the framework's name
        from missiondesk.services.audit import LOGGED_TABLES

        return LOGGED_TABLES  # every change that writes the log

    def refresh(self) -> None:
        """Reload the filter choices and the first page (the selection is kept if loaded)."""
        if self._ctx is None:
            return
        from missiondesk.services import audit

        handle = self._ctx.handle
        self._fill_filters(audit.log_users(handle), audit.log_tables(handle))
        keep = self.current_id()
        flt = self.current_filter()
        self._total = audit.change_log(handle, flt, limit=0, count=True).total

        def fetch(offset: int) -> Page:
            page = audit.change_log(handle, flt, limit=PAGE, offset=offset)
            return Page(page.entries, page.has_more)

        self.model.set_source(fetch)
        self._reselect(keep)

    def on_detached(self) -> None:
        self._record = None
        self.record_bar.hide()
        self._total = 0
        self._fill_filters([], [])

    def _fill_filters(self, users: list[str], tables: list[str]) -> None:
        for combo, items in (
                (self.who, [(u, u) for u in users]),
                (self.table_filter,
                 sorted(((table_label(t), t) for t in tables if t != "drafts"),
                        key=lambda i: i[0].casefold()))):
            keep = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:   # item 0 is "Everyone" / "All desks"
                combo.removeItem(1)
            for label, code in items:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
            combo.blockSignals(False)

    def current_filter(self):
        from missiondesk.services.audit import AuditFilter

        table = self.table_filter.currentData()
        return AuditFilter(
            who=self.who.currentData(),
            since=self.since.date().toPython() if self.since_check.isChecked() else None,
            until=self.until.date().toPython() if self.until_check.isChecked() else None,
            tables=(table,) if table else None,
            actions=("delete",) if self.deletions_only.isChecked() else None,
            record=self._record[:2] if self._record else None)

    def _filtered(self) -> bool:
        f = self.current_filter()
        return any((f.who, f.since, f.until, f.tables, f.actions, f.record))

    def _filters_changed(self, *_args) -> None:
        self.refresh()

    def count_text(self) -> str:
        return self.tr("{shown} of {total} entries").format(shown=self.model.rowCount(),
                                                            total=self._total)

    def load_more(self) -> None:
        self.model.fetchMore()
        self.count_label.setText(self.count_text())
        self.update_buttons()

    # --- one record's history ----------------------------------------------------------------

    def show_record(self, table: str, record_id: str, label: str | None = None) -> None:
        """Narrow the log to one record's history (other filters kept); `label` names it
        (else its kind)."""
        self._record = (table, record_id, label or record_kind_label(table))
        self.record_label.setText("<b>%s</b>" % _esc(self.tr("History of {record} ({kind})")
                                                      .format(record=self._record[2],
                                                              kind=record_kind_label(table))))
        self.record_bar.show()
        self.refresh()

    def show_all(self) -> None:
        self._record = None
        self.record_bar.hide()
        self.refresh()

    def _history_of_selected(self) -> None:
        e = self.current_entry()
        if e is not None:
            self.show_record(e.table, e.record_id, record_text(e.table, e.record_name))

    # --- selection and detail ------------------------------------------------------------------

    def current_entry(self):
        return self.current_row()

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        e = self.current_entry() if has_mission else None
        self.export_button.setEnabled(has_mission)
        self.history_button.setEnabled(e is not None and self._record is None)
        self.restore_button.setEnabled(e is not None and e.action == "delete"
                                       and e.record_deleted)
        self.purge_button.setEnabled(e is not None and e.record_deleted)
        self.more_button.setEnabled(has_mission and self.model.has_more())

    def show_detail(self, e) -> None:
        if e is None and self._ctx is not None and self._total == 0:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("No change matches these filters.") if self._filtered() else
                self.tr("No change recorded yet: every edit made from now on appears here, "
                        "with who made it and when.")))
            return
        if e is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("Every change to the mission is recorded here: who, when, which "
                        "record, which field, from what to what. Select an entry to see "
                        "it in full; a deletion can be restored.")
                if self._ctx is not None else self.tr("No mission open.")))
            return
        t = self.tr
        rows = [(t("When (UTC)"), e.at.strftime("%Y-%m-%d %H:%M:%S")),
                (t("Who"), e.user_name or "\u2014"),
                (t("Kind"), record_kind_label(e.table)),
                (t("Record"), record_words(e)),
                (t("Action"), audit_action_label(e.action))]
        if e.field:
            rows.append((t("Field"), field_label(e.field, e.table)))
        parts = ["<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:8px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), _esc(v)) for k, v in rows]
        parts.append("</table>")
        if e.action == "update" and not e.masked:
            parts.append("<h4 style='margin-bottom:2px'>%s</h4><p>%s</p>" % (
                _esc(t("Before")), _esc(_value_text(e.old_value, 4000))))
            parts.append("<h4 style='margin-bottom:2px'>%s</h4><p>%s</p>" % (
                _esc(t("After")), _esc(_value_text(e.new_value, 4000))))
        elif change_text(e):
            parts.append("<p><i>%s</i></p>" % _esc(change_text(e)))
        if e.action == "delete" and e.record_deleted:
            parts.append("<p>%s</p>" % _esc(t("This record is still deleted: Restore brings "
                                              "it back; Purge\u2026 deletes it for good.")))
        self.detail.setHtml("".join(parts))

    # --- restore and export ------------------------------------------------------------------

    def _show_undo_error(self, exc: MissionError) -> None:
        show_undo_refused(self, exc)

    def restore_selected(self) -> str | None:
        """Restore the record of the selected deletion (undoable); the refusal or None."""
        e = self.current_entry()
        if self._ctx is None or e is None or e.action != "delete":
            return None
        from missiondesk.services import audit

        command = DeleteRecordCommand(
            self._ctx, self.tr("Restore {record}").format(record=record_text(e.table,
                                                                            e.record_name)),
            record_id=e.record_id, revision=None,
            delete=lambda uow, rid, rev: audit.restore_deleted(uow, e.table, rid,
                                                               expected_revision=rev),
            restore=lambda uow, rid, rev: audit.delete_again(uow, e.table, rid,
                                                             expected_revision=rev),
            on_error=self._show_undo_error)
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            problem = error_text(exc)
            QMessageBox.warning(self, self.tr("Restore"), problem)
            return problem
        return None

    @staticmethod
    def confirm_purge(parent: QWidget | None, label: str) -> bool:
        """The last word before a purge (tests patch this)."""
        answer = QMessageBox.warning(
            parent, _tr("Purge"),
            _tr("Purge \u201c{record}\u201d for good? The record, its links (relationships, "
                "counterparts, assessments\u2026), its drafts, its search entries and the "
                "values in its history are deleted, here and in the automatic backups; the "
                "history keeps who purged it and when. This cannot be undone.").format(
                record=label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def purge_selected(self):
        """Purge the deleted record of the selected entry after a confirmation; the
        PurgeReport, or None when cancelled or refused (the refusal is shown)."""
        e = self.current_entry()
        if self._ctx is None or e is None or not e.record_deleted:
            return None
        from PySide6.QtGui import QGuiApplication

        from missiondesk.services.redaction import purge_everywhere
        from missiondesk.ui.audit.redact_dialog import reach_text

        label = record_text(e.table, e.record_name)
        if not self.confirm_purge(self, label):
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = purge_everywhere(self._ctx.handle, e.table, e.record_id)
        except MissionError as exc:
            QMessageBox.warning(self, self.tr("Purge"), error_text(exc))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._ctx.undo_stack.clear()  # its commands hold the purged values in memory
        text = " ".join(filter(None, [
            self.tr("\u201c{record}\u201d was purged: %n row(s) deleted.", "",
                    report.rows).format(record=label),
            reach_text(report)]))
        self.show_purge_report(text)
        return report

    def show_purge_report(self, text: str) -> None:
        QMessageBox.information(self, self.tr("Purge"), text)

    def export_headers(self) -> list[str]:
        return [self.tr("When (UTC)"), self.tr("Who"), self.tr("Kind"), self.tr("Record"),
                self.tr("Action"), self.tr("Field"), self.tr("Before"), self.tr("After")]

    def export_row(self, e) -> list:
        """An entry in the export's words: the record's kind and name, never a table name or
        an id; the values in full (masked and redacted ones as in the table)."""
        def value(v):
            if e.masked:
                return self.tr("(protected source: not shown)")
            if e.action == "redacted":
                return self.tr("(content redacted)")
            return _value_text(v, 32000) if v is not None else ""

        changed = e.action in ("update", "redacted")
        return [e.at, e.user_name or "", record_kind_label(e.table), record_words(e),
                audit_action_label(e.action), field_label(e.field, e.table) if e.field else "",
                value(e.old_value) if changed else "", value(e.new_value) if changed else ""]

    def export_to(self, path: Path, fmt: str) -> Path:
        """Write the filtered log (every page, not only those loaded) to `path`, marked by
        the service with the highest classification the entries concern."""
        from missiondesk.services import audit

        return audit.export_change_log(self._ctx.handle, path, fmt, self.current_filter(),
                                       headers=self.export_headers(),
                                       describe=self.export_row)

    def export_log(self) -> Path | None:
        if self._ctx is None:
            return None
        from missiondesk.ui.framework.table_export import export_rows

        suggested = "%s-%s.xlsx" % (self.tr("change-log"), date.today().isoformat())
        return export_rows(self, suggested, (), (), "UNCLASSIFIED", write=self.export_to)
