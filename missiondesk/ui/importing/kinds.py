"""What differs between importing stakeholders and importing relationships; the dialog and the
flow in `dialog.py` are one, parameterised by an `ImportKind`.

Each kind names its service module (headers, plan, apply), says what its columns hold and
what a planned row and its values read like, and which vocabulary each mappable column takes
its codes from (the preview's "unknown values" choices).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from missiondesk import labels
from missiondesk.store import vocab


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("ImportDialog", text, "", n)


@dataclass(frozen=True)
class ImportKind:
    key: str                                   # "stakeholders" | "relationships"
    service_name: str                          # the services module that plans and applies
    title: Callable[[], str]                   # "Import Stakeholders"
    record: Callable[[], str]                  # the preview's record column: "Stakeholder"
    column_label: Callable[[str], str]         # what a known column holds, in words
    field_label: Callable[[str], str]          # a field as the preview's values name it
    required_text: Callable[[list[str]], str]  # the mapping dialog's refusal
    required: tuple[str, ...]                  # columns a file must have
    vocabularies: Callable[[], dict[str, list[tuple[str, str]]]]  # column -> [(label, code)]
    value_labels: Callable[[], dict[str, dict[str, str]]]        # translated label -> code

    @property
    def service(self) -> Any:
        return importlib.import_module(self.service_name)

    def plan(self, handle, raw, mapping, *, labels=None, value_map=None, progress=None):
        if self.key == "stakeholders":
            return self.service.plan_stakeholder_import(
                handle, raw, mapping, labels=labels, progress=progress, value_map=value_map)
        return self.service.plan_relationship_import(
            handle, raw, mapping, labels=labels, progress=progress, value_map=value_map)

    def apply(self, uow, plan, progress=None) -> dict[str, int]:
        if self.key == "stakeholders":
            return self.service.apply_stakeholder_import(uow, plan, progress=progress)
        return self.service.apply_relationship_import(uow, plan, progress=progress)

    def record_text(self, planned) -> str:
        """The preview's record cell: a stakeholder's name, a relationship as a sentence."""
        if self.key == "stakeholders":
            return planned.name
        verb = labels.relationship_type_label(planned.type).lower() if planned.type else "?"
        return "%s \u2192 %s \u2192 %s" % (planned.source or "?", verb, planned.target or "?")

    def value_text(self, field: str, value, owners: dict[str, str]) -> str:
        if value is None or value == "" or value == []:
            return "\u2014"
        if isinstance(value, list | tuple):
            return "; ".join(map(str, value))
        if field == "owner_id":
            return owners.get(value, str(value))
        if field == "valence" and isinstance(value, int):
            return labels.valence_label(value)
        converter = _CONVERTERS.get(field)
        if converter is not None:
            return converter(value)
        text = " ".join(str(value).split())
        return text if len(text) <= 40 else text[:39] + "\u2026"


_CONVERTERS: dict[str, Callable[[str], str]] = {
    "kind": labels.kind_label, "category": labels.category_label,
    "stance_peace": labels.peace_stance_label, "stance_mission": labels.mission_stance_label,
    "perception": labels.perception_label, "classification": labels.classification_label,
    "type": labels.relationship_type_label, "status": labels.relationship_status_label,
    "confidence": labels.confidence_label,
}


def _choices(label: Callable[[str], str], codes) -> list[tuple[str, str]]:
    return [(label(c.value), c.value) for c in codes]


def _classifications() -> list[tuple[str, str]]:
    return _choices(labels.classification_label, vocab.Classification)


# --- stakeholders ---------------------------------------------------------------------------


def stakeholder_column_label(column: str) -> str:
    """What a known column of a stakeholder file holds, in words."""
    return {
        "name": _t("Name"),
        "aliases": _t("Aliases (separated by ; or |)"),
        "kind": _t("Kind"),
        "category": _t("Category"),
        "description": _t("Description"),
        "region": _t("Regions (separated by ; or |)"),
        "influence": _t("Influence (1\u20135)"),
        "interest": _t("Interest (1\u20135)"),
        "stance": _t("Stance on the peace process"),
        "stance_mission": _t("Stance toward the mission"),
        "perception": _t("Community perception"),
        "owner": _t("Owner (a team member\u2019s name)"),
        "tags": _t("Tags (separated by ; or |)"),
        "classification": _t("Classification"),
        "evidence": _t("Evidence: a URL or citation (kept at the end of the description)"),
    }.get(column, column)


def stakeholder_field_label(field: str) -> str:
    """A stakeholder field as the preview names it."""
    return {
        "name": _t("name"), "aliases": _t("aliases"), "kind": _t("kind"),
        "category": _t("category"), "description": _t("description"), "regions": _t("regions"),
        "influence": _t("influence"), "interest": _t("interest"),
        "stance_peace": _t("stance"), "stance_mission": _t("stance toward the mission"),
        "perception": _t("perception"), "owner_id": _t("owner"), "tags": _t("tags"),
        "classification": _t("classification"),
    }.get(field, field)


def _stakeholder_vocabularies() -> dict[str, list[tuple[str, str]]]:
    return {
        "kind": _choices(labels.kind_label, vocab.StakeholderKind),
        "category": _choices(labels.category_label, vocab.StakeholderCategory),
        "stance": _choices(labels.peace_stance_label, vocab.PeaceStance),
        "stance_mission": _choices(labels.mission_stance_label, vocab.MissionStance),
        "perception": _choices(labels.perception_label, vocab.Perception),
        "classification": _classifications(),
    }


def _stakeholder_values() -> dict[str, dict[str, str]]:
    from missiondesk.messages import stakeholder_value_labels

    return stakeholder_value_labels()


# --- relationships --------------------------------------------------------------------------


def relationship_column_label(column: str) -> str:
    """What a known column of a relationship file holds, in words."""
    return {
        "source": _t("From (a stakeholder\u2019s name or alias)"),
        "target": _t("To (a stakeholder\u2019s name or alias)"),
        "type": _t("Type of relationship"),
        "strength": _t("Strength (1\u20135)"),
        "valence": _t("Valence (\u22122 to +2)"),
        "status": _t("Status"),
        "valid_from": _t("Valid from (2019, 2019-05 or 2019-05-14)"),
        "valid_to": _t("Valid to"),
        "confidence": _t("Confidence"),
        "source_note": _t("Evidence note: a URL or citation"),
        "notes": _t("Notes"),
        "classification": _t("Classification"),
    }.get(column, column)


def relationship_field_label(field: str) -> str:
    from missiondesk.messages import relationship_field_labels

    return relationship_field_labels().get(field, field).lower()


def _relationship_vocabularies() -> dict[str, list[tuple[str, str]]]:
    return {
        "type": [(labels.relationship_type_label(c.value), c.value)
                 for c in vocab.RELATIONSHIP_TYPES],
        "status": _choices(labels.relationship_status_label, vocab.RelationshipStatus),
        "confidence": _choices(labels.confidence_label, vocab.Confidence),
        "classification": _classifications(),
    }


def _relationship_values() -> dict[str, dict[str, str]]:
    from missiondesk.messages import relationship_value_labels

    return relationship_value_labels()


STAKEHOLDERS = ImportKind(
    key="stakeholders",
    service_name="missiondesk.services.stakeholder_import",
    title=lambda: _t("Import Stakeholders"),
    record=lambda: _t("Stakeholder"),
    column_label=stakeholder_column_label,
    field_label=stakeholder_field_label,
    required_text=lambda missing: _t("One column must hold the stakeholders\u2019 names."),
    required=("name",),
    vocabularies=_stakeholder_vocabularies,
    value_labels=_stakeholder_values,
)

RELATIONSHIPS = ImportKind(
    key="relationships",
    service_name="missiondesk.services.relationship_import",
    title=lambda: _t("Import Relationships"),
    record=lambda: _t("Relationship"),
    column_label=relationship_column_label,
    field_label=relationship_field_label,
    required_text=lambda missing: _t(
        "A relationship file needs a column for each of: {columns}.").format(
            columns=", ".join("\u201c%s\u201d" % relationship_column_label(c)
                              for c in missing)),
    required=("source", "target", "type"),
    vocabularies=_relationship_vocabularies,
    value_labels=_relationship_values,
)
