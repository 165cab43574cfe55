"""Audiences of the communications plan (V7 codes) and the stakeholders each contains. New,
Edit (its members ticked in a list filtered as you type) and Delete go on the undo stack."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.services import comms
from missiondesk.services.names import fold
from missiondesk.ui.communications.words import audience_code_label, audience_codes
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("CommsAudiences", text)


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


class AudienceTableModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Audience"), 240, elastic=True),
        Column("code", lambda: _t("Kind of audience"), 200),
        Column("members", lambda: _t("Stakeholders"), 96, align="right"),
    )

    def display(self, row, key: str) -> str:
        if key == "name":
            return row.name
        if key == "code":
            return audience_code_label(row.code)
        if key == "members":
            return str(len(row.stakeholder_ids))
        return ""

    def sort_key(self, row, key: str):
        return len(row.stakeholder_ids) if key == "members" else self.display(row, key)


class MemberPicker(QWidget):
    """Stakeholders to tick, filtered by the words typed above them (accents ignored)."""

    def __init__(self, people: list[tuple[str, str]], chosen, parent=None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Type to find a stakeholder"))
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setMinimumHeight(180)
        chosen = set(chosen or ())
        # the audience's members first, then everyone else (each by name)
        people = sorted(people, key=lambda p: p[0] not in chosen)
        for stakeholder_id, name in people:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, stakeholder_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if stakeholder_id in chosen
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        wanted = fold(text)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(wanted) and wanted not in fold(item.text()))

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


class AudienceForm(RecordForm):
    """`values["_people"]`: (id, name) of every stakeholder."""

    MIN_WIDTH = 520

    def titles(self) -> tuple[str, str]:
        return self.tr("New Audience"), self.tr("Edit Audience")

    def build(self, values: dict) -> None:
        self.name = QLineEdit(values.get("name") or "")
        self.name.setPlaceholderText(self.tr("e.g. Leppko communities"))
        self.description = QPlainTextEdit(values.get("description") or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(56)
        self.members = MemberPicker(values.get("_people", []), values.get("stakeholder_ids"))
        self.add_field("name", self.tr("Audience"), self.name)
        self.add_field("code", self.tr("Kind of audience"),
                       code_combo(audience_codes(), values.get("code"), "communities"))
        self.add_field("description", self.tr("Description"), self.description)
        self.form.addRow(self.tr("Stakeholders"), self.members)
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "CONFIDENTIAL"))

    def values(self) -> dict:
        return {**super().values(), "stakeholder_ids": self.members.chosen()}


class AudiencesTab(ListDetailDesk):
    WATCHED = ("audiences", "audience_stakeholders", "stakeholders")
    SIZES = (700, 500)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(AudienceTableModel(), parent)
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=comms.create_audience, update=comms.update_audience,
            delete=comms.delete_audience, restore=comms.restore_audience,
            texts={"create": self.tr("New audience"), "edit": self.tr("Edit audience"),
                   "delete": self.tr("Delete audience")})
        self.new_button = self.button(self.tr("New\u2026"), self.new_audience)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_audience)
        self.delete_button = self.button(self.tr("Delete"), self.delete_audience)
        self.add_buttons(self.new_button, self.edit_button, self.delete_button, stretch=True)
        self.toolbar.addWidget(self.count_label)
        self.table.doubleClicked.connect(lambda _index: self.edit_audience())
        self.update_buttons()

    def load(self, ctx) -> list:
        return comms.list_audiences(ctx.handle)

    def show_record(self, record_id: str) -> bool:
        return self.select_id(record_id)

    def update_buttons(self) -> None:
        self.new_button.setEnabled(self._ctx is not None)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(self._ctx is not None and self._current is not None)

    def show_detail(self, row) -> None:
        t = self.tr
        if row is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select an audience to see the stakeholders it contains."),
                t("No audiences yet: New\u2026 adds the first."))))
            return
        parts = ["<h3>%s</h3>" % _esc(row.name),
                 "<p><b>%s:</b> %s</p>" % (_esc(t("Kind of audience")),
                                          _esc(audience_code_label(row.code)))]
        if row.description:
            parts.append("<p>%s</p>" % _esc(row.description))
        parts.append("<p><b>%s</b></p>" % _esc(t("Stakeholders (%n)", "",
                                                  len(row.stakeholder_names))))
        if row.stakeholder_names:
            parts.append("<ul>%s</ul>" % "".join("<li>%s</li>" % _esc(n)
                                                 for n in row.stakeholder_names))
        else:
            parts.append("<p style='color:#666'>%s</p>" % _esc(
                t("None yet: Edit\u2026 ticks the stakeholders this audience contains.")))
        parts.append("<p><b>%s:</b> %s</p>" % (_esc(t("Classification")),
                                              _esc(classification_label(row.classification))))
        self.detail.setHtml("".join(parts))

    def _form_values(self, values: dict) -> dict:
        from missiondesk.services.commitments import stakeholder_choices

        return {**values, "_people": stakeholder_choices(self._ctx.handle)}

    def new_audience(self) -> None:
        if self._ctx is None:
            return
        AudienceForm.ask(self, self._form_values({}), self.create_and_select, creating=True)

    def edit_audience(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        AudienceForm.ask(self, self._form_values({**current.values(), "id": current.id}),
                         lambda values: self.actions.edit(current, values), creating=False)

    def delete_audience(self) -> None:
        if self._ctx is None or self._current is None:
            return
        self.confirm_delete(self._current, self.tr("Delete Audience"), self.tr(
            "Delete \u201c{name}\u201d and its lines in the plan? Undo brings them back."
        ).format(name=self._current.name))
