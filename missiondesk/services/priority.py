"""Engagement priority A–D: whom the team should engage first, and why.

The score adds up what makes engaging a stakeholder urgent: its influence (weighted most),
its interest, a stance on the peace process or toward the mission that needs managing
(spoilers, opponents, swing actors), how communities perceive it, and how long since the
mission last engaged it (never = the longest). Every part is non-decreasing in influence and
in the days since the last engagement, so raising either never lowers the priority.

Reasons are codes with parameters — ("influence", {"value": 5}), ("stance", {"value":
"spoiler"}), ("not_engaged_for", {"days": 47}) — that the UI turns into words. Do-not-engage
stakeholders get no letter: they are never a target to engage.

Not engagement targets either (no letter, no "never engaged" penalty):
- the mission itself — the stakeholder whose name, acronym or alias is the mission's name or
  acronym ("UNAC", "UN Assistance Mission in Carana (UNAC)"), whatever its category; a letter
  set by hand is ignored, as for do-not-engage: the mission cannot engage itself;
- other UN entities (category `un_entity`: agencies, funds, the Secretariat, envoys' offices)
  are partners the mission coordinates with, not counterparts it engages: no computed letter,
  but a leader may still set one by hand (with a reason) when one matters to the strategy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from missiondesk.services.names import fold

#: Points per stance on the peace process: spoilers and opponents must be managed, swing
#: actors can be won, champions mostly need keeping informed.
PEACE_POINTS = {
    "spoiler": 3, "opposed": 3, "sceptical": 2, "ambivalent": 2, "conditional": 2,
    "unknown": 1, "supportive": 1, "champion": 1,
}
#: Points per stance toward the mission.
MISSION_POINTS = {
    "hostile_violent": 2, "hostile_rhetoric": 2, "obstructive": 2, "wary": 1,
    "conditional": 1, "unknown": 1, "neutral": 0, "cooperative": 0,
}
#: Points per community perception: a trusted voice carries communities, a feared one
#: shapes their security.
PERCEPTION_POINTS = {
    "trusted": 2, "accepted": 1, "mixed": 1, "feared": 1, "rejected": 0, "unknown": 0,
}
#: (at least this many days since the last engagement, points), longest first.
RECENCY_POINTS = ((90, 3), (60, 2), (30, 1), (0, 0))
NEVER_POINTS = 3
#: Minimum score per letter; below the last one, D.
THRESHOLDS = (("A", 22), ("B", 17), ("C", 12))
LETTERS = ("A", "B", "C", "D")
#: Engaged within this many days counts as recent.
RECENT_DAYS = 30

#: Stances worth naming in the reason.
_NOTABLE_MISSION = {"hostile_violent", "hostile_rhetoric", "obstructive", "wary"}
_NOTABLE_PERCEPTION = {"trusted", "feared", "rejected"}


@dataclass(frozen=True)
class Priority:
    """A stakeholder's engagement priority.

    `letter` is what the team sees ("A".."D", None for do-not-engage); `computed` is the
    score's letter even when a leader overrode it; `reasons` are (code, params) pairs.
    """

    letter: str | None
    reasons: tuple[tuple[str, dict], ...]
    computed: str | None
    overridden: bool

    @property
    def rank(self) -> int:
        """Sort rank: A=0 .. D=3, do-not-engage last (4)."""
        return LETTERS.index(self.letter) if self.letter in LETTERS else len(LETTERS)


#: Why a stakeholder is not an engagement target (a reason code), beside do-not-engage.
OWN_MISSION = "own_mission"
UN_ENTITY = "un_entity"
_TRAILING_ACRONYM = re.compile(r"\(([^()]+)\)\s*$")


def _keys(name: str, aliases: Iterable[str] = ()) -> set[str]:
    """A stakeholder's names as folded keys, with a trailing "(ABC)" as a key of its own."""
    keys = set()
    for text in (name, *aliases):
        if not text or not text.strip():
            continue
        keys.add(fold(text))
        match = _TRAILING_ACRONYM.search(text)
        if match:
            keys.add(fold(match.group(1)))
            keys.add(fold(text[:match.start()]))
    keys.discard("")
    return keys


