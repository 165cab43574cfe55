"""The leadership team: who can work on the mission (and so whom changes are logged under)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.records import apply_changes
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
    revision: int = 0

    def values(self) -> dict:
        """The fields the member form edits."""
        return {"name": self.name, "role": self.role, "title": self.title,
                "active": self.active}


def _view(row: TeamMember) -> TeamMemberView:
    return TeamMemberView(id=row.id, name=row.name, role=row.role, title=row.title,
                          active=row.active, revision=row.revision or 1)


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


def update_team_member(uow: UnitOfWork, member_id: str, *, expected_revision: int | None,
                       **changes) -> TeamMemberView:
    """Change a member's name, role, title or active flag (revision checked). An inactive
    member stays in the records they took part in, off the lists of who can act now."""
    from missiondesk.services.records import load_record
    from missiondesk.store.errors import InvalidValue

    unknown = set(changes) - {"name", "role", "title", "active"}
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], reason="unknown_field",
                           table="team_members")
    row = load_record(uow, TeamMember, member_id, expected_revision)
    clean: dict = {}
    if "name" in changes:
        clean["name"] = validation.required_text("name", changes["name"], max_length=200)
    if "role" in changes:
        clean["role"] = validation.vocabulary("role", changes["role"], TeamRole)
    if "title" in changes:
        clean["title"] = validation.optional_text("title", changes["title"], max_length=200)
    if "active" in changes:
        clean["active"] = bool(changes["active"])
    apply_changes(row, clean)
    uow.session.flush()
    return _view(row)
