"""Mission settings: thresholds and limits the whole team shares, kept in the mission file.

Every setting is declared once in `REGISTRY` with its type, default and bounds, and read
through that declaration: a file that never set one reads its default, a stored value the
declaration no longer accepts (an older build's, a hand-edited file's) reads as the default
too, never as a crash. Writes go through the unit of work, so the change log and the audit
trail record who changed a threshold and from what. No Qt, and no user-visible text: a bad
value is an `InvalidValue` code with the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import MissionSetting


@dataclass(frozen=True)
class Setting:
    """A known setting: its key, type ("int" for now), default and inclusive bounds."""

    key: str
    kind: str
    default: Any
    minimum: int | None = None
    maximum: int | None = None

    def clean(self, value: Any) -> Any:
        """The value as stored; InvalidValue(field=key, reason=...) when it does not fit."""
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise InvalidValue(field=self.key, reason="out_of_range", value=value,
                                   min=self.minimum, max=self.maximum,
                                   table="mission_settings")
            try:
                number = int(str(value).strip())
            except ValueError as exc:
                raise InvalidValue(field=self.key, reason="out_of_range", value=value,
                                   min=self.minimum, max=self.maximum,
                                   table="mission_settings") from exc
            if ((self.minimum is not None and number < self.minimum)
                    or (self.maximum is not None and number > self.maximum)):
                raise InvalidValue(field=self.key, reason="out_of_range", value=value,
                                   min=self.minimum, max=self.maximum,
                                   table="mission_settings")
            return number
        raise ValueError("unknown setting kind: %s" % self.kind)


#: Every setting the mission file may hold. Later issues add theirs here
#: (srsg_political_target, RACI limits, the reporting rhythm).
REGISTRY: dict[str, Setting] = {s.key: s for s in (
    # Engagement gaps: a priority-A stakeholder not engaged for this many days is a gap...
    Setting("gap_days_a", "int", 30, 1, 365),
    # ...and a priority-B one after this many.
    Setting("gap_days_b", "int", 60, 1, 730),
    # Leadership desk: the SRSG's political share of engagement hours aimed at (percent)...
    Setting("srsg_political_target", "int", 60, 0, 100),
    # ...no one accountable for more than this many portfolios...
    Setting("raci_max_accountable", "int", 3, 1, 50),
    # ...nor owner of more than this many priority-A stakeholders.
    Setting("raci_max_priority_a", "int", 8, 1, 500),
    # The Council cycle (services/council_cycle.py): an SG report every this many days...
    Setting("cycle_report_every_days", "int", 90, 30, 365),
    # ...briefed to the Council this many days after it is due...
    Setting("cycle_briefing_after_report_days", "int", 14, 0, 60),
    # ...TCC/PCC consultations this many days before the renewal...
    Setting("cycle_tcc_before_renewal_days", "int", 30, 0, 120),
    # ...and events this many days ahead flagged as imminent on the Overview.
    Setting("cycle_imminent_days", "int", 21, 1, 90),
    # Communications (services/comms_milestones.py): benchmarks met and commitments fulfilled
    # in the last this many days are proposed as achievements to communicate...
    Setting("achievement_window_days", "int", 60, 1, 365),
    # ...and disinformation is expected from this many days before an SG report, a Council
    # briefing or a renewal to this many days after it.
    Setting("disinfo_days_before", "int", 14, 0, 90),
    Setting("disinfo_days_after", "int", 7, 0, 90),
)}


def _declared(key: str) -> Setting:
    try:
        return REGISTRY[key]
    except KeyError:
        raise InvalidValue(field=key, reason="unknown_setting",
                           table="mission_settings") from None


def get_setting(handle: MissionHandle, key: str) -> Any:
    """The setting's value in this mission (its default when never set or unreadable)."""
    setting = _declared(key)
    with handle.session() as session:
        stored = session.scalars(select(MissionSetting.value)
                                 .where(MissionSetting.key == key)).first()
    if stored is None:
        return setting.default
    try:
        return setting.clean(stored)
    except InvalidValue:
        return setting.default


def get_settings(handle: MissionHandle, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Several settings at once (all of the registry when `keys` is None), in one read."""
    wanted = tuple(REGISTRY) if keys is None else keys
    declared = {key: _declared(key) for key in wanted}
    with handle.session() as session:
        stored = dict(session.execute(select(MissionSetting.key, MissionSetting.value)
                                      .where(MissionSetting.key.in_(wanted))).all())
    values = {}
    for key, setting in declared.items():
        try:
            values[key] = setting.default if stored.get(key) is None \
                else setting.clean(stored[key])
        except InvalidValue:
            values[key] = setting.default
    return values


def set_setting(uow: UnitOfWork, key: str, value: Any) -> Any:
    """Set a setting for the whole mission (validated; logged); returns the stored value.

    Setting the value it already has writes nothing."""
    setting = _declared(key)
    clean = setting.clean(value)
    session = uow.session
    row = session.scalars(select(MissionSetting).where(MissionSetting.key == key)
                          .execution_options(include_deleted=True)).first()
    if row is None:
        row = MissionSetting(key=key, value=clean, classification="UNCLASSIFIED")
        uow.add(row)
    else:
        if row.deleted_at is not None:
            row.deleted_at = None
        if row.value != clean:
            row.value = clean
    session.flush()
    return clean
