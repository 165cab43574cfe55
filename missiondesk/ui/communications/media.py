"""The Media tab: the media landscape (outlets, their ownership, alignment, languages,
coverage, reach, trust, relationship with the mission and misinformation record) and two
charts of reach, by type and by alignment.

Every write is an undo command whose redo() calls services/media.py. Only services calls;
no SQL.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from missiondesk.labels import classification_label
from missiondesk.store.vocab import (
    Level3,
    MediaAlignment,
    MediaOwnership,
    MediaType,
    MissionRelation,
)
from missiondesk.ui.communications.chart_slot import ChartSlot
from missiondesk.ui.communications.media_words import (
    alignment_label,
    level_label,
    media_type_label,
    ownership_label,
    relation_label,
    worded_actions,
)
from missiondesk.ui.communications.rumours import picked, search_combo, unknown_stakeholder
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.media import OutletRow
    from missiondesk.ui.context import MissionContext

WATCHED = ("media_outlets", "rumours", "stakeholders")
RELATION_COLOURS = {"hostile": "#a4161a", "strained": "#b45f06", "partner": "#1b7f4b",
                    "good": "#1b7f4b"}


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _t(text: str) -> str:
    return QCoreApplication.translate("MediaTab", text)


def _service():
    from missiondesk.services import media

    return media


class OutletTableModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Outlet"), 150, elastic=True),
        Column("media_type", lambda: _t("Type"), 100),
        Column("ownership", lambda: _t("Ownership"), 88),
        Column("alignment", lambda: _t("Alignment"), 100),
        Column("languages", lambda: _t("Languages"), 90),
        Column("reach", lambda: _t("Reach"), 58),
        Column("trust", lambda: _t("Trust"), 58),
        Column("relationship", lambda: _t("Relationship"), 84),
        Column("rumours", lambda: _t("Rumours"), 58, "center"),
    )

    def display(self, r: OutletRow, column: str) -> str:
        if column == "name":
            return r.name
        if column == "media_type":
            return media_type_label(r.media_type)
        if column == "ownership":
            return ownership_label(r.ownership)
        if column == "alignment":
            return alignment_label(r.alignment)
        if column == "languages":
            return ", ".join(r.languages)
        if column in ("reach", "trust"):
            return level_label(getattr(r, column))
        if column == "relationship":
            return relation_label(r.relationship)
        if column == "rumours":
            return str(r.rumours) if r.rumours else ""
        return ""

    def sort_key(self, r: OutletRow, column: str) -> Any:
        levels = {c.value: i for i, c in enumerate(Level3)}
        relations = {c.value: i for i, c in enumerate(MissionRelation)}
        if column in ("reach", "trust"):
            return levels.get(getattr(r, column), 9)
        if column == "relationship":
            return relations.get(r.relationship, 9)
        if column == "rumours":
            return r.rumours
        if column == "name":  # 'Galasi Infos' sorts with G
            from missiondesk.services.names import fold

            return fold(r.name).lstrip("'\"\u00ab\u201c ")
        return self.display(r, column)

    def tooltip(self, r: OutletRow, column: str) -> str | None:
        if column == "name" and r.coverage:
            return r.coverage
        if column == "ownership" and r.owner_name:
            return r.owner_name
        if column == "languages":
            return self.display(r, column)
        return None

    def foreground(self, r: OutletRow, column: str) -> Any:
        if column == "relationship" and r.relationship in RELATION_COLOURS:
            return QBrush(QColor(RELATION_COLOURS[r.relationship]))
        return None


class OutletForm(RecordForm):
    MIN_WIDTH = 600

    def titles(self) -> tuple[str, str]:
        return self.tr("New Media Outlet"), self.tr("Edit Media Outlet")

    def build(self, values: dict) -> None:
        stakeholders = values.pop("_stakeholders")
        self.name = QLineEdit(values.get("name") or "")
        self.media_type = code_combo(((media_type_label(c.value), c.value) for c in MediaType),
                                     values.get("media_type"), "radio")
        self.ownership = code_combo(((ownership_label(c.value), c.value)
                                     for c in MediaOwnership), values.get("ownership"),
                                    "unknown")
        self.owner_name = QLineEdit(values.get("owner_name") or "")
        self.owner_name.setPlaceholderText(self.tr("Who owns it (a person, a party, a church)"))
        self.stakeholder = search_combo(stakeholders, values.get("stakeholder_id"),
                                        self.tr("Not on the stakeholder map"))
        self.alignment = code_combo(((alignment_label(c.value), c.value)
                                     for c in MediaAlignment), values.get("alignment"),
                                    "unknown")
        self.languages = QLineEdit(", ".join(values.get("languages") or []))
        self.languages.setPlaceholderText(self.tr("Languages, separated by ','"))
        self.coverage = QLineEdit(values.get("coverage") or "")
        self.coverage.setPlaceholderText(self.tr("National, a province, a city, the diaspora"))
        self.reach = code_combo(((level_label(c.value), c.value) for c in Level3),
                                values.get("reach"), "medium")
        self.trust = code_combo(((level_label(c.value), c.value) for c in Level3),
                                values.get("trust"), "medium")
        self.relationship = code_combo(((relation_label(c.value), c.value)
                                        for c in MissionRelation), values.get("relationship"),
                                       "neutral")
        self.misinformation = QPlainTextEdit(values.get("misinformation_record") or "")
        self.misinformation.setTabChangesFocus(True)
        self.misinformation.setFixedHeight(60)
        self.misinformation.setPlaceholderText(self.tr("Misinformation or hate speech it "
                                                       "carried, and when"))
        self.notes = QPlainTextEdit(values.get("notes") or "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(50)
        self.keep_drafts("media_outlets", {
            "misinformation_record": (self.tr("Misinformation record"), self.misinformation),
            "notes": (self.tr("Notes"), self.notes)})
        self.classification = classification_combo(values.get("classification"),
                                                   "UNCLASSIFIED")
        self.add_field("name", self.tr("Name"), self.name)
        self.add_field("media_type", self.tr("Type"), self.media_type)
        self.add_field("ownership", self.tr("Ownership"), self.ownership)
        self.add_field("owner_name", self.tr("Owner"), self.owner_name)
        self.form.addRow(self.tr("As a stakeholder"), self.stakeholder)
        self.add_field("alignment", self.tr("Political alignment"), self.alignment)
        self.add_field("languages", self.tr("Languages"), self.languages)
        self.add_field("coverage", self.tr("Coverage"), self.coverage)
        self.add_field("reach", self.tr("Reach"), self.reach)
        self.add_field("trust", self.tr("Trust"), self.trust)
        self.add_field("relationship", self.tr("Relationship with the mission"),
                       self.relationship)
        self.add_field("misinformation_record", self.tr("Misinformation record"),
                       self.misinformation)
        self.add_field("notes", self.tr("Notes"), self.notes)
        self.add_field("classification", self.tr("Classification"), self.classification)

    def values(self) -> dict:
        values = super().values()
        values["languages"] = [x.strip() for x in (values.get("languages") or "").split(",")
                               if x.strip()]
        values["stakeholder_id"] = picked(self.stakeholder)
        return values

    def check(self, values: dict) -> str | None:
        return unknown_stakeholder(self, self.stakeholder)


class MediaTab(ListDetailDesk):
    """The outlets of the media landscape and the charts of their reach."""

    WATCHED = WATCHED
    SIZES = (940, 300)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(OutletTableModel(), parent, row_height=24)
        self.model.setParent(self)
        media = _service()
        self.actions = worded_actions(
            self, lambda: self._ctx, create=media.create_outlet, update=media.update_outlet,
            delete=media.delete_outlet, restore=media.restore_outlet,
            texts={"create": self.tr("New outlet"), "edit": self.tr("Edit outlet"),
                   "delete": self.tr("Delete outlet")})
        t = self.tr
        self.type_filter = filter_combo(t("All types"), ((media_type_label(c.value), c.value)
                                                          for c in MediaType))
        self.alignment_filter = filter_combo(t("All alignments"), (
            (alignment_label(c.value), c.value) for c in MediaAlignment))
        for combo in (self.type_filter, self.alignment_filter):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
            self.filters.addWidget(combo)
        self.filters.addStretch(1)
        self.new_button = self.button(t("New\u2026"), self.new_outlet)
        self.edit_button = self.button(t("Edit\u2026"), self.edit_outlet)
        self.delete_button = self.button(t("Delete"), self.delete_outlet)
        self.export_button = self.button(
            t("Export\u2026"), lambda: self.export_view(t("media outlets") + ".xlsx"))
        self.add_buttons(self.new_button, self.edit_button, self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_outlet())
        self.chart = ChartSlot(180)
        self.chart.setFixedHeight(246)
        self.list_layout.addWidget(self.chart)
        self.show_detail(None)
        self.update_buttons()

    # --- the mission's lifecycle -----------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        return _service().list_outlets(ctx.handle)

    def refresh(self) -> None:
        super().refresh()
        self.draw_charts()

    def on_attached(self, ctx: MissionContext) -> None:
        self._apply_filter()

    def on_detached(self) -> None:
        self.chart.clear()

    @property
    def canvas(self):
        return self.chart.canvas

    def show_record(self, record_id: str) -> bool:
        if self.select_id(record_id):
            return True
        self.type_filter.setCurrentIndex(0)
        self.alignment_filter.setCurrentIndex(0)
        return self.select_id(record_id)

    def count_text(self) -> str:
        shown, total = self.model.shown_count(), self.model.total_count()
        if shown == total:
            return self.tr("%n outlet(s)", "", total)
        return self.tr("{shown} of {total} outlets").format(shown=shown, total=total)

    def _apply_filter(self) -> None:
        kind, alignment = self.type_filter.currentData(), self.alignment_filter.currentData()
        if kind is None and alignment is None:
            self.model.set_filter(None)
        else:
            self.model.set_filter(lambda r: (kind is None or r.media_type == kind)
                                  and (alignment is None or r.alignment == alignment))
        self._reselect(self.current_id())

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # --- the detail and the charts ---------------------------------------------------------

    def show_detail(self, r: OutletRow | None) -> None:
        t = self.tr
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select an outlet to see who owns it, whom it reaches and its record."),
                t("No outlets yet. New\u2026 adds the radios, papers, channels and pages the "
                  "mission's audiences follow."))))
            return
        relation = _esc(relation_label(r.relationship))
        if r.relationship in RELATION_COLOURS:
            relation = "<b style='color:%s'>%s</b>" % (RELATION_COLOURS[r.relationship],
                                                       relation)
        ownership = ownership_label(r.ownership) + (" \u2014 " + r.owner_name
                                                    if r.owner_name else "")
        facts = [
            (t("Type"), _esc(media_type_label(r.media_type))),
            (t("Ownership"), _esc(ownership)),
            (t("Political alignment"), _esc(alignment_label(r.alignment))),
            (t("Languages"), _esc(", ".join(r.languages) or "\u2014")),
            (t("Coverage"), _esc(r.coverage or "\u2014")),
            (t("Reach"), _esc(level_label(r.reach))),
            (t("Trust"), _esc(level_label(r.trust))),
            (t("Relationship"), relation),
            (t("As a stakeholder"), _esc(r.stakeholder_name or "\u2014")),
            (t("Rumours through it"), _esc(str(r.rumours))),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.name),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Misinformation record")), _esc(r.misinformation_record or t("None recorded."))))
        if r.notes:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                _esc(t("Notes")), _esc(r.notes)))
        self.detail.setHtml("".join(parts))

    def draw_charts(self) -> None:
        if self._ctx is None:
            self.chart.clear()
            return
        from missiondesk.figures.media_charts import reach_figure

        media = _service()
        handle = self._ctx.handle
        t = self.tr
        figure = reach_figure(
            media.reach_by(handle, "media_type"), media.reach_by(handle, "alignment"),
            titles=(t("Reach by type"), t("Reach by alignment")), width=8.0, height=2.5,
            labels={"high": t("High reach"), "medium": t("Medium reach"),
                    "low": t("Low reach"), "count": t("Outlets"),
                    "empty": t("No outlets recorded"),
                    "types": {c.value: media_type_label(c.value) for c in MediaType},
                    "alignments": {c.value: alignment_label(c.value)
                                   for c in MediaAlignment}})
        self.chart.show_figure(figure)

    # --- writes (each on the undo stack) ----------------------------------------------------

    def _stakeholders(self) -> list[tuple[str, str]]:
        from missiondesk.services.commitments import stakeholder_choices

        return [(name, sid) for sid, name in stakeholder_choices(self._ctx.handle)]

    def new_outlet(self) -> None:
        if self._ctx is None:
            return
        values = {"media_type": "radio", "ownership": "unknown", "alignment": "unknown",
                  "reach": "medium", "trust": "medium", "relationship": "neutral",
                  "classification": "UNCLASSIFIED", "_stakeholders": self._stakeholders()}
        OutletForm.ask(self, values, self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Add an outlet from the form (undoable) and select it; the refusal, or None."""
        return self.create_and_select(values)

    def edit_outlet(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        OutletForm.ask(self, {**current.values(), "id": current.id,
                              "_stakeholders": self._stakeholders()},
                       lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current: OutletRow, values: dict) -> str | None:
        return self.actions.edit(current, values)

    def delete_outlet(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        self.confirm_delete(current, self.tr("Delete Outlet"), self.tr(
            "Delete {name}? Rumours that came through it keep the link; Undo brings it back.")
            .format(name=current.name))
