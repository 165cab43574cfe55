"""The Sources desk: the register of code names that notes cite (SRC-014), their type,
reliability (A–F) and credibility (1–6) grades and whether they are protected.

The description of a protected source (who or what it is) is masked in the table, the
detail panel, the history and the export unless "Show protected" is ticked — which asks for
confirmation and leaves an entry in the audit trail; it is never shown anywhere else.
Every write goes on the undo stack. Only services calls; no SQL.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from missiondesk.labels import (
    audit_action_label,
    classification_label,
    credibility_label,
    reliability_label,
    source_type_label,
)
from missiondesk.messages import error_text, field_label
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import Classification, SourceReliability, SourceType
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk
from missiondesk.ui.framework.form import RecordForm, code_combo, hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.sources import SourceRow

WATCHED = ("sources", "relationships", "stakeholder_assessments", "stakeholder_perceptions")
MASK = "\u2022\u2022\u2022\u2022\u2022\u2022"
PROTECTED_COLOUR = "#7a1d0c"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _t(text: str) -> str:
    return QCoreApplication.translate("SourceTableModel", text)


class SourceTableModel(RecordTableModel):
    """The register; sorted by the service's pure sort (code names by number)."""

    COLUMNS = (
        Column("code_name", lambda: _t("Code"), 88),
        Column("source_type", lambda: _t("Type"), 112),
        Column("reliability", lambda: _t("Reliability"), 72, "center"),
        Column("credibility", lambda: _t("Credibility"), 76, "center"),
        Column("protected", lambda: _t("Protected"), 74),
        Column("citations", lambda: _t("Cited"), 48, "center"),
        Column("description", lambda: _t("Description (who or what)"), 180, elastic=True),
        Column("classification", lambda: _t("Classification"), 128),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._show_protected = False

    def set_show_protected(self, show: bool) -> None:
        self._show_protected = show
        self.refresh_column("description")

    def display(self, r: SourceRow, column: str) -> str:
        if column == "code_name":
            return r.code_name
        if column == "source_type":
            return source_type_label(r.source_type)
        if column == "reliability":
            return r.reliability
        if column == "credibility":
            return str(r.credibility)
        if column == "protected":
            return self.tr("Protected") if r.protected else self.tr("No")
        if column == "citations":
            return str(r.citations)
        if column == "description":
            if r.protected and not self._show_protected:
                return MASK + " " + self.tr("protected")
            return (r.description or "").replace("\n", " ")
        if column == "classification":
            return classification_label(r.classification)
        return ""

    def tooltip(self, r: SourceRow, column: str) -> str | None:
        if column == "reliability":
            return reliability_label(r.reliability)
        if column == "credibility":
            return credibility_label(r.credibility)
        if column == "description":
            return self.display(r, column)
        return None

    def foreground(self, r: SourceRow, column: str) -> Any:
        if column == "protected" and r.protected:
            return QBrush(QColor(PROTECTED_COLOUR))
        if column == "description" and r.protected and not self._show_protected:
            return QBrush(QColor("#777777"))
        return None

    def order_rows(self, rows: list, key: str, descending: bool) -> list:
        from missiondesk.services.sources import sort_rows

        return sort_rows(rows, key, descending=descending)


class SourceDialog(RecordForm):
    """New or edit a source."""

    def titles(self) -> tuple[str, str]:
        return self.tr("New Source"), self.tr("Edit Source")

    def build(self, values: dict) -> None:
        self.code_name = QLineEdit(values.get("code_name") or "")
        self.code_name.setPlaceholderText(self.tr("e.g. SRC-014"))
        self.source_type = code_combo(
            ((source_type_label(item.value), item.value) for item in SourceType),
            values.get("source_type"), "interlocutor")
        self.reliability = code_combo(
            ((reliability_label(item.value), item.value) for item in SourceReliability),
            values.get("reliability"), "F")
        self.credibility = code_combo(
            ((credibility_label(n), n) for n in range(1, 7)),
            int(values.get("credibility") or 6))
        self.protected = QCheckBox(self.tr("Protected: the description is never shown "
                                           "outside this desk"))
        self.protected.setChecked(bool(values.get("protected", True)))
        self.description = QPlainTextEdit(values.get("description") or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.description.setPlaceholderText(self.tr("Who or what the source is"))
        self.keep_drafts("sources", {"description": (self.tr("Description"), self.description)})
        self.classification = code_combo(
            ((classification_label(level), level.value) for level in Classification),
            values.get("classification"), "CONFIDENTIAL")
        self.add_field("code_name", self.tr("Code name"), self.code_name)
        self.add_field("source_type", self.tr("Type"), self.source_type)
        self.add_field("reliability", self.tr("Reliability"), self.reliability)
        self.add_field("credibility", self.tr("Credibility"), self.credibility)
        self.add_field("protected", "", self.protected)
        self.add_field("description", self.tr("Description"), self.description)
        self.add_field("classification", self.tr("Classification"), self.classification)


class SourcesDesk(ListDetailDesk):
    WATCHED = WATCHED

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SourceTableModel(), parent, row_height=26)
        self.model.setParent(self)
        from missiondesk.services import sources as service

        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_source, update=service.update_source,
            delete=service.delete_source, restore=service.restore_source,
            texts={"create": self.tr("New source"), "edit": self.tr("Edit source"),
                   "delete": self.tr("Delete source")})
        self.new_button = self.button(self.tr("New\u2026"), self.new_source)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_source)
        self.delete_button = self.button(self.tr("Delete"), self.delete_source)
        self.redact_button = self.button(self.tr("Redact\u2026"), self.redact_description)
        self.redact_button.setToolTip(self.tr("Remove the description from the record, its "
                                              "drafts and its history"))
        self.show_protected = QCheckBox(self.tr("Show protected"))
        self.show_protected.setToolTip(self.tr("Show who or what the protected sources are"))
        self.show_protected.toggled.connect(self._protected_toggled)
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("sources") + ".xlsx"))
        self.add_buttons(self.new_button, self.edit_button, self.delete_button,
                         self.redact_button)
        self.toolbar.addSpacing(16)
        self.toolbar.addWidget(self.show_protected)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_source())
        self.list_layout.addWidget(hint_label(self.tr(
            "Notes and relationships cite a source by its code name. Reliability: A "
            "(completely reliable) to F (cannot be judged); credibility: 1 (confirmed) to 6 "
            "(cannot be judged).")))
        self.show_detail(None)
        self.update_buttons()

    # --- mission lifecycle -----------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        from missiondesk.services import sources as service

        return service.list_sources(ctx.handle)

    def count_text(self) -> str:
        rows = self.model.rows()
        protected = sum(1 for r in rows if r.protected)
        return (self.tr("%n source(s)", "", len(rows)) + " \u00b7 "
                + self.tr("%n protected", "", protected))

    def on_detached(self) -> None:
        self.show_protected.setChecked(False)  # a reopened mission starts masked

    def select_source(self, source_id: str) -> bool:
        return self.select_id(source_id)

    def _protected_toggled(self, show: bool) -> None:
        if show and not self._confirm_show_protected():
            self.show_protected.blockSignals(True)
            self.show_protected.setChecked(False)
            self.show_protected.blockSignals(False)
            return
        self.model.set_show_protected(show)
        self.show_detail(self._current)

    def _confirm_show_protected(self) -> bool:
        """Ask before showing who the protected sources are; the audit trail records it."""
        if self._ctx is None:
            return False
        from missiondesk.services import sources as service

        answer = QMessageBox.question(
            self, self.tr("Show Protected Sources"),
            self.tr("Show who or what the protected sources are? Anyone who can see this "
                    "screen will see them, and the audit trail records that you asked."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self._ctx.handle.unit_of_work() as uow:
                service.log_protected_access(uow, service.SHOWN_PROTECTED)
        except MissionError as exc:
            QMessageBox.warning(self, self.tr("Show Protected Sources"), error_text(exc))
            return False
        return True

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        self.show_protected.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button, self.redact_button):
            button.setEnabled(has)

    # --- the detail panel ------------------------------------------------------------------

    def show_detail(self, r: SourceRow | None) -> None:
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                self.tr("Select a source to see its grades, what cites it and its history."),
                self.tr("No sources yet. New\u2026 adds one: a code name that notes and "
                        "relationships can cite without naming who or what it is."))))
            return
        from missiondesk.services.audit import history

        t = self.tr
        masked = r.protected and not self.show_protected.isChecked()
        if masked:
            description = "<i style='color:#777'>%s</i>" % _esc(
                t("Protected \u2014 tick \u201cShow protected\u201d to see who or what it is."))
        else:
            description = _esc(r.description) if r.description else "\u2014"
        facts = [
            (t("Type"), _esc(source_type_label(r.source_type))),
            (t("Reliability"), _esc(reliability_label(r.reliability))),
            (t("Credibility"), _esc(credibility_label(r.credibility))),
            (t("Protected"), "<b style='color:%s'>%s</b>" % (PROTECTED_COLOUR, _esc(t("Yes")))
             if r.protected else _esc(t("No"))),
            (t("Cited by"), _esc(t("%n record(s)", "", r.citations))),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        if r.updated_at:
            facts.append((t("Last changed"), _esc(t("{date} by {who}").format(
                date=r.updated_at.strftime("%Y-%m-%d %H:%M"), who=r.updated_by or "\u2014"))))
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.code_name),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Description (who or what)")), description))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(t("History")))
        try:
            entries = history(self._ctx.handle, "sources", r.id, limit=30)
        except MissionError:
            entries = []
        lines = [self._history_line(e, masked) for e in entries]
        parts.append("<p>%s</p>" % ("<br>".join(lines) or _esc(t("No change recorded."))))
        self.detail.setHtml("".join(parts))

    def _history_line(self, e, masked: bool) -> str:
        when = e.at.strftime("%Y-%m-%d %H:%M")
        what = audit_action_label(e.action)
        if e.field:
            what += " " + field_label(e.field, "sources")
        if e.action == "update" and not (e.masked or (masked and e.field == "description")):
            what += ": %s \u2192 %s" % (_short(e.old_value), _short(e.new_value))
        return "<span style='color:#777'>%s</span> %s: %s" % (
            _esc(when), _esc(e.user_name or "\u2014"), _esc(what))

    # --- writes (each on the undo stack) ----------------------------------------------------

    def new_source(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service
        from missiondesk.services import sources as service

        values = {"code_name": service.next_code_name(self._ctx.handle),
                  "source_type": "interlocutor", "reliability": "F", "credibility": 6,
                  "protected": True,
                  "classification":
                      mission_service.get_mission(self._ctx.handle).default_classification}
        SourceDialog.ask(self, values, self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Create a source from the form (undoable); the error sentence if refused."""
        return self.create_and_select(values)

    def edit_source(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        SourceDialog.ask(self, {**current.values(), "id": current.id},
                         lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current: SourceRow, values: dict) -> str | None:
        return self.actions.edit(current, values)

    def delete_source(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        self.confirm_delete(current, self.tr("Delete Source"), self.tr(
            "Delete {code}? Records citing it keep the reference; Undo brings it back.")
            .format(code=current.code_name))

    def redact_description(self) -> None:
        self.redact("sources", self._current)

    # --- export (the rows as shown: masked unless "Show protected") ------------------------

    def export_rows(self) -> tuple[list[str], list[list[str]], list[str]]:
        return self.model.export_rows()


def _short(value: object, limit: int = 50) -> str:
    text = "\u2014" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
