"""Words for the engagement vocabularies (the codes stay in the file)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("EngagementLabels", text)


def format_label(code: str) -> str:
    return {
        "bilateral": _t("Bilateral"), "group": _t("Group meeting"), "forum": _t("Forum"),
        "phone_video": _t("Phone / video"), "field_visit": _t("Field visit"),
        "public_event": _t("Public event"), "informal": _t("Informal"),
        "correspondence": _t("Correspondence"),
    }.get(code, code)


def level_label(code: str) -> str:
    return {
        "head_of_state": _t("Head of state"), "ministerial": _t("Ministerial"),
        "senior": _t("Senior"), "working": _t("Working level"), "community": _t("Community"),
    }.get(code, code)


def atmosphere_label(code: str) -> str:
    return {
        "cordial": _t("Cordial"), "constructive": _t("Constructive"),
        "businesslike": _t("Businesslike"), "tense": _t("Tense"), "hostile": _t("Hostile"),
    }.get(code, code)


def commitment_type_label(code: str) -> str:
    return {
        "political": _t("Political"), "security": _t("Security"),
        "humanitarian": _t("Humanitarian"), "logistical": _t("Logistical"),
        "information": _t("Information"), "follow_up": _t("Follow-up"),
    }.get(code, code)


def commitment_status_label(code: str) -> str:
    return {
        "open": _t("Open"), "in_progress": _t("In progress"), "fulfilled": _t("Fulfilled"),
        "partially_fulfilled": _t("Partially fulfilled"), "overdue": _t("Overdue"),
        "breached": _t("Breached"), "withdrawn": _t("Withdrawn"),
    }.get(code, code)


def flag_badges(flag) -> list[str]:
    """The badges of a flagged counterpart (services.engagements.CounterpartFlag)."""
    badges = []
    if flag.do_not_engage:
        badges.append(_t("DO NOT ENGAGE"))
    if flag.sanctioned:
        badges.append(_t("SANCTIONED"))
    if flag.hrddp:
        badges.append(_t("HRDDP"))
    return badges
