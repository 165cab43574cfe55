"""Portfolios and the RACI: who is Responsible, Accountable, Consulted or Informed for each
responsibility area and each key stakeholder, and what is wrong with the division of work.

A RACI cell is one `Assignment` row (a portfolio or a stakeholder, a team member, a letter).
Blanking a cell tombstones its row and setting it again brings the same row back, so every
cell has one revision an undo can check: a cell never written has revision 0.

Validation (`raci_issues`) returns codes with parameters:
- ("portfolio_no_accountable", portfolio) and ("portfolio_many_accountable", portfolio,
  members): each portfolio needs exactly one A;
- ("stakeholder_many_accountable", stakeholder, members): a stakeholder's row has one A at most;
- ("priority_a_no_owner", stakeholder): a priority-A stakeholder nobody on the team owns
  (the stakeholder's owner field is empty, or names a member no longer active);
- ("too_many_accountable", member, count, limit): accountable for more than
  `raci_max_accountable` portfolios (a mission setting);
- ("too_many_priority_a", member, count, limit): owner of more than `raci_max_priority_a`
  priority-A stakeholders (a mission setting).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.mission_settings import get_settings
from missiondesk.services.records import apply_changes, check_revision, find_record, load_record
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Assignment,
    Portfolio,
    Stakeholder,
    StrategyObjective,
    TeamMember,
)
from missiondesk.store.vocab import Classification, Raci, TeamRole

#: The settings the validation reads.
MAX_ACCOUNTABLE = "raci_max_accountable"
MAX_PRIORITY_A = "raci_max_priority_a"


@dataclass(frozen=True)
class DefaultPortfolio:
    """A default responsibility area (DOMAIN.md): a code the UI names, political or not, and
    the letter each role usually holds."""

    code: str
    political: bool
    raci: tuple[tuple[str, str], ...]  # (role code, letter)


_R = TeamRole
#: The defaults offered to a mission that has no portfolio yet (a configurable default, not
#: doctrine): roles without a member in the mission are left out of the matrix.
DEFAULT_PORTFOLIOS: tuple[DefaultPortfolio, ...] = (
    DefaultPortfolio("political_strategy", True, (
        (_R.SRSG, "A"), (_R.DSRSG_POL, "R"), (_R.CHIEF_POLITICAL, "R"),
        (_R.CHIEF_OF_STAFF, "C"), (_R.CHIEF_JMAC, "C"))),
    DefaultPortfolio("peace_process", True, (
        (_R.DSRSG_POL, "A"), (_R.CHIEF_POLITICAL, "R"), (_R.SRSG, "I"))),
    DefaultPortfolio("elections", True, (
        (_R.DSRSG_POL, "A"), (_R.CHIEF_POLITICAL, "R"), (_R.POLICE_COMMISSIONER, "C"),
        (_R.CHIEF_COMMS, "C"), (_R.SRSG, "I"))),
    DefaultPortfolio("protection_of_civilians", True, (
        (_R.FORCE_COMMANDER, "A"), (_R.CHIEF_JMAC, "C"), (_R.POLICE_COMMISSIONER, "C"),
        (_R.SRSG, "I"))),
    DefaultPortfolio("ddr", True, (
        (_R.FORCE_COMMANDER, "A"), (_R.CHIEF_JMAC, "C"), (_R.CHIEF_POLITICAL, "C"),
        (_R.SRSG, "I"))),
    DefaultPortfolio("regional_relations", True, (
        (_R.SRSG, "A"), (_R.CHIEF_POLITICAL, "R"), (_R.DSRSG_POL, "C"), (_R.CHIEF_JMAC, "C"))),
    DefaultPortfolio("humanitarian_transition", False, (
        (_R.DSRSG_RC_HC, "A"), (_R.CHIEF_OF_STAFF, "C"), (_R.SRSG, "I"))),
    DefaultPortfolio("police_rule_of_law", True, (
        (_R.POLICE_COMMISSIONER, "A"), (_R.FORCE_COMMANDER, "C"), (_R.DSRSG_POL, "I"))),
    DefaultPortfolio("analysis_early_warning", True, (
        (_R.CHIEF_OF_STAFF, "A"), (_R.CHIEF_JMAC, "R"), (_R.CHIEF_POLITICAL, "C"),
        (_R.SRSG, "I"))),
    DefaultPortfolio("benchmarks_tracking", False, (
        (_R.CHIEF_OF_STAFF, "A"), (_R.DSRSG_POL, "C"), (_R.DSRSG_RC_HC, "C"),
        (_R.SRSG, "I"))),
    DefaultPortfolio("strategic_communications", True, (
        (_R.SRSG, "A"), (_R.CHIEF_COMMS, "R"), (_R.CHIEF_OF_STAFF, "C"))),
    DefaultPortfolio("mission_support", False, (
        (_R.DMS, "A"), (_R.CHIEF_OF_STAFF, "C"), (_R.SRSG, "I"))),
)


@dataclass(frozen=True)
class PortfolioRow:
    id: str
    revision: int
    name: str
    description: str | None
    political: bool
    objective_id: str | None
    objective_title: str | None
    sort_order: int
    classification: str

    def values(self) -> dict:
        """The fields the portfolio form edits."""
        return {"name": self.name, "description": self.description,
                "political": self.political, "objective_id": self.objective_id}


@dataclass(frozen=True)
class AssignmentView:
    """One RACI cell after a write: its letter (None when blank) and revision."""

    id: str | None
    revision: int
    letter: str | None


@dataclass(frozen=True)
class RaciRow:
    """One row of a matrix: a portfolio or a stakeholder, and its letter per member id."""

    id: str
    name: str
    letters: Mapping[str, str]
    revisions: Mapping[str, int]   # per member: the cell's revision (0: never written)
    priority: str | None = None    # stakeholders: the engagement priority letter
    owner_id: str | None = None    # stakeholders: the owner field


@dataclass(frozen=True)
class RaciMatrix:
    members: tuple  # TeamMemberView, active members in team order
    portfolios: tuple[RaciRow, ...]
    stakeholders: tuple[RaciRow, ...]


@dataclass(frozen=True)
class RaciIssue:
    code: str
    params: Mapping

    @property
    def subject_id(self) -> str | None:
        """The portfolio, stakeholder or member the issue is about."""
        return (self.params.get("portfolio_id") or self.params.get("stakeholder_id")
                or self.params.get("member_id"))


# --- portfolios -------------------------------------------------------------------------------


def list_portfolios(handle: MissionHandle) -> list[PortfolioRow]:
    """Every live portfolio in the team's order, with its objective's title."""
    with handle.session() as session:
        rows = session.execute(
            select(Portfolio, StrategyObjective.title)
            .outerjoin(StrategyObjective, StrategyObjective.id == Portfolio.objective_id)
            .order_by(Portfolio.sort_order, Portfolio.name)).all()
        return [_view(p, title) for p, title in rows]


def _view(row: Portfolio, objective_title: str | None = None) -> PortfolioRow:
    return PortfolioRow(id=row.id, revision=row.revision, name=row.name,
                        description=row.description, political=bool(row.political),
                        objective_id=row.objective_id, objective_title=objective_title,
                        sort_order=row.sort_order or 0, classification=row.classification)


def _clean(session, changes: dict, *, creating: bool) -> dict:
    allowed = {"name", "description", "political", "objective_id", "classification"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], reason="unknown_field",
                           table="portfolios")
    clean: dict = {}
    if "name" in changes or creating:
        clean["name"] = validation.required_text("name", changes.get("name"), max_length=200)
    if "description" in changes:
        clean["description"] = validation.optional_text(
            "description", changes["description"], max_length=4000)
    if "political" in changes:
        clean["political"] = bool(changes["political"])
    if "objective_id" in changes:
        objective = changes["objective_id"] or None
        if objective is not None:
            find_record(session, StrategyObjective, objective)
        clean["objective_id"] = objective
    if changes.get("classification"):
        clean["classification"] = validation.vocabulary(
            "classification", changes["classification"], Classification)
    return clean


def create_portfolio(uow: UnitOfWork, **fields) -> PortfolioRow:
    """Add a portfolio at the end of the list (`name` required)."""
    session = uow.session
    clean = _clean(session, fields, creating=True)
    clean.setdefault("political", True)
    clean.setdefault("classification", "UNCLASSIFIED")
    last = session.scalar(select(Portfolio.sort_order).order_by(Portfolio.sort_order.desc())
                          .execution_options(include_deleted=True).limit(1))
    row = Portfolio(sort_order=(last or 0) + 1, **clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_portfolio(uow: UnitOfWork, portfolio_id: str, *, expected_revision: int | None,
                     **changes) -> PortfolioRow:
    """Change a portfolio's name, description, political flag or objective."""
    row = load_record(uow, Portfolio, portfolio_id, expected_revision)
    apply_changes(row, _clean(uow.session, changes, creating=False))
    uow.session.flush()
    return _view(row)


