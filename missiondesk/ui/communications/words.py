"""The communications plan's codes in words (audiences, message kinds, languages), for the
desk's tabs. Channels are `labels.comms_channel_label` (the Audit Trail names plan lines too)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from missiondesk.store.vocab import AudienceCode, MessageKind


def _t(text: str) -> str:
    return QCoreApplication.translate("CommunicationsWords", text)


def audience_code_label(code: str) -> str:
    return {
        "host_government": _t("Host government"),
        "national_security_forces": _t("National security forces"),
        "armed_group_leaders": _t("Armed group leaders"),
        "armed_group_rank_and_file": _t("Armed group rank and file"),
        "political_parties": _t("Political parties"),
        "religious_traditional_leaders": _t("Religious and traditional leaders"),
        "civil_society": _t("Civil society"),
        "communities": _t("Communities"),
        "displaced_people": _t("Displaced people"),
        "national_media": _t("National media"),
        "diaspora": _t("Diaspora"),
        "regional_actors": _t("Regional actors"),
        "security_council": _t("Security Council"),
        "tcc_pcc": _t("Troop and police contributors"),
        "donors": _t("Donors"),
        "un_country_team": _t("UN country team"),
        "mission_personnel": _t("Mission personnel"),
    }.get(code, code)


def audience_codes() -> list[tuple[str, str]]:
    return [(audience_code_label(c.value), c.value) for c in AudienceCode]


def message_kind_label(code: str) -> str:
    return {
        "core": _t("Core message"),
        "can_do": _t("What we can do"),
        "cannot_do": _t("What we cannot do"),
    }.get(code, code)


def message_kinds() -> list[tuple[str, str]]:
    return [(message_kind_label(k.value), k.value) for k in MessageKind]


def language_label(code: str) -> str:
    return {"en": _t("English"), "fr": _t("French"), "ar": _t("Arabic"),
            "pt": _t("Portuguese"), "es": _t("Spanish")}.get(code, code)


def validity_text(valid_from: date | None, valid_until: date | None) -> str:
    if valid_from and valid_until:
        return _t("{start} to {end}").format(start=valid_from.isoformat(),
                                             end=valid_until.isoformat())
    if valid_from:
        return _t("from {start}").format(start=valid_from.isoformat())
    if valid_until:
        return _t("until {end}").format(end=valid_until.isoformat())
    return _t("no limit")
