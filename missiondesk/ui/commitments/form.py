"""The commitment form (New / Edit) and the Mission settings dialog of the gap thresholds."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox

from missiondesk.labels import commitment_type_label
from missiondesk.store.vocab import CommitmentType
from missiondesk.ui.framework.form import (
    RecordForm,
    classification_combo,
    code_combo,
    hint_label,
)


def _choice_combo(none_label: str, items, current) -> QComboBox:
    combo = code_combo([(none_label, None), *((name, rid) for rid, name in items)], current)
    combo.setMaxVisibleItems(20)
    return combo


class CommitmentForm(RecordForm):
    """New or edit a commitment. `values` carries the pickers' choices under `_choices`:
    {"stakeholders": [(id, name)], "members": [(id, name)], "provisions": [(id, label)]}."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Commitment"), self.tr("Edit Commitment")

    def build(self, values: dict) -> None:
        choices = values.get("_choices", {})
        self.text = QPlainTextEdit(values.get("text") or "")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(70)
        self.text.setPlaceholderText(self.tr("What was promised, in one or two sentences"))
        self.by_mission = QCheckBox(self.tr("The mission made this commitment"))
        self.by_mission.setChecked(bool(values.get("by_mission")))
        self.committed_by = _choice_combo(self.tr("\u2014 choose the stakeholder \u2014"),
                                          choices.get("stakeholders", ()),
                                          values.get("committed_by_id"))
        self.by_mission.toggled.connect(lambda on: self.committed_by.setEnabled(not on))
        self.committed_by.setEnabled(not self.by_mission.isChecked())
        self.owner = _choice_combo(self.tr("\u2014 nobody yet \u2014"),
                                   choices.get("members", ()), values.get("owner_id"))
        self.commitment_type = code_combo(
            ((commitment_type_label(t.value), t.value) for t in CommitmentType),
            values.get("commitment_type"), "political")
        due = values.get("due_date")
        self.due_date = QLineEdit(due.isoformat() if hasattr(due, "isoformat") else (due or ""))
        self.due_date.setPlaceholderText(self.tr("YYYY-MM-DD, or empty when it depends on "
                                                 "conditions"))
        self.provision = _choice_combo(self.tr("\u2014 none \u2014"),
                                       choices.get("provisions", ()), values.get("provision_id"))
        self.verification = QPlainTextEdit(values.get("verification") or "")
        self.verification.setTabChangesFocus(True)
        self.verification.setFixedHeight(48)
        self.evidence = QPlainTextEdit(values.get("evidence") or "")
        self.evidence.setTabChangesFocus(True)
        self.evidence.setFixedHeight(48)
        self.classification = classification_combo(values.get("classification"),
                                                   "CONFIDENTIAL")
        self.keep_drafts("commitments", {
            "text": (self.tr("Commitment"), self.text),
            "verification": (self.tr("Verification"), self.verification),
            "evidence": (self.tr("Evidence"), self.evidence)})
        self.add_field("text", self.tr("Commitment"), self.text)
        self.add_field("by_mission", "", self.by_mission)
        self.add_field("committed_by_id", self.tr("Committed by"), self.committed_by)
        self.add_field("owner_id", self.tr("Owner (follows up)"), self.owner)
        self.add_field("commitment_type", self.tr("Type"), self.commitment_type)
        self.add_field("due_date", self.tr("Due date"), self.due_date)
        self.add_field("provision_id", self.tr("Agreement provision"), self.provision)
        self.add_field("verification", self.tr("Verification"), self.verification)
        self.add_field("evidence", self.tr("Evidence"), self.evidence)
        self.add_field("classification", self.tr("Classification"), self.classification)
        self.add_below(hint_label(self.tr(
            "The status changes from the desk (Mark fulfilled, Status), following the "
            "workflow; a commitment is overdue when its due date has passed while it is open "
            "or in progress.")))

    def values(self) -> dict:
        values = super().values()
        if values.get("by_mission"):
            values["committed_by_id"] = None
        return values


class MissionSettingsDialog(RecordForm):
    """The engagement-gap thresholds every member of the team sees (in the mission file)."""

    MIN_WIDTH = 460

    def titles(self) -> tuple[str, str]:
        return self.tr("Mission Settings"), self.tr("Mission Settings")

    def build(self, values: dict) -> None:
        from missiondesk.services.mission_settings import REGISTRY

        for key, label in (("gap_days_a", self.tr("Priority A: a gap after (days)")),
                           ("gap_days_b", self.tr("Priority B: a gap after (days)"))):
            spin = QSpinBox()
            spin.setRange(REGISTRY[key].minimum, REGISTRY[key].maximum)
            spin.setValue(int(values.get(key, REGISTRY[key].default)))
            spin.setSuffix(self.tr(" days"))
            self.add_field(key, label, spin)
        self.add_below(hint_label(self.tr(
            "A priority-A or B stakeholder not engaged for this many days (or never) is an "
            "engagement gap. The settings belong to the mission: the whole team sees the "
            "same thresholds, and the audit trail records who changed them.")))