def _cells_of(session, portfolio_id: str) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.portfolio_id == portfolio_id)
                                .execution_options(include_deleted=True)))


def delete_portfolio(uow: UnitOfWork, portfolio_id: str, *, expected_revision: int | None
                     ) -> PortfolioRow:
    """Tombstone a portfolio and its live RACI cells with one timestamp."""
    row = load_record(uow, Portfolio, portfolio_id, expected_revision)
    now = utcnow()
    for cell in _cells_of(uow.session, row.id):
        if cell.deleted_at is None:
            cell.deleted_at = now
    row.deleted_at = now
    uow.session.flush()
    return _view(row)


def restore_portfolio(uow: UnitOfWork, portfolio_id: str, *, expected_revision: int | None
                      ) -> PortfolioRow:
    """Bring back a deleted portfolio with the cells its delete tombstoned."""
    row = load_record(uow, Portfolio, portfolio_id, expected_revision, include_deleted=True)
    if row.deleted_at is not None:
        for cell in _cells_of(uow.session, row.id):
            if cell.deleted_at == row.deleted_at:
                cell.deleted_at = None
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


def add_default_portfolios(uow: UnitOfWork, names: Mapping[str, str]) -> list[PortfolioRow]:
    """Create the DOMAIN.md default portfolios, named by the caller (`names`: code -> name,
    in the user's language), with their RACI given to the first active member of each role.
    Refused (InvalidValue reason "not_empty") when the mission already has portfolios."""
    session = uow.session
    if session.scalar(select(Portfolio.id).limit(1)) is not None:
        raise InvalidValue(field="portfolios", reason="not_empty", table="portfolios")
    by_role: dict[str, str] = {}
    for member_id, role in session.execute(
            select(TeamMember.id, TeamMember.role).where(TeamMember.active.is_(True))
            .order_by(TeamMember.name)):
        by_role.setdefault(role, member_id)
    created = []
    for default in DEFAULT_PORTFOLIOS:
        row = create_portfolio(uow, name=names.get(default.code, default.code),
                               political=default.political)
        for role, letter in default.raci:
            member = by_role.get(str(role))
            if member is not None:
                uow.add(Assignment(portfolio_id=row.id, team_member_id=member, raci=letter,
                                   classification="UNCLASSIFIED"))
        created.append(row)
    session.flush()
    return [_view(session.get(Portfolio, r.id)) for r in created]


