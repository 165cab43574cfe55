"""Dialogs of the Stakeholders desk: the stakeholder form, a new assessment, the priority
override and the duplicate warning. Each returns plain values; the desk calls the services.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    category_label,
    classification_label,
    kind_label,
    mission_stance_label,
    peace_stance_label,
    perception_label,
)
from missiondesk.store.vocab import (
    Classification,
    MissionStance,
    PeaceStance,
    Perception,
    StakeholderCategory,
    StakeholderKind,
)
from missiondesk.ui.framework.widgets import error_label

TEXT_FIELDS = ("description", "positions", "interests", "needs", "grievances", "motivations")


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _combo(items: list[tuple[str, str]], current: str | None = None) -> QComboBox:
    combo = QComboBox()
    for label, code in items:
        combo.addItem(label, code)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo




class GroupPerceptionEditor(QWidget):
    """Perception by community group: one line per group (group, perception, evidence,
    source from the Sources register). Saved as dated assessments of each changed group."""

    COLUMNS = ("group_name", "perception", "evidence", "source_id")

    def __init__(self, perceptions=(), sources: list[tuple[str, str]] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sources = list(sources)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr("Group"), self.tr("Perception"),
                                              self.tr("Evidence"), self.tr("Source")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((150, 110, 200, 90)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.add_button = QPushButton(self.tr("Add Group"))
        self.remove_button = QPushButton(self.tr("Remove Group"))
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_current)
        hint = QLabel(self.tr("How each community group perceives this stakeholder. Each change "
                              "is kept as a dated assessment of that group, with who made it."))
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._initial = [self._normal(p.values()) for p in perceptions]
        for p in perceptions:
            self.add_row(p.values())

    def add_row(self, values: dict | None = None) -> int:
        values = values or {}
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(values.get("group_name") or ""))
        self.table.setCellWidget(row, 1, _combo(
            [(perception_label(p), p.value) for p in Perception],
            values.get("perception") or "unknown"))
        self.table.setItem(row, 2, QTableWidgetItem(values.get("evidence") or ""))
        self.table.setCellWidget(row, 3, _combo(
            [(self.tr("(none)"), "")] + [(code, sid) for sid, code in self._sources],
            values.get("source_id") or ""))
        self.table.setCurrentCell(row, 0)
        return row

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    @staticmethod
    def _normal(values: dict) -> tuple:
        return ((values.get("group_name") or "").strip(), values.get("perception") or "unknown",
                (values.get("evidence") or "").strip() or None, values.get("source_id") or None)

    def values(self) -> list[dict]:
        """The lines with a group name, as `record_group_perceptions` takes them."""
        result = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, 0).text() if self.table.item(row, 0) else "").strip()
            evidence = self.table.item(row, 2).text() if self.table.item(row, 2) else ""
            if not name and not evidence.strip():
                continue  # an empty line added and left blank
            result.append({"group_name": name,
                           "perception": self.table.cellWidget(row, 1).currentData(),
                           "evidence": evidence.strip() or None,
                           "source_id": self.table.cellWidget(row, 3).currentData() or None})
        return result

    def changed(self) -> bool:
        return [self._normal(v) for v in self.values()] != self._initial


class StakeholderForm(QDialog):
    """Create or edit a stakeholder. `values()` gives every field; `changes()` only edits."""

    def __init__(self, parent: QWidget | None, team: list[tuple[str, str]],
                 detail=None, default_classification: str = "CONFIDENTIAL",
                 handle=None, sources: list[tuple[str, str]] = ()) -> None:
        super().__init__(parent)
        self._detail = detail
        creating = detail is None
        self.setWindowTitle(self.tr("New Stakeholder") if creating else self.tr("Edit Stakeholder"))
        get = (lambda name, default=None: getattr(detail, name, default)) if detail else \
            (lambda name, default=None: default)

        self.name = QLineEdit(get("name", ""))
        self.aliases = QLineEdit(", ".join(get("aliases", ()) or ()))
        self.aliases.setPlaceholderText(self.tr("Other names, separated by commas"))
        self.kind = _combo([(kind_label(k), k.value) for k in StakeholderKind],
                           get("kind", "organization"))
        self.category = _combo(sorted((category_label(c), c.value) for c in StakeholderCategory),
                               get("category", "other"))
        self.regions = QLineEdit(", ".join(get("regions", ()) or ()))
        self.owner = _combo([(self.tr("(nobody)"), "")] + [(name, mid) for mid, name in team],
                            get("owner_id", "") or "")
        self.tags = QLineEdit(", ".join(get("tags", ()) or ()))
        self.classification = _combo([(classification_label(c), c.value) for c in Classification],
                                     get("classification", default_classification))
        self.influence = QSpinBox()
        self.influence.setRange(1, 5)
        self.influence.setValue(int(get("influence", 3)))
        self.interest = QSpinBox()
        self.interest.setRange(1, 5)
        self.interest.setValue(int(get("interest", 3)))
        self.texts: dict[str, QPlainTextEdit] = {}
        for name in TEXT_FIELDS + ("perception_evidence", "sanctions_note", "hrddp_note",
                                   "engagement_constraints"):
            edit = QPlainTextEdit(get(name, "") or "")
            edit.setTabChangesFocus(True)
            self.texts[name] = edit
        self.sanctioned = QCheckBox(self.tr("Under sanctions"))
        self.sanctioned.setChecked(bool(get("sanctioned", False)))
        self.hrddp_flag = QCheckBox(self.tr("HRDDP risk (human rights due diligence)"))
        self.hrddp_flag.setChecked(bool(get("hrddp_flag", False)))
        self.do_not_engage = QCheckBox(self.tr("Do not engage"))
        self.do_not_engage.setChecked(bool(get("do_not_engage", False)))

        profile = QWidget()
        form = QFormLayout(profile)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Aliases"), self.aliases)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Regions"), self.regions)
        form.addRow(self.tr("Influence (1\u20135)"), self.influence)
        form.addRow(self.tr("Interest (1\u20135)"), self.interest)
        form.addRow(self.tr("Owner"), self.owner)
        form.addRow(self.tr("Tags"), self.tags)
        form.addRow(self.tr("Classification"), self.classification)
        form.addRow(self.tr("Description"), self.texts["description"])

        motivations = QWidget()
        mform = QFormLayout(motivations)
        mform.addRow(self.tr("Positions"), self.texts["positions"])
        mform.addRow(self.tr("Interests"), self.texts["interests"])
        mform.addRow(self.tr("Needs"), self.texts["needs"])
        mform.addRow(self.tr("Grievances"), self.texts["grievances"])
        mform.addRow(self.tr("Motivations"), self.texts["motivations"])

        flags = QWidget()
        fform = QFormLayout(flags)
        fform.addRow(self.sanctioned)
        fform.addRow(self.tr("Sanctions note"), self.texts["sanctions_note"])
        fform.addRow(self.hrddp_flag)
        fform.addRow(self.tr("HRDDP note"), self.texts["hrddp_note"])
        fform.addRow(self.do_not_engage)
        fform.addRow(self.tr("Engagement constraints"), self.texts["engagement_constraints"])

        tabs = QTabWidget()
        tabs.addTab(profile, self.tr("Profile"))
        tabs.addTab(motivations, self.tr("Motivations"))
        if creating:
            stance = QWidget()
            sform = QFormLayout(stance)
            self.stance_peace = _combo([(peace_stance_label(s), s.value) for s in PeaceStance],
                                       "unknown")
            self.stance_mission = _combo(
                [(mission_stance_label(s), s.value) for s in MissionStance], "unknown")
            self.perception = _combo([(perception_label(p), p.value) for p in Perception],
                                     "unknown")
            sform.addRow(self.tr("Stance on the peace process"), self.stance_peace)
            sform.addRow(self.tr("Stance toward the mission"), self.stance_mission)
            sform.addRow(self.tr("Community perception"), self.perception)
            sform.addRow(self.tr("Evidence"), self.texts["perception_evidence"])
            tabs.addTab(stance, self.tr("Stance"))
        else:
            mform.addRow(self.tr("Perception evidence"), self.texts["perception_evidence"])
        self.groups = GroupPerceptionEditor(get("perceptions", ()) or (), sources)
        tabs.addTab(self.groups, self.tr("Perception by Group"))
        tabs.addTab(flags, self.tr("Flags"))

        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(660, 560)
        self.drafts = self._keep_drafts(handle, parent)

    def _keep_drafts(self, handle, parent):
        """Long text (and the name) kept as drafts while typed; None without a mission."""
        from missiondesk.ui.framework.drafts import FormDrafts, handle_near

        handle = handle if handle is not None else handle_near(parent)
        if handle is None:
            return None
        labels = {"name": self.tr("Name"), "description": self.tr("Description"),
                  "positions": self.tr("Positions"), "interests": self.tr("Interests"),
                  "needs": self.tr("Needs"), "grievances": self.tr("Grievances"),
                  "motivations": self.tr("Motivations"),
                  "perception_evidence": self.tr("Perception evidence"),
                  "sanctions_note": self.tr("Sanctions note"),
                  "hrddp_note": self.tr("HRDDP note"),
                  "engagement_constraints": self.tr("Engagement constraints")}
        widgets = {"name": self.name, **self.texts}
        record_id = getattr(self._detail, "id", None)
        return FormDrafts(self, handle, "stakeholders", record_id,
                          {name: (labels[name], widgets[name]) for name in widgets})

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def values(self) -> dict:
        """Every field of the form, as the services take them."""
        values = {
            "name": self.name.text().strip(),
            "aliases": _split_list(self.aliases.text()),
            "kind": self.kind.currentData(),
            "category": self.category.currentData(),
            "regions": _split_list(self.regions.text()),
            "influence": self.influence.value(),
            "interest": self.interest.value(),
            "owner_id": self.owner.currentData() or None,
            "tags": _split_list(self.tags.text()),
            "classification": self.classification.currentData(),
            "sanctioned": self.sanctioned.isChecked(),
            "hrddp_flag": self.hrddp_flag.isChecked(),
            "do_not_engage": self.do_not_engage.isChecked(),
        }
        for name, edit in self.texts.items():
            values[name] = edit.toPlainText().strip() or None
        return values

    def stance_values(self) -> dict:
        """The first assessment of a new stakeholder (create only)."""
        return {"stance_peace": self.stance_peace.currentData(),
                "stance_mission": self.stance_mission.currentData(),
                "perception": self.perception.currentData()}

    def group_perceptions(self) -> list[dict] | None:
        """The perception-by-group lines, or None when the user changed none."""
        return self.groups.values() if self.groups.changed() else None

    def changes(self) -> dict:
        """Only the fields the user changed (edit)."""
        current = self.values()
        changed = {}
        for name, value in current.items():
            old = getattr(self._detail, name, None)
            if isinstance(old, tuple):
                old = list(old)
            if (old or None) != (value or None) and not (old is False and value is False):
                changed[name] = value
        return changed


class AssessmentDialog(QDialog):
    """A dated assessment of stance and perception, with who assessed and why."""

    def __init__(self, parent: QWidget | None, detail) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Assessment \u2014 %s") % detail.name)
        form = QFormLayout()
        self.assessed_on = QDateEdit(QDate.currentDate())
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat("yyyy-MM-dd")
        self.stance_peace = _combo([(peace_stance_label(s), s.value) for s in PeaceStance],
                                   detail.stance_peace)
        self.stance_mission = _combo([(mission_stance_label(s), s.value) for s in MissionStance],
                                     detail.stance_mission)
        self.perception = _combo([(perception_label(p), p.value) for p in Perception],
                                 detail.perception)
        self.reason = QPlainTextEdit()
        from missiondesk.ui.framework.drafts import keep_drafts

        self._drafts = keep_drafts(self, "stakeholder_assessments", detail.id, {
            "reason": (self.tr("Why (evidence, source code)"), self.reason)})
        form.addRow(self.tr("Date"), self.assessed_on)
        form.addRow(self.tr("Stance on the peace process"), self.stance_peace)
        form.addRow(self.tr("Stance toward the mission"), self.stance_mission)
        form.addRow(self.tr("Community perception"), self.perception)
        form.addRow(self.tr("Why (evidence, source code)"), self.reason)
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, 360)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def values(self) -> dict:
        assessed: date = self.assessed_on.date().toPython()
        return {"assessed_on": assessed, "stance_peace": self.stance_peace.currentData(),
                "stance_mission": self.stance_mission.currentData(),
                "perception": self.perception.currentData(),
                "reason": self.reason.toPlainText().strip() or None}


class PriorityOverrideDialog(QDialog):
    """Set the engagement priority by hand, with a reason, or go back to the computed one."""

    def __init__(self, parent: QWidget | None, detail, computed_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Engagement Priority \u2014 %s") % detail.name)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Computed: %s") % computed_text))
        form = QFormLayout()
        self.letter = QComboBox()
        self.letter.addItem(self.tr("Use the computed priority"), None)
        for letter in "ABCD":
            self.letter.addItem(letter, letter)
        current = getattr(detail, "priority_override", None)
        self.letter.setCurrentIndex(max(0, self.letter.findData(current)) if current else 0)
        self.reason = QLineEdit(getattr(detail, "priority_override_reason", "") or "")
        form.addRow(self.tr("Priority"), self.letter)
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 180)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def values(self) -> dict:
        return {"letter": self.letter.currentData(),
                "reason": self.reason.text().strip() or None}


class DuplicateWarning:
    """Ask before creating a stakeholder that looks like one already in the mission."""

    @classmethod
    def confirm(cls, parent: QWidget | None, name: str, similar: list) -> bool:
        lines = "\n".join("\u2022 %s" % s.name for s in similar[:5])
        text = QCoreApplication.translate(
            "DuplicateWarning", "\u201c{name}\u201d looks like a stakeholder the mission "
            "already has:\n{lines}\n\nCreate it anyway?").format(name=name, lines=lines)
        title = QCoreApplication.translate("DuplicateWarning", "Possible Duplicate")
        answer = QMessageBox.warning(parent, title, text,
                                     QMessageBox.StandardButton.Yes
                                     | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
