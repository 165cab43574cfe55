"""Commitments and follow-ups: who promised what, to whom, by when, and where it stands.

A commitment is made by the mission or by a stakeholder, followed up by a team member (its
owner), may cite the agreement provision it implements and links to the engagement(s) where
it was made or discussed. Inline commitments are created with their engagement
(`services/engagements.py`); every other commitment function is here.

- Status follows a workflow (`TRANSITIONS`): open -> in progress -> fulfilled / partially
  fulfilled / breached / withdrawn; a closed commitment can be reopened (back to in
  progress). A change the table does not allow is refused with
  `InvalidValue(field="status", reason="transition_refused", ...)`. `overdue` is never set: it is
  computed, "due before today while open or in progress" (a due date of today is not overdue).
- The list is read a page at a time, filtered and sorted in SQL (`page_commitments`,
  `count_commitments`), so the 100,000 commitments of the large mission never load whole.

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, text

from missiondesk.services import validation
from missiondesk.services.records import apply_changes, find_record, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Agreement,
    AgreementProvision,
    Commitment,
    CommitmentEngagement,
    Engagement,
    EngagementCounterpart,
    Mission,
    Stakeholder,
    TeamMember,
)
from missiondesk.store.vocab import Classification, CommitmentStatus, CommitmentType

#: Statuses of a commitment still to be delivered ("overdue" is an older file's stored code
#: for an open one: it reads as open).
ACTIVE = ("open", "in_progress", "overdue")
#: Closed statuses: delivered, partly delivered, broken, or no longer pursued.
CLOSED = ("fulfilled", "partially_fulfilled", "breached", "withdrawn")
#: The workflow: status -> the statuses it may change to. Closed ones reopen to in progress.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "fulfilled", "partially_fulfilled", "breached", "withdrawn"),
    "overdue": ("in_progress", "fulfilled", "partially_fulfilled", "breached", "withdrawn"),
    "in_progress": ("open", "fulfilled", "partially_fulfilled", "breached", "withdrawn"),
    "partially_fulfilled": ("in_progress", "fulfilled", "breached"),
    "fulfilled": ("in_progress",),
    "breached": ("in_progress",),
    "withdrawn": ("in_progress",),
}
#: Statuses a new commitment may start in.
STARTING = ("open", "in_progress")
#: Fields the commitment form edits (status has its own workflow: `set_status`).
EDITABLE = ("text", "by_mission", "committed_by_id", "owner_id", "commitment_type",
            "due_date", "verification", "evidence", "provision_id", "classification")
#: Columns `page_commitments` sorts on.
SORTS = ("due_date", "text", "committed_by", "owner", "commitment_type", "status",
         "provision", "classification", "updated_at")
#: "Due soon": within this many days from today (today included).
DUE_SOON_DAYS = 7
_LONG = 5000


@dataclass(frozen=True)
class LinkedEngagement:
    """An engagement a commitment was made or discussed in."""

    id: str
    starts_at: datetime
    title: str


@dataclass(frozen=True)
class CommitmentRow:
    """One commitment as the desks show it. `overdue` and `days_overdue` are as of the
    `today` the reader was given; `committed_by_name` is None when the mission promised."""

    id: str
    revision: int
    text: str
    by_mission: bool
    committed_by_id: str | None
    committed_by_name: str | None
    owner_id: str | None
    owner_name: str | None
    commitment_type: str
    due_date: date | None
    status: str
    overdue: bool
    days_overdue: int | None
    provision_id: str | None
    provision_reference: str | None
    agreement_name: str | None
    engagements: tuple[LinkedEngagement, ...]
    classification: str
    verification: str | None = None
    evidence: str | None = None

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {name: getattr(self, name) for name in EDITABLE}

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


@dataclass(frozen=True)
class CommitmentView:
    """What a write returns: enough for the undo stack."""

    id: str
    revision: int
    status: str
    deleted: bool = False


@dataclass(frozen=True)
class CommitmentFilter:
    """Which commitments a list shows; None (or False) filters nothing.

    `stakeholder_id`: promised by that stakeholder, or made in an engagement it attended.
    `by_mission`: True the mission's own promises, False the counterparts'. `status`: one
    status code, or "active" (open or in progress) / "closed". `text`: words of the text,
    verification or evidence (full-text, accents and case ignored)."""

    owner_id: str | None = None
    status: str | None = None
    stakeholder_id: str | None = None
    overdue_only: bool = False
    by_mission: bool | None = None
    provision_id: str | None = None
    text: str | None = None
    due_before: date | None = None


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    """Due before today and still open or in progress (due today is not overdue yet)."""
    return due_date is not None and status in ACTIVE and due_date < today


def can_change(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())


# --- validation ----------------------------------------------------------------------------


def _exists(session, field: str, model, record_id: str | None) -> str | None:
    if not record_id:
        return None
    found = session.scalar(select(model.id).where(model.id == record_id))
    if found is None:
        raise InvalidValue(field=field, reason="unknown_record", value=record_id)
    return record_id


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise commitment fields; raises InvalidValue(field=, reason=, ...,
    table="commitments") so the sentence names the commitment's own field."""
    with validation.for_table("commitments"):
        return _clean_fields(session, changes, creating=creating)


