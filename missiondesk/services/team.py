"""The leadership team: who can work on the mission (and so whom changes are logged under)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import TeamMember
from missiondesk.store.vocab import TeamRole


@dataclass(frozen=True)
class TeamMemberView:
    id: str
    name: str
    role: str
    title: str | None
    active: bool


def _view(row: TeamMember) -> TeamMemberView:
    return TeamMemberView(id=row.id, name=row.name, role=row.role, title=row.title,
                          active=row.active)


def list_team(handle: MissionHandle, *, active_only: bool = True) -> list[TeamMemberView]:
    """Team members, SRSG first then by role order and name."""
    order = {role.value: i for i, role in enumerate(TeamRole)}
    with handle.session() as session:
        query = select(TeamMember)
        if active_only:
            query = query.where(TeamMember.active.is_(True))
        rows = session.scalars(query).all()
        return sorted((_view(r) for r in rows), key=lambda m: (order.get(m.role, 99), m.name))


def add_team_member(uow: UnitOfWork, *, name: str, role: str = "OTHER",
                    title: str | None = None) -> TeamMemberView:
    """Add someone to the team (the first user of a new mission adds themself)."""
    row = TeamMember(
        name=validation.required_text("name", name, max_length=200),
        role=validation.vocabulary("role", role, TeamRole),
        title=validation.optional_text("title", title, max_length=200),
        active=True,
        classification="UNCLASSIFIED",
    )
    uow.add(row)
    uow.session.flush()
    return _view(row)
