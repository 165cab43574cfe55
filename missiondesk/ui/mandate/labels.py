"""The Mandate desk's words for the codes its services return."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("MandateLabels", text)


def status_label(code: str) -> str:
    """A benchmark status."""
    return {
        "met": _t("Met"),
        "partially_met": _t("Partially met"),
        "on_track": _t("On track"),
        "at_risk": _t("At risk"),
        "off_track": _t("Off track"),
        "not_started": _t("Not started"),
    }.get(code, code)


#: A colour per benchmark status (board cells, chips), readable on white.
STATUS_COLOURS = {
    "met": "#1b7f3b",
    "partially_met": "#5a9e3a",
    "on_track": "#2f6fb3",
    "at_risk": "#c77c02",
    "off_track": "#b3261e",
    "not_started": "#707070",
}


def direction_label(code: str) -> str:
    """An indicator's wanted direction."""
    return {
        "increase": _t("Increase"),
        "decrease": _t("Decrease"),
        "maintain": _t("Maintain"),
    }.get(code, code)


def countdown_text(days: int | None) -> str:
    """The mandate's countdown to expiry."""
    if days is None:
        return _t("no expiry date")
    if days > 0:
        return QCoreApplication.translate("MandateLabels", "%n day(s) left", "", days)
    if days == 0:
        return _t("expires today")
    return QCoreApplication.translate("MandateLabels", "expired %n day(s) ago", "", -days)