def remove_portfolios(uow: UnitOfWork, revisions: Mapping[str, int | None]
                      ) -> list[PortfolioRow]:
    """Tombstone several portfolios (undoing the defaults); `revisions`: id -> the revision
    expected (RevisionConflict when one moved: nothing is removed)."""
    return [delete_portfolio(uow, pid, expected_revision=rev) for pid, rev in revisions.items()]


def restore_portfolios(uow: UnitOfWork, revisions: Mapping[str, int | None]
                       ) -> list[PortfolioRow]:
    """Bring several deleted portfolios back (redoing the defaults)."""
    return [restore_portfolio(uow, pid, expected_revision=rev)
            for pid, rev in revisions.items()]


# --- RACI cells -------------------------------------------------------------------------------


def set_raci(uow: UnitOfWork, *, member_id: str, letter: str | None,
             expected_revision: int | None, portfolio_id: str | None = None,
             stakeholder_id: str | None = None) -> AssignmentView:
    """Set one cell of the RACI (a portfolio's or a stakeholder's row) to R, A, C, I, or
    blank (None). `expected_revision`: the cell's revision as shown (0 for a cell never
    written); RevisionConflict when it moved."""
    if (portfolio_id is None) == (stakeholder_id is None):
        raise InvalidValue(field="raci", reason="required", table="assignments")
    letter = (letter or "").strip().upper() or None
    if letter is not None:
        validation.vocabulary("raci", letter, Raci)
    session = uow.session
    load_record(uow, TeamMember, member_id, None)
    if portfolio_id is not None:
        load_record(uow, Portfolio, portfolio_id, None)
        where = Assignment.portfolio_id == portfolio_id
    else:
        load_record(uow, Stakeholder, stakeholder_id, None)
        where = Assignment.stakeholder_id == stakeholder_id
    cells = list(session.scalars(
        select(Assignment).where(where, Assignment.team_member_id == member_id)
        .order_by(Assignment.deleted_at.is_not(None), Assignment.created_at)
        .execution_options(include_deleted=True)))
    cell = cells[0] if cells else None
    if cell is None:
        if expected_revision not in (None, 0):
            raise RevisionConflict(table="assignments", record_id=None,
                                   expected=expected_revision, found=0)
        if letter is None:
            return AssignmentView(id=None, revision=0, letter=None)
        cell = Assignment(portfolio_id=portfolio_id, stakeholder_id=stakeholder_id,
                          team_member_id=member_id, raci=letter,
                          classification="UNCLASSIFIED")
        uow.add(cell)
        session.flush()
        return AssignmentView(id=cell.id, revision=cell.revision, letter=letter)
    if cell.deleted_at is None or expected_revision != 0:
        check_revision(cell, expected_revision)  # a blanked cell reads as never written (0)
    if letter is None:
        if cell.deleted_at is None:
            cell.deleted_at = utcnow()
    else:
        if cell.deleted_at is not None:
            cell.deleted_at = None
        if cell.raci != letter:
            cell.raci = letter
    session.flush()
    return AssignmentView(id=cell.id, revision=cell.revision,
                          letter=None if cell.deleted_at is not None else cell.raci)


