"""Dialogs of the Stakeholders desk on `RecordForm`: the stakeholder form (with its
perception-by-group editor), a new dated assessment, the priority override, and the duplicate
warning. Each hands plain values to the desk's submit, which calls the services and says why
a save was refused; the form stays open with that sentence until the service accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
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
from missiondesk.ui.framework.commands import changed_fields
from missiondesk.ui.framework.form import RecordForm, code_combo, hint_label

TEXT_FIELDS = ("description", "positions", "interests", "needs", "grievances", "motivations")
#: The long-text fields of the Flags and Stance tabs, kept as drafts with the others.
NOTE_FIELDS = ("perception_evidence", "sanctions_note", "hrddp_note", "engagement_constraints")


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _stances(values: dict) -> tuple:
    """The stance and perception combos of a form, at `values` (unknown when absent)."""
    return (code_combo(((peace_stance_label(s), s.value) for s in PeaceStance),
                       values.get("stance_peace"), "unknown"),
            code_combo(((mission_stance_label(s), s.value) for s in MissionStance),
                       values.get("stance_mission"), "unknown"),
            code_combo(((perception_label(p), p.value) for p in Perception),
                       values.get("perception"), "unknown"))


class _DeskForm(RecordForm):
    """A record form the desk runs with `run()`: shown until its submit is accepted."""

    saved = False

    def _submitting(self, submit: Callable[[dict], str | None] | None):
        def run(values: dict) -> str | None:
            problem = submit(values) if submit is not None else None
            self.saved = problem is None
            return problem
        return run

    def run(self) -> bool:
        """Show the form until the service accepts what it holds (True) or the user cancels.
        Save submits; a form closed as accepted without Save is submitted here, and shown
        again with the reason when refused."""
        while self.exec() == QDialog.DialogCode.Accepted:
            if not self.saved:
                self._accept()
            if self.saved:
                return True
        return False


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
        hint = hint_label(self.tr("How each community group perceives this stakeholder. Each "
                                  "change is kept as a dated assessment of that group, with "
                                  "who made it."))
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
        self.table.setCellWidget(row, 1, code_combo(
            ((perception_label(p), p.value) for p in Perception),
            values.get("perception"), "unknown"))
        self.table.setItem(row, 2, QTableWidgetItem(values.get("evidence") or ""))
        self.table.setCellWidget(row, 3, code_combo(
            [(self.tr("(none)"), "")] + [(code, sid) for sid, code in self._sources],
            values.get("source_id"), ""))
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


class StakeholderForm(_DeskForm):
    """Create or edit a stakeholder. `values()` gives every field; `changes()` only edits;
    `stance_values()` the first assessment (create); `group_perceptions()` the groups when
    changed. `submit(form)` receives the form itself, as it holds all four."""

    def __init__(self, parent: QWidget | None, team: list[tuple[str, str]],
                 detail=None, default_classification: str = "CONFIDENTIAL",
                 handle=None, sources: list[tuple[str, str]] = (),
                 submit: Callable[[StakeholderForm], str | None] | None = None) -> None:
        self._detail = detail
        self._team = list(team)
        self._sources = list(sources)
        values = ({**detail.values(), "id": detail.id} if detail is not None
                  else {"classification": default_classification})
        super().__init__(parent, values,
                         self._submitting(None if submit is None else lambda _v: submit(self)),
                         creating=detail is None)
        self.resize(660, 560)
        self.drafts = self._drafts = self._keep_drafts(handle, parent)

    @classmethod
    def ask(cls, parent: QWidget | None, team: list[tuple[str, str]],
            submit: Callable[[StakeholderForm], str | None], **options) -> bool:
        return cls(parent, team, submit=submit, **options).run()

    def titles(self) -> tuple[str, str]:
        return self.tr("New Stakeholder"), self.tr("Edit Stakeholder")

    def build(self, values: dict) -> None:
        def listed(name: str) -> str:
            return ", ".join(values.get(name) or ())

        self.name = QLineEdit(values.get("name") or "")
        self.aliases = QLineEdit(listed("aliases"))
        self.aliases.setPlaceholderText(self.tr("Other names, separated by commas"))
        self.kind = code_combo(((kind_label(k), k.value) for k in StakeholderKind),
                               values.get("kind"), "organization")
        self.category = code_combo(
            sorted((category_label(c), c.value) for c in StakeholderCategory),
            values.get("category"), "other")
        self.regions = QLineEdit(listed("regions"))
        self.owner = code_combo([(self.tr("(nobody)"), "")] + [(n, m) for m, n in self._team],
                                values.get("owner_id") or "")
        self.tags = QLineEdit(listed("tags"))
        self.classification = code_combo(
            ((classification_label(c), c.value) for c in Classification),
            values.get("classification"))
        self.influence = QSpinBox()
        self.influence.setRange(1, 5)
        self.influence.setValue(int(values.get("influence") or 3))
        self.interest = QSpinBox()
        self.interest.setRange(1, 5)
        self.interest.setValue(int(values.get("interest") or 3))
        self.texts: dict[str, QPlainTextEdit] = {}
        for name in TEXT_FIELDS + NOTE_FIELDS:
            edit = QPlainTextEdit(values.get(name) or "")
            edit.setTabChangesFocus(True)
            self.texts[name] = edit
        self.sanctioned = QCheckBox(self.tr("Under sanctions"))
        self.sanctioned.setChecked(bool(values.get("sanctioned")))
        self.hrddp_flag = QCheckBox(self.tr("HRDDP risk (human rights due diligence)"))
        self.hrddp_flag.setChecked(bool(values.get("hrddp_flag")))
        self.do_not_engage = QCheckBox(self.tr("Do not engage"))
        self.do_not_engage.setChecked(bool(values.get("do_not_engage")))

        tabs = QTabWidget()
        tabs.addTab(self._page([
            (self.tr("Name"), self.name), (self.tr("Aliases"), self.aliases),
            (self.tr("Kind"), self.kind), (self.tr("Category"), self.category),
            (self.tr("Regions"), self.regions),
            (self.tr("Influence (1\u20135)"), self.influence),
            (self.tr("Interest (1\u20135)"), self.interest), (self.tr("Owner"), self.owner),
            (self.tr("Tags"), self.tags), (self.tr("Classification"), self.classification),
            (self.tr("Description"), self.texts["description"])]), self.tr("Profile"))
        motivations = [(self.tr("Positions"), self.texts["positions"]),
                       (self.tr("Interests"), self.texts["interests"]),
                       (self.tr("Needs"), self.texts["needs"]),
                       (self.tr("Grievances"), self.texts["grievances"]),
                       (self.tr("Motivations"), self.texts["motivations"])]
        if self.creating:
            tabs.addTab(self._page(motivations), self.tr("Motivations"))
            self.stance_peace, self.stance_mission, self.perception = _stances({})
            tabs.addTab(self._page([
                (self.tr("Stance on the peace process"), self.stance_peace),
                (self.tr("Stance toward the mission"), self.stance_mission),
                (self.tr("Community perception"), self.perception),
                (self.tr("Evidence"), self.texts["perception_evidence"])]), self.tr("Stance"))
        else:
            motivations.append((self.tr("Perception evidence"),
                                self.texts["perception_evidence"]))
            tabs.addTab(self._page(motivations), self.tr("Motivations"))
        self.groups = GroupPerceptionEditor(getattr(self._detail, "perceptions", ()) or (),
                                            self._sources)
        tabs.addTab(self.groups, self.tr("Perception by Group"))
        tabs.addTab(self._page([
            ("", self.sanctioned), (self.tr("Sanctions note"), self.texts["sanctions_note"]),
            ("", self.hrddp_flag), (self.tr("HRDDP note"), self.texts["hrddp_note"]),
            ("", self.do_not_engage),
            (self.tr("Engagement constraints"), self.texts["engagement_constraints"])]),
            self.tr("Flags"))
        self.add_below(tabs)

    @staticmethod
    def _page(rows: list[tuple[str, QWidget]]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for label, widget in rows:
            if label:
                form.addRow(label, widget)
            else:
                form.addRow(widget)
        return page

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
        return FormDrafts(self, handle, "stakeholders", self.initial.get("id"),
                          {name: (labels[name], widgets[name]) for name in widgets})

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
        return changed_fields(self.initial, self.values())[1]


class AssessmentDialog(_DeskForm):
    """A dated assessment of stance and perception, with who assessed and why."""

    MIN_WIDTH = 460

    def __init__(self, parent: QWidget | None, detail,
                 submit: Callable[[dict], str | None] | None = None) -> None:
        self._name = detail.name
        super().__init__(parent, {"id": detail.id, "stance_peace": detail.stance_peace,
                                  "stance_mission": detail.stance_mission,
                                  "perception": detail.perception},
                         self._submitting(submit), creating=True)
        self.resize(480, 360)

    @classmethod
    def ask(cls, parent: QWidget | None, detail,
            submit: Callable[[dict], str | None]) -> bool:
        return cls(parent, detail, submit).run()

    def titles(self) -> tuple[str, str]:
        title = self.tr("New Assessment \u2014 %s") % self._name
        return title, title

    def build(self, values: dict) -> None:
        self.assessed_on = QDateEdit(QDate.currentDate())
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat("yyyy-MM-dd")
        self.stance_peace, self.stance_mission, self.perception = _stances(values)
        self.reason = QPlainTextEdit()
        why = self.tr("Why (evidence, source code)")
        self.keep_drafts("stakeholder_assessments", {"reason": (why, self.reason)})
        self.form.addRow(self.tr("Date"), self.assessed_on)
        self.form.addRow(self.tr("Stance on the peace process"), self.stance_peace)
        self.form.addRow(self.tr("Stance toward the mission"), self.stance_mission)
        self.form.addRow(self.tr("Community perception"), self.perception)
        self.form.addRow(why, self.reason)

    def values(self) -> dict:
        assessed: date = self.assessed_on.date().toPython()
        return {"assessed_on": assessed, "stance_peace": self.stance_peace.currentData(),
                "stance_mission": self.stance_mission.currentData(),
                "perception": self.perception.currentData(),
                "reason": self.reason.toPlainText().strip() or None}


class PriorityOverrideDialog(_DeskForm):
    """Set the engagement priority by hand, with a reason, or go back to the computed one."""

    MIN_WIDTH = 440

    def __init__(self, parent: QWidget | None, detail, computed_text: str,
                 submit: Callable[[dict], str | None] | None = None) -> None:
        self._name = detail.name
        self._computed = computed_text
        super().__init__(parent, {"letter": getattr(detail, "priority_override", None),
                                  "reason": getattr(detail, "priority_override_reason", None)},
                         self._submitting(submit), creating=False)
        self.resize(460, 180)

    @classmethod
    def ask(cls, parent: QWidget | None, detail, computed_text: str,
            submit: Callable[[dict], str | None]) -> bool:
        return cls(parent, detail, computed_text, submit).run()

    def titles(self) -> tuple[str, str]:
        title = self.tr("Engagement Priority \u2014 %s") % self._name
        return title, title

    def build(self, values: dict) -> None:
        self.letter = code_combo([(self.tr("Use the computed priority"), None)]
                                 + [(letter, letter) for letter in "ABCD"], values["letter"])
        self.reason = QLineEdit(values.get("reason") or "")
        self.form.addRow(QLabel(self.tr("Computed: %s") % self._computed))
        self.form.addRow(self.tr("Priority"), self.letter)
        self.form.addRow(self.tr("Reason"), self.reason)

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
