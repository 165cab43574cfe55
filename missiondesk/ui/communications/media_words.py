"""The words of the milestones, calendar, media and rumour tabs: their codes, their fields,
and the sentences for what their services refuse (through `problem_text`, which hands every
other error to messages.error_text)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from missiondesk.store.errors import InvalidValue, MissionError


def _t(text: str) -> str:
    return QCoreApplication.translate("CommunicationsMedia", text)


def rumour_status_label(code: str) -> str:
    return {"new": _t("New"), "monitoring": _t("Monitoring"), "responding": _t("Responding"),
            "responded": _t("Responded"), "debunked": _t("Debunked"),
            "closed": _t("Closed")}.get(code, code)


def rumour_channel_label(code: str) -> str:
    return {"word_of_mouth": _t("Word of mouth"), "radio": _t("Radio"),
            "social_media": _t("Social media"), "messaging_app": _t("Messaging app"),
            "print": _t("Print"), "television": _t("Television"),
            "public_speech": _t("Public speech")}.get(code, code)


def level_label(code: str) -> str:
    return {"low": _t("Low"), "medium": _t("Medium"), "high": _t("High")}.get(code, code)


def media_type_label(code: str) -> str:
    return {"radio": _t("Radio"), "television": _t("Television"), "print": _t("Print"),
            "online": _t("Online"), "social_media": _t("Social media"),
            "news_agency": _t("News agency"),
            "community_radio": _t("Community radio")}.get(code, code)


def ownership_label(code: str) -> str:
    return {"state": _t("State"), "private": _t("Private"), "party": _t("Political party"),
            "community": _t("Community"), "religious": _t("Religious"),
            "international": _t("International"), "un": _t("United Nations"),
            "unknown": _t("Unknown")}.get(code, code)


def alignment_label(code: str) -> str:
    return {"pro_government": _t("Pro-government"), "opposition": _t("Opposition"),
            "armed_group": _t("Armed group"), "independent": _t("Independent"),
            "unknown": _t("Unknown")}.get(code, code)


def relation_label(code: str) -> str:
    return {"partner": _t("Partner"), "good": _t("Good"), "neutral": _t("Neutral"),
            "strained": _t("Strained"), "hostile": _t("Hostile")}.get(code, code)


def milestone_status_label(code: str) -> str:
    return {"planned": _t("Planned"), "on_track": _t("On track"), "delayed": _t("Delayed"),
            "achieved": _t("Achieved"), "communicated": _t("Communicated"),
            "cancelled": _t("Cancelled")}.get(code, code)


def typed_date(text):
    """A date typed in a form as a date when it is one (so an unchanged field compares
    equal), else as typed (the service refuses it with its reason)."""
    from datetime import date

    if not isinstance(text, str):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return text


def field_name(field: str) -> str:
    return {
        "reported_on": _t("Date"), "content": _t("What is said"), "channel": _t("Channel"),
        "outlet_id": _t("Outlet"), "stakeholder_id": _t("About (stakeholder)"),
        "regions": _t("Regions"), "reach": _t("Reach"), "risk": _t("Risk"),
        "poc_risk": _t("Risk to civilians"), "response_message_id": _t("Key message"),
        "response": _t("Response"), "status": _t("Status"),
        "classification": _t("Classification"), "name": _t("Name"),
        "media_type": _t("Type"), "ownership": _t("Ownership"), "owner_name": _t("Owner"),
        "alignment": _t("Political alignment"), "languages": _t("Languages"),
        "coverage": _t("Coverage"), "trust": _t("Trust"),
        "relationship": _t("Relationship with the mission"),
        "misinformation_record": _t("Misinformation record"), "notes": _t("Notes"),
        "title": _t("Title"), "planned_on": _t("Planned for"),
        "objective_id": _t("Communications objective"), "achievement": _t("Achievement"),
        "achieved_on": _t("Achieved on"), "benchmark_id": _t("Benchmark met"),
        "commitment_id": _t("Commitment fulfilled"),
    }.get(field, field)


def problem_text(error: MissionError) -> str:
    """The sentence for a refusal of the milestone, media or rumour services."""
    from missiondesk.messages import error_text

    if not isinstance(error, InvalidValue):
        return error_text(error)
    p = error.params
    field, reason = field_name(p.get("field", "")), p.get("reason")
    if reason == "required":
        return _t("{field} is required.").format(field=field)
    if reason == "too_long":
        return _t("{field} is too long (at most {n}).").format(field=field,
                                                              n=p.get("max_length"))
    if reason == "not_a_date":
        return _t("{field}: \u201c{value}\u201d is not a date (YYYY-MM-DD).").format(
            field=field, value=p.get("value"))
    if reason == "unknown_record":
        return _t("{field}: the record chosen no longer exists.").format(field=field)
    if reason == "duplicate_name":
        return _t("An outlet named \u201c{value}\u201d is already in the landscape.").format(
            value=p.get("value"))
    if reason == "transition_refused" and p.get("table") == "rumours":
        allowed = ", ".join(rumour_status_label(s) for s in p.get("allowed", []))
        return _t("A rumour that is {current} cannot become {new}; it can become {allowed}."
                  ).format(current=rumour_status_label(p.get("current", "")).lower(),
                           new=rumour_status_label(p.get("value", "")).lower(),
                           allowed=allowed.lower())
    return error_text(error)


def worded_actions(owner, ctx, **service_functions):
    """A desk's RecordActions whose refusals are worded by `problem_text` (the field names of
    these tabs), each command on the undo stack."""
    from missiondesk.ui.framework.commands import RecordActions, push_command

    class _Actions(RecordActions):
        def push(self, command) -> str | None:
            context = self._ctx()
            if context is None:
                return None
            try:
                push_command(context, command)
            except MissionError as exc:
                return problem_text(exc)
            return None

    return _Actions(owner, ctx, **service_functions)