def priority_letters(handle: MissionHandle, today: date | None = None) -> dict:
    """Stakeholder id -> (priority letter or None, name, owner id): the letters the
    Stakeholders desk shows (services/priority.py, overrides included)."""
    from missiondesk.services.stakeholders import list_stakeholders

    return {r.id: (r.priority.letter, r.name, r.owner_id)
            for r in list_stakeholders(handle, today)}


def _cells(session) -> list[tuple]:
    return session.execute(
        select(Assignment.portfolio_id, Assignment.stakeholder_id, Assignment.team_member_id,
               Assignment.raci, Assignment.revision)).all()


def raci_matrix(handle: MissionHandle, today: date | None = None, *,
                letters: Mapping | None = None) -> RaciMatrix:
    """Both matrices: every portfolio, and the key stakeholders (priority A and B, and any
    stakeholder with a RACI cell) by active team member. `letters`: priority_letters, when
    the caller has them already."""
    from missiondesk.services.team import list_team

    members = tuple(list_team(handle))
    letters = priority_letters(handle, today) if letters is None else letters
    portfolios = list_portfolios(handle)
    with handle.session() as session:
        cells = _cells(session)
    by_portfolio: dict[str, tuple[dict, dict]] = {p.id: ({}, {}) for p in portfolios}
    by_stakeholder: dict[str, tuple[dict, dict]] = {}
    for portfolio_id, stakeholder_id, member_id, letter, revision in cells:
        if portfolio_id is not None and portfolio_id in by_portfolio:
            target = by_portfolio[portfolio_id]
        elif stakeholder_id is not None and stakeholder_id in letters:
            target = by_stakeholder.setdefault(stakeholder_id, ({}, {}))
        else:
            continue
        target[0].setdefault(member_id, letter)
        target[1].setdefault(member_id, revision)
    for sid, (letter, _name, _owner) in letters.items():
        if letter in ("A", "B"):
            by_stakeholder.setdefault(sid, ({}, {}))
    order = {"A": 0, "B": 1, "C": 2, "D": 3}
    stakeholder_rows = sorted(
        (RaciRow(id=sid, name=letters[sid][1], letters=cells_[0], revisions=cells_[1],
                 priority=letters[sid][0], owner_id=letters[sid][2])
         for sid, cells_ in by_stakeholder.items()),
        key=lambda r: (order.get(r.priority, 4), r.name.casefold()))
    return RaciMatrix(
        members=members,
        portfolios=tuple(RaciRow(id=p.id, name=p.name, letters=by_portfolio[p.id][0],
                                 revisions=by_portfolio[p.id][1]) for p in portfolios),
        stakeholders=tuple(stakeholder_rows))


