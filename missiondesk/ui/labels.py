"""Translated labels for vocabulary codes and entity names (the codes stay in the file)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def classification_label(code: str) -> str:
    return {
        "UNCLASSIFIED": _t("UNCLASSIFIED"),
        "CONFIDENTIAL": _t("CONFIDENTIAL"),
        "STRICTLY CONFIDENTIAL": _t("STRICTLY CONFIDENTIAL"),
    }.get(code, code)


def role_label(code: str) -> str:
    return {
        "SRSG": _t("SRSG"),
        "DSRSG_POL": _t("DSRSG (Political)"),
        "DSRSG_RC_HC": _t("DSRSG / RC / HC"),
        "FORCE_COMMANDER": _t("Force Commander"),
        "POLICE_COMMISSIONER": _t("Police Commissioner"),
        "CHIEF_OF_STAFF": _t("Chief of Staff"),
        "DMS": _t("Director of Mission Support"),
        "CHIEF_JMAC": _t("Chief JMAC"),
        "CHIEF_POLITICAL": _t("Chief Political Affairs"),
        "CHIEF_COMMS": _t("Chief Strategic Communications"),
        "OTHER": _t("Other"),
    }.get(code, code)


def table_label(table: str) -> str:
    return {
        "stakeholders": _t("Stakeholders"),
        "relationships": _t("Relationships"),
        "drivers": _t("Drivers of conflict and peace"),
        "team_members": _t("Team members"),
        "portfolios": _t("Portfolios"),
        "engagements": _t("Engagements"),
        "commitments": _t("Commitments"),
        "mandate_tasks": _t("Mandate tasks"),
        "benchmarks": _t("Benchmarks"),
        "consultations": _t("Consultations"),
        "cycle_events": _t("Council calendar events"),
        "comms_objectives": _t("Communications objectives"),
        "key_messages": _t("Key messages"),
        "comms_milestones": _t("Communications milestones"),
        "media_outlets": _t("Media outlets"),
        "rumours": _t("Rumours"),
        "sources": _t("Sources"),
    }.get(table, table)
