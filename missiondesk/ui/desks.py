"""The desks of the navigation list. A desk issue adds its desk with one line in `desk_specs`.

A desk is a QWidget with `attach(ctx)` (a mission opened) and `detach()` (it closed); it is
built the first time it is shown, so start-up pays only for the Overview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class DeskSpec:
    key: str
    title: Callable[[], str]
    factory: Callable[[QWidget | None], QWidget]


def _t(text: str) -> str:
    return QCoreApplication.translate("Desks", text)


def desk_specs() -> list[DeskSpec]:
    """Every desk, in navigation order."""
    from missiondesk.ui.overview_desk import OverviewDesk

    return [
        DeskSpec("overview", lambda: _t("Overview"), OverviewDesk),
    ]