def not_a_target(*, category: str | None, name: str, aliases: Iterable[str] = (),
                 mission_name: str | None = None, mission_acronym: str | None = None
                 ) -> str | None:
    """OWN_MISSION, UN_ENTITY, or None when the stakeholder is a possible target."""
    mission = _keys(mission_name or "") | _keys(mission_acronym or "")
    if mission and mission & _keys(name, aliases):
        return OWN_MISSION
    if category == UN_ENTITY:
        return UN_ENTITY
    return None


def recency_points(days_since_engaged: int | None) -> int:
    """Points for the time since the last engagement (None = never engaged)."""
    if days_since_engaged is None:
        return NEVER_POINTS
    for days, points in RECENCY_POINTS:
        if days_since_engaged >= days:
            return points
    return 0


def score(*, influence: int, interest: int, stance_peace: str, stance_mission: str,
          perception: str, days_since_engaged: int | None) -> int:
    """The priority score (higher = engage sooner)."""
    return (
        3 * int(influence)
        + int(interest)
        + PEACE_POINTS.get(stance_peace, 1)
        + MISSION_POINTS.get(stance_mission, 1)
        + PERCEPTION_POINTS.get(perception, 0)
        + recency_points(days_since_engaged)
    )


def letter_for(value: int) -> str:
    """The letter of a score."""
    for letter, minimum in THRESHOLDS:
        if value >= minimum:
            return letter
    return "D"


def engagement_priority(*, influence: int, interest: int, stance_peace: str,
                        stance_mission: str, perception: str, days_since_engaged: int | None,
                        do_not_engage: bool, override: str | None = None,
                        override_reason: str | None = None,
                        not_target: str | None = None) -> Priority:
    """The engagement priority of a stakeholder, with its reasons as codes.

    `not_target`: what `not_a_target` says of the stakeholder (None: a possible target)."""
    if do_not_engage:
        return Priority(letter=None, reasons=(("do_not_engage", {}),), computed=None,
                        overridden=False)
    if not_target == OWN_MISSION or (not_target is not None and override not in LETTERS):
        return Priority(letter=None, reasons=((not_target, {}),), computed=None,
                        overridden=False)
    if not_target is not None:  # a UN entity a leader ranked by hand
        return Priority(letter=override,
                        reasons=(("override", {"reason": override_reason or ""}),
                                 (not_target, {})),
                        computed=None, overridden=True)
    computed = letter_for(score(
        influence=influence, interest=interest, stance_peace=stance_peace,
        stance_mission=stance_mission, perception=perception,
        days_since_engaged=days_since_engaged,
    ))
    reasons: list[tuple[str, dict]] = [("influence", {"value": int(influence)})]
    if interest >= 4:
        reasons.append(("interest", {"value": int(interest)}))
    reasons.append(("stance", {"value": stance_peace}))
    if stance_mission in _NOTABLE_MISSION:
        reasons.append(("stance_mission", {"value": stance_mission}))
    if perception in _NOTABLE_PERCEPTION:
        reasons.append(("perception", {"value": perception}))
    if days_since_engaged is None:
        reasons.append(("never_engaged", {}))
    elif days_since_engaged >= RECENT_DAYS:
        reasons.append(("not_engaged_for", {"days": int(days_since_engaged)}))
    else:
        reasons.append(("recently_engaged", {"days": max(0, int(days_since_engaged))}))
    if override in LETTERS:
        return Priority(letter=override,
                        reasons=(("override", {"reason": override_reason or ""}),
                                 *reasons),
                        computed=computed, overridden=True)
    return Priority(letter=computed, reasons=tuple(reasons), computed=computed,
                    overridden=False)