def raci_issues(handle: MissionHandle, today: date | None = None, *,
                matrix: RaciMatrix | None = None, letters: Mapping | None = None
                ) -> list[RaciIssue]:
    """What is wrong with the division of work, portfolios first (see the module's codes)."""
    letters = priority_letters(handle, today) if letters is None else letters
    matrix = raci_matrix(handle, today, letters=letters) if matrix is None else matrix
    limits = get_settings(handle, (MAX_ACCOUNTABLE, MAX_PRIORITY_A))
    # Letters and ownership of a member no longer on the team count for nobody: what they
    # held is what a handover must give to someone else.
    active = {m.id for m in matrix.members}
    names = {m.id: m.name for m in matrix.members}
    issues: list[RaciIssue] = []
    accountable: dict[str, int] = {}
    for row in matrix.portfolios:
        holders = [m for m, letter in row.letters.items() if letter == "A" and m in active]
        for m in holders:
            accountable[m] = accountable.get(m, 0) + 1
        if not holders:
            issues.append(RaciIssue("portfolio_no_accountable",
                                    {"portfolio_id": row.id, "portfolio": row.name}))
        elif len(holders) > 1:
            issues.append(RaciIssue("portfolio_many_accountable", {
                "portfolio_id": row.id, "portfolio": row.name,
                "members": sorted(names.get(m, "") for m in holders)}))
    for row in matrix.stakeholders:
        holders = [m for m, letter in row.letters.items() if letter == "A" and m in active]
        if len(holders) > 1:
            issues.append(RaciIssue("stakeholder_many_accountable", {
                "stakeholder_id": row.id, "stakeholder": row.name,
                "members": sorted(names.get(m, "") for m in holders)}))
    owned: dict[str, int] = {}
    for sid, (letter, name, owner) in sorted(letters.items(), key=lambda i: i[1][1].casefold()):
        if letter != "A":
            continue
        if owner not in active:
            issues.append(RaciIssue("priority_a_no_owner",
                                    {"stakeholder_id": sid, "stakeholder": name}))
        else:
            owned[owner] = owned.get(owner, 0) + 1
    limit = int(limits[MAX_ACCOUNTABLE])
    for member, count in sorted(accountable.items(), key=lambda i: -i[1]):
        if count > limit:
            issues.append(RaciIssue("too_many_accountable", {
                "member_id": member, "member": names.get(member, ""), "count": count,
                "limit": limit}))
    limit = int(limits[MAX_PRIORITY_A])
    for member, count in sorted(owned.items(), key=lambda i: -i[1]):
        if count > limit:
            issues.append(RaciIssue("too_many_priority_a", {
                "member_id": member, "member": names.get(member, ""), "count": count,
                "limit": limit}))
    return issues


def objective_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(title, id) of the strategy objectives, in the strategy's order: what a portfolio's
    engagements are recognised by."""
    with handle.session() as session:
        return [(title, oid) for oid, title in session.execute(
            select(StrategyObjective.id, StrategyObjective.title)
            .order_by(StrategyObjective.sort_order, StrategyObjective.title))]
