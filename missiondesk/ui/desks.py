"""The desks of the navigation list. A desk issue adds its desk with one line in `desk_specs`.

A desk is a QWidget with `attach(ctx)` (a mission opened) and `detach()` (it closed); it is
built the first time it is shown, so start-up pays only for the Overview.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class DeskSpec:
    key: str
    title: Callable[[], str]
    module: str  # imported when the desk is first shown, so start-up pays only for the Overview
    class_name: str

    def factory(self, parent: QWidget | None = None) -> QWidget:
        return getattr(importlib.import_module(self.module), self.class_name)(parent)


def _t(text: str) -> str:
    return QCoreApplication.translate("Desks", text)


def desk_specs() -> list[DeskSpec]:
    """Every desk, in navigation order."""
    return [
        DeskSpec("overview", lambda: _t("Overview"), "missiondesk.ui.overview.desk",
                 "OverviewDesk"),
        DeskSpec("stakeholders", lambda: _t("Stakeholders"), "missiondesk.ui.stakeholders.desk",
                 "StakeholdersDesk"),
        DeskSpec("engagements", lambda: _t("Engagements"), "missiondesk.ui.engagements.desk",
                 "EngagementsDesk"),
        DeskSpec("commitments", lambda: _t("Commitments"), "missiondesk.ui.commitments.desk",
                 "CommitmentsDesk"),
        DeskSpec("drivers", lambda: _t("Drivers"), "missiondesk.ui.drivers.desk",
                 "DriversDesk"),
        DeskSpec("map", lambda: _t("Influence Map"), "missiondesk.ui.map.desk", "MapDesk"),
        DeskSpec("leadership", lambda: _t("Leadership"), "missiondesk.ui.leadership.desk",
                 "LeadershipDesk"),
        DeskSpec("mandate", lambda: _t("Mandate"), "missiondesk.ui.mandate.desk",
                 "MandateDesk"),
        DeskSpec("communications", lambda: _t("Communications"),
                 "missiondesk.ui.communications.desk", "CommunicationsDesk"),
        DeskSpec("sources", lambda: _t("Sources"), "missiondesk.ui.sources.desk", "SourcesDesk"),
        DeskSpec("audit", lambda: _t("Audit Trail"), "missiondesk.ui.audit.desk", "AuditDesk"),
    ]