def _clean_fields(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(EDITABLE) - {"status", "engagement_ids"}
    if unknown:
        raise ValueError("not an editable commitment field: %s" % ", ".join(sorted(unknown)))
    clean: dict = {}
    for name, value in changes.items():
        if name == "text":
            clean[name] = validation.required_text(name, value, max_length=_LONG)
        elif name == "by_mission":
            clean[name] = bool(value)
        elif name == "committed_by_id":
            clean[name] = _exists(session, name, Stakeholder, value)
        elif name == "owner_id":
            clean[name] = _exists(session, name, TeamMember, value)
        elif name == "provision_id":
            clean[name] = _exists(session, name, AgreementProvision, value)
        elif name == "commitment_type":
            clean[name] = validation.vocabulary(name, value, CommitmentType)
        elif name == "due_date":
            clean[name] = validation.optional_date(name, value)
        elif name in ("verification", "evidence"):
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
        elif name == "status":
            clean[name] = validation.vocabulary(name, value, CommitmentStatus)
        elif name == "engagement_ids":
            clean[name] = [_exists(session, name, Engagement, e)
                           for e in dict.fromkeys(value or ()) if e]
    if creating and "text" not in clean:
        raise InvalidValue(field="text", reason="required")
    return clean


def _check_who(row_by_mission: bool, committed_by_id: str | None) -> None:
    if not row_by_mission and not committed_by_id:
        raise InvalidValue(field="committed_by_id", reason="required", table="commitments")


def _check_transition(current: str, new: str) -> None:
    if new == current:
        return
    if not can_change(current, new):
        raise InvalidValue(field="status", reason="transition_refused", value=new,
                           current=current, allowed=list(TRANSITIONS.get(current, ())),
                           table="commitments")


# --- writing -------------------------------------------------------------------------------


def _view(row: Commitment) -> CommitmentView:
    return CommitmentView(id=row.id, revision=row.revision, status=row.status,
                          deleted=row.deleted_at is not None)


def _link_rows(session, commitment_id: str, *, include_deleted: bool = True) -> list:
    query = select(CommitmentEngagement).where(
        CommitmentEngagement.commitment_id == commitment_id)
    if include_deleted:
        query = query.execution_options(include_deleted=True)
    return list(session.scalars(query))


def _set_engagements(uow: UnitOfWork, row: Commitment, wanted: list[str]) -> None:
    """The commitment's live engagement links become `wanted` (tombstoned links revive)."""
    links = {link.engagement_id: link for link in _link_rows(uow.session, row.id)}
    now = utcnow()
    for engagement_id, link in links.items():
        if engagement_id not in wanted and link.deleted_at is None:
            link.deleted_at = now
        elif engagement_id in wanted and link.deleted_at is not None:
            link.deleted_at = None
    for engagement_id in wanted:
        if engagement_id not in links:
            uow.add(CommitmentEngagement(commitment_id=row.id, engagement_id=engagement_id,
                                         classification=row.classification))


def create_commitment(uow: UnitOfWork, **fields) -> CommitmentView:
    """Add a commitment. `text` is required; by a counterpart (by_mission False, the
    default) it needs `committed_by_id`. Starts open (or in progress); the classification
    defaults to the mission's. `engagement_ids` links it to the engagements it came from."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    engagement_ids = clean.pop("engagement_ids", [])
    clean.setdefault("by_mission", False)
    if clean["by_mission"]:
        clean["committed_by_id"] = None
    _check_who(clean["by_mission"], clean.get("committed_by_id"))
    status = clean.setdefault("status", "open")
    if status not in STARTING:
        raise InvalidValue(field="status", reason="transition_refused", value=status,
                           current=None, allowed=list(STARTING), table="commitments")
    clean.setdefault("commitment_type", CommitmentType.POLITICAL.value)
    if "classification" not in clean:
        clean["classification"] = (session.scalars(select(Mission.default_classification))
                                   .first() or Classification.CONFIDENTIAL.value)
    row = Commitment(**clean)
    uow.add(row)
    session.flush()
    if engagement_ids:
        _set_engagements(uow, row, engagement_ids)
        session.flush()
    return _view(row)


def update_commitment(uow: UnitOfWork, commitment_id: str, *, expected_revision: int | None,
                      **changes) -> CommitmentView:
    """Change fields of a commitment (revision checked). A `status` change follows the
    workflow; `engagement_ids` replaces the linked engagements."""
    row = load_record(uow, Commitment, commitment_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    engagement_ids = clean.pop("engagement_ids", None)
    if "status" in clean:
        _check_transition(row.status, clean["status"])
    by_mission = clean.get("by_mission", row.by_mission)
    if by_mission:
        clean["committed_by_id"] = None
    _check_who(by_mission, clean.get("committed_by_id", row.committed_by_id))
    apply_changes(row, clean)
    if engagement_ids is not None:
        _set_engagements(uow, row, engagement_ids)
    uow.session.flush()
    return _view(row)


def set_status(uow: UnitOfWork, commitment_id: str, status: str, *,
               expected_revision: int | None, undoing: bool = False) -> CommitmentView:
    """Move a commitment along the workflow (refused when `TRANSITIONS` does not allow it).

    `undoing`: put back the status an undone change replaced, whatever the workflow says
    (an undo restores what was, it is not a new step); the value must still be a status."""
    row = load_record(uow, Commitment, commitment_id, expected_revision)
    status = validation.vocabulary("status", status, CommitmentStatus)
    if not undoing:
        _check_transition(row.status, status)
    if row.status != status:
        row.status = status
    uow.session.flush()
    return _view(row)


def delete_commitment(uow: UnitOfWork, commitment_id: str, *, expected_revision: int | None
                      ) -> CommitmentView:
    """Tombstone the commitment and its live engagement links with one timestamp."""
    row = load_record(uow, Commitment, commitment_id, expected_revision)
    now = utcnow()
    for link in _link_rows(uow.session, row.id, include_deleted=False):
        link.deleted_at = now
    row.deleted_at = now
    uow.session.flush()
    return _view(row)


def restore_commitment(uow: UnitOfWork, commitment_id: str, *, expected_revision: int | None
                       ) -> CommitmentView:
    """Bring back a deleted commitment and the links its delete tombstoned."""
    row = load_record(uow, Commitment, commitment_id, expected_revision, include_deleted=True)
    stamp = row.deleted_at
    if stamp is not None:
        for link in _link_rows(uow.session, row.id):
            if link.deleted_at == stamp:
                link.deleted_at = None
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


# --- reading -------------------------------------------------------------------------------

_c = Commitment.__table__.c
_owner = TeamMember.__table__.alias("owner")
_by = Stakeholder.__table__.alias("by")
_prov = AgreementProvision.__table__.alias("prov")
_agr = Agreement.__table__.alias("agr")


def _fts_query(words_of: str) -> str | None:
    """A prefix query for each word, quoted: no FTS syntax from the user reaches MATCH."""
    words = "".join(ch if ch.isalnum() else " " for ch in words_of).split()
    return " ".join('"%s"*' % w for w in words) if words else None


def _conditions(flt: CommitmentFilter | None, today: date) -> list:
    where = [_c.deleted_at.is_(None)]
    if flt is None:
        return where
    if flt.owner_id:
        where.append(_c.owner_id == flt.owner_id)
    if flt.status == "active":
        where.append(_c.status.in_(ACTIVE))
    elif flt.status == "closed":
        where.append(_c.status.in_(CLOSED))
    elif flt.status:
        where.append(_c.status == flt.status)
    if flt.overdue_only:
        where.append(and_(_c.status.in_(ACTIVE), _c.due_date.is_not(None),
                          _c.due_date < today))
    if flt.due_before is not None:
        where.append(and_(_c.due_date.is_not(None), _c.due_date <= flt.due_before))
    if flt.by_mission is not None:
        where.append(_c.by_mission == bool(flt.by_mission))
    if flt.provision_id:
        where.append(_c.provision_id == flt.provision_id)
    if flt.stakeholder_id:
        ce = CommitmentEngagement.__table__.c
        ec = EngagementCounterpart.__table__.c
        met = exists().where(ce.commitment_id == _c.id, ce.deleted_at.is_(None),
                             ec.engagement_id == ce.engagement_id,
                             ec.stakeholder_id == flt.stakeholder_id, ec.deleted_at.is_(None))
        where.append(or_(_c.committed_by_id == flt.stakeholder_id, met))
    if flt.text and flt.text.strip():
        query = _fts_query(flt.text)
        if query is None:
            where.append(text("0"))
        else:
            where.append(text("commitments.rowid IN (SELECT rowid FROM commitments_fts "
                              "WHERE commitments_fts MATCH :fts)").bindparams(fts=query))
    return where


def count_commitments(handle: MissionHandle, flt: CommitmentFilter | None = None, *,
                      today: date | None = None) -> int:
    """How many live commitments the filter keeps (one COUNT in SQL)."""
    today = today or date.today()
    with handle.session() as session:
        return session.execute(select(func.count()).select_from(Commitment.__table__)
                               .where(*_conditions(flt, today))).scalar_one()


def _order(sort: str, descending: bool) -> list:
    columns = {
        "due_date": _c.due_date,
        "text": func.lower(_c.text),
        "committed_by": _by.c.name_key,
        "owner": func.lower(_owner.c.name),
        "commitment_type": _c.commitment_type,
        "status": _c.status,
        "provision": _prov.c.reference,
        "classification": _c.classification,
        "updated_at": _c.updated_at,
    }
    if sort not in columns:
        raise ValueError("not a commitments sort: %s" % sort)
    column = columns[sort]
    # Blanks last either way ("IS NULL" first), then the column, then a stable tie-break.
    return [column.is_(None), column.desc() if descending else column.asc(),
            _c.due_date.is_(None), _c.due_date, _c.id]


def _select():
    return (select(_c.id, _c.revision, _c.text, _c.by_mission, _c.committed_by_id,
                   _by.c.name, _c.owner_id, _owner.c.name, _c.commitment_type, _c.due_date,
                   _c.status, _c.provision_id, _prov.c.reference, _agr.c.name,
                   _c.classification, _c.verification, _c.evidence)
            .select_from(Commitment.__table__
                         .outerjoin(_by, _by.c.id == _c.committed_by_id)
                         .outerjoin(_owner, _owner.c.id == _c.owner_id)
                         .outerjoin(_prov, _prov.c.id == _c.provision_id)
                         .outerjoin(_agr, _agr.c.id == _prov.c.agreement_id)))


def _engagements_of(session, ids: Sequence[str]) -> dict[str, list[LinkedEngagement]]:
    """Commitment id -> its live engagements, oldest first (one query per 500 ids)."""
    found: dict[str, list[LinkedEngagement]] = {}
    ce = CommitmentEngagement.__table__.c
    e = Engagement.__table__.c
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.execute(
            select(ce.commitment_id, e.id, e.starts_at, e.title)
            .select_from(CommitmentEngagement.__table__.join(
                Engagement.__table__, e.id == ce.engagement_id))
            .where(ce.commitment_id.in_(chunk), ce.deleted_at.is_(None),
                   e.deleted_at.is_(None))
            .order_by(e.starts_at))
        for commitment_id, eid, starts_at, title in rows:
            found.setdefault(commitment_id, []).append(LinkedEngagement(eid, starts_at, title))
    return found


def _rows(session, records: Iterable, today: date) -> list[CommitmentRow]:
    records = list(records)
    engagements = _engagements_of(session, [r[0] for r in records])
    result = []
    for (cid, revision, text_, by_mission, by_id, by_name, owner_id, owner_name, ctype, due,
         status, provision_id, reference, agreement, classification, verification,
         evidence) in records:
        overdue = is_overdue(status, due, today)
        result.append(CommitmentRow(
            id=cid, revision=revision, text=text_, by_mission=bool(by_mission),
            committed_by_id=by_id, committed_by_name=by_name, owner_id=owner_id,
            owner_name=owner_name, commitment_type=ctype, due_date=due, status=status,
            overdue=overdue, days_overdue=(today - due).days if overdue else None,
            provision_id=provision_id, provision_reference=reference,
            agreement_name=agreement, engagements=tuple(engagements.get(cid, ())),
            classification=classification, verification=verification, evidence=evidence))
    return result


def page_commitments(handle: MissionHandle, flt: CommitmentFilter | None = None, *,
                     sort: str = "due_date", descending: bool = False, offset: int = 0,
                     limit: int = 200, today: date | None = None) -> list[CommitmentRow]:
    """One page of the commitments the filter keeps, sorted in SQL (blanks last)."""
    today = today or date.today()
    offset, limit = max(0, offset), max(0, limit)
    where = _conditions(flt, today)
    with handle.session() as session:
        if sort != "due_date":
            records = session.execute(_select().where(*where)
                                      .order_by(*_order(sort, descending))
                                      .offset(offset).limit(limit)).all()
            return _rows(session, records, today)
        # By due date, blanks last: the dated ones as a range of ix_commitments_live_due
        # (no sort of the whole table), then the undated ones.
        dated = session.execute(select(func.count()).select_from(Commitment.__table__)
                                .where(*where, _c.due_date.is_not(None))).scalar_one()
        records = []
        if offset < dated:
            records = session.execute(
                _select().where(*where, _c.due_date.is_not(None))
                .order_by(_c.due_date.desc() if descending else _c.due_date)
                .offset(offset).limit(limit)).all()
        if len(records) < limit:
            records += session.execute(
                _select().where(*where, _c.due_date.is_(None)).order_by(_c.id)
                .offset(max(0, offset - dated)).limit(limit - len(records))).all()
        return _rows(session, records, today)


def get_commitment(handle: MissionHandle, commitment_id: str, *,
                   today: date | None = None) -> CommitmentRow:
    """One live commitment (RecordMissing when it is gone)."""
    today = today or date.today()
    with handle.session() as session:
        find_record(session, Commitment, commitment_id)
        records = session.execute(_select().where(_c.id == commitment_id)).all()
        return _rows(session, records, today)[0]


def my_followups(handle: MissionHandle, *, today: date | None = None,
                 limit: int = 200) -> list[CommitmentRow]:
    """The open and in-progress commitments the current user (a team member) follows up,
    most urgent first; none when the user is not one of the team."""
    if not handle.user_id:
        return []
    return page_commitments(handle, CommitmentFilter(owner_id=handle.user_id, status="active"),
                            today=today, limit=limit)


def provisions(handle: MissionHandle) -> list[tuple[str, str, str]]:
    """(id, agreement name, reference) of every live provision, for a picker, by agreement."""
    with handle.session() as session:
        rows = session.execute(
            select(AgreementProvision.id, Agreement.name, AgreementProvision.reference)
            .join(Agreement, Agreement.id == AgreementProvision.agreement_id)
            .order_by(Agreement.name, AgreementProvision.reference)).all()
    return [tuple(r) for r in rows]


def stakeholder_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, name) of every live stakeholder by folded name, for pickers and filters (two
    columns only: cheap over the large mission's 5,000)."""
    with handle.session() as session:
        rows = session.execute(select(Stakeholder.id, Stakeholder.name)
                               .order_by(Stakeholder.name_key)).all()
    return [tuple(r) for r in rows]
