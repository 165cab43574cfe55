"""Message coverage: which audiences have heard which planned message, and whom of an audience
the mission has never met.

- Planned: a message is planned for an audience by a line of the plan (`comms_plan_rows`) or
  by the message's own audience (`key_messages.audience_id`).
- Heard: an audience heard a message when an engagement that delivered it
  (`engagement_key_messages`) had a counterpart among the audience's stakeholders.
- Never reached: a stakeholder of an audience who is a counterpart of no engagement at all.

Each is one SQL aggregate over live rows (the large mission's 200,000 engagements are never
loaded): the deliveries joined through the counterparts to the audiences' members, grouped by
(audience, message); the members with no counterpart row, through the counterparts' index by
stakeholder. No Qt here, and no user-visible text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select, union

from missiondesk.services.comms_messages import message_texts
from missiondesk.store.handle import MissionHandle
from missiondesk.store.schema import (
    Audience,
    AudienceStakeholder,
    CommsPlanRow,
    Engagement,
    EngagementCounterpart,
    EngagementKeyMessage,
    KeyMessage,
    Stakeholder,
)


@dataclass(frozen=True)
class CoverageCell:
    """One planned message for one audience, and whether (and how far) it was heard."""

    audience_id: str
    key_message_id: str
    message_texts: tuple[tuple[str, str], ...]
    members_reached: int        # the audience's stakeholders met where it was delivered
    last_delivered: datetime | None  # UTC

    @property
    def heard(self) -> bool:
        return self.members_reached > 0


@dataclass(frozen=True)
class AudienceCoverage:
    audience_id: str
    code: str
    name: str
    members: int                # live stakeholders in the audience
    never_reached: tuple[tuple[str, str], ...]  # (stakeholder id, name), by name
    cells: tuple[CoverageCell, ...]  # its planned messages, the unheard first

    @property
    def id(self) -> str:
        return self.audience_id

    @property
    def planned(self) -> int:
        return len(self.cells)

    @property
    def heard(self) -> int:
        return sum(1 for c in self.cells if c.heard)

    @property
    def not_heard(self) -> tuple[CoverageCell, ...]:
        return tuple(c for c in self.cells if not c.heard)


def _planned_pairs():
    """(audience_id, key_message_id) planned: the plan's lines and each message's audience."""
    return union(
        select(CommsPlanRow.audience_id, CommsPlanRow.key_message_id)
        .where(CommsPlanRow.deleted_at.is_(None)),
        select(KeyMessage.audience_id, KeyMessage.id.label("key_message_id"))
        .where(KeyMessage.audience_id.is_not(None), KeyMessage.deleted_at.is_(None)),
    ).subquery("planned")


def _heard(since: datetime | None):
    """(audience, message) -> (members reached, last delivery), one GROUP BY."""
    ekm, ec, e, a_s = (EngagementKeyMessage, EngagementCounterpart, Engagement,
                       AudienceStakeholder)
    query = (select(a_s.audience_id, ekm.key_message_id,
                    func.count(func.distinct(ec.stakeholder_id)), func.max(e.starts_at))
             .select_from(ekm)
             .join(e, and_(e.id == ekm.engagement_id, e.deleted_at.is_(None)))
             .join(ec, and_(ec.engagement_id == ekm.engagement_id, ec.deleted_at.is_(None)))
             .join(a_s, and_(a_s.stakeholder_id == ec.stakeholder_id,
                             a_s.deleted_at.is_(None)))
             .where(ekm.deleted_at.is_(None))
             .group_by(a_s.audience_id, ekm.key_message_id))
    if since is not None:
        query = query.where(e.starts_at >= since)
    return query


def _never_reached():
    """(audience, stakeholder id, name) of members with no counterpart row on a live
    engagement (the counterparts' index by stakeholder answers each NOT EXISTS)."""
    ec, e, a_s = EngagementCounterpart, Engagement, AudienceStakeholder
    met = (select(ec.id).join(e, and_(e.id == ec.engagement_id, e.deleted_at.is_(None)))
           .where(ec.stakeholder_id == a_s.stakeholder_id, ec.deleted_at.is_(None)))
    return (select(a_s.audience_id, Stakeholder.id, Stakeholder.name)
            .join(Stakeholder, Stakeholder.id == a_s.stakeholder_id)
            .where(~exists(met))
            .order_by(Stakeholder.name_key))


def message_coverage(handle: MissionHandle, *, since: datetime | None = None
                     ) -> list[AudienceCoverage]:
    """Every live audience with its planned messages (heard or not) and its members never
    met; `since` (UTC) counts only deliveries from then on. Audiences by name."""
    with handle.session() as session:
        planned = _planned_pairs()
        pairs = session.execute(
            select(planned.c.audience_id, planned.c.key_message_id)
            .join(KeyMessage, and_(KeyMessage.id == planned.c.key_message_id,
                                   KeyMessage.deleted_at.is_(None)))).all()
        heard = {(a, m): (n, last) for a, m, n, last in session.execute(_heard(since))}
        members = dict(session.execute(
            select(AudienceStakeholder.audience_id, func.count())
            .join(Stakeholder, Stakeholder.id == AudienceStakeholder.stakeholder_id)
            .group_by(AudienceStakeholder.audience_id)).all())
        unmet: dict[str, list[tuple[str, str]]] = {}
        for audience_id, sid, name in session.execute(_never_reached()):
            unmet.setdefault(audience_id, []).append((sid, name))
        texts = message_texts(session, {m for _a, m in pairs})
        audiences = session.execute(select(Audience.id, Audience.code, Audience.name)
                                    .order_by(Audience.name)).all()
    cells: dict[str, list[CoverageCell]] = {}
    for audience_id, message_id in pairs:
        reached, last = heard.get((audience_id, message_id), (0, None))
        cells.setdefault(audience_id, []).append(CoverageCell(
            audience_id=audience_id, key_message_id=message_id,
            message_texts=texts.get(message_id, ()), members_reached=reached,
            last_delivered=last))
    return [AudienceCoverage(
        audience_id=a.id, code=a.code, name=a.name, members=members.get(a.id, 0),
        never_reached=tuple(unmet.get(a.id, ())),
        cells=tuple(sorted(cells.get(a.id, ()), key=lambda c: (
            c.heard, (c.message_texts[0][1] if c.message_texts else "").casefold()))))
        for a in audiences]
