"""The ORM schema of a mission file: every entity of DESIGN.md.

Every table but the change log carries the common columns of `Common` (UUID id,
created/updated at and by, revision, origin device, tombstone, classification) — what a
later merge between laptops needs. Vocabulary columns hold plain text codes from
`vocab.py`, validated by the services, never by CHECK constraints.

Tombstoned rows are hidden from every ORM query in one place (`MissionSession`), unless a
query asks for them with ``execution_options(include_deleted=True)``.
"""

# No `from __future__ import annotations` here: real annotations spare SQLAlchemy the
# string evaluation of every Mapped[...] (measured: 17 ms of start-up).
import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    event,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, with_loader_criteria

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Common:
    """Columns on every synchronisable row."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    origin: Mapped[str | None] = mapped_column(String(36))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    classification: Mapped[str] = mapped_column(String(30), default="UNCLASSIFIED")


#: Columns the unit of work maintains itself; never written by a service, never logged.
BOOKKEEPING_COLUMNS = frozenset(
    {"id", "created_at", "created_by", "updated_at", "updated_by", "revision", "origin"}
)


def _fk(target: str, nullable: bool = True, ondelete: str | None = None) -> Mapped:
    return mapped_column(
        String(36), ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


# --- the mission and its strategy --------------------------------------------------------


class Mission(Common, Base):
    __tablename__ = "mission"
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    host_country: Mapped[str | None] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_classification: Mapped[str] = mapped_column(String(30), default="CONFIDENTIAL")
    mandate_expiry: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)


class TeamMember(Common, Base):
    __tablename__ = "team_members"
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40), default="OTHER")
    title: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StrategyObjective(Common, Base):
    __tablename__ = "strategy_objectives"
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = _fk("team_members.id")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Agreement(Common, Base):
    __tablename__ = "agreements"
    name: Mapped[str] = mapped_column(String(300))
    date_signed: Mapped[str | None] = mapped_column(String(10))  # partial date allowed
    summary: Mapped[str | None] = mapped_column(Text)


class AgreementParty(Common, Base):
    __tablename__ = "agreement_parties"
    agreement_id: Mapped[str] = _fk("agreements.id", nullable=False)
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)


class AgreementProvision(Common, Base):
    __tablename__ = "agreement_provisions"
    agreement_id: Mapped[str] = _fk("agreements.id", nullable=False)
    reference: Mapped[str] = mapped_column(String(40))  # "Art. 4.2"
    text: Mapped[str] = mapped_column(Text)


class Source(Common, Base):
    __tablename__ = "sources"
    code_name: Mapped[str] = mapped_column(String(40), unique=True)  # "SRC-014"
    source_type: Mapped[str] = mapped_column(String(40))
    reliability: Mapped[str] = mapped_column(String(1), default="F")
    credibility: Mapped[int] = mapped_column(Integer, default=6)
    protected: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)  # who or what; never printed if protected


# --- stakeholders and their network -------------------------------------------------------


class Stakeholder(Common, Base):
    __tablename__ = "stakeholders"
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)  # folded: case, accents
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(40), default="organization")
    category: Mapped[str] = mapped_column(String(60), default="other", index=True)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    positions: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    grievances: Mapped[str | None] = mapped_column(Text)
    motivations: Mapped[str | None] = mapped_column(Text)
    stance_peace: Mapped[str] = mapped_column(String(30), default="unknown")
    stance_mission: Mapped[str] = mapped_column(String(30), default="unknown")
    stance_since: Mapped[str | None] = mapped_column(String(10))  # partial date allowed
    influence: Mapped[int] = mapped_column(Integer, default=3)
    interest: Mapped[int] = mapped_column(Integer, default=3)
    perception: Mapped[str] = mapped_column(String(30), default="unknown")
    perception_evidence: Mapped[str | None] = mapped_column(Text)
    sanctioned: Mapped[bool] = mapped_column(Boolean, default=False)
    sanctions_note: Mapped[str | None] = mapped_column(Text)
    hrddp_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    hrddp_note: Mapped[str | None] = mapped_column(Text)
    do_not_engage: Mapped[bool] = mapped_column(Boolean, default=False)
    engagement_constraints: Mapped[str | None] = mapped_column(Text)
    priority_override: Mapped[str | None] = mapped_column(String(1))
    priority_override_reason: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = _fk("team_members.id")
    tags: Mapped[list] = mapped_column(JSON, default=list)


class StakeholderAssessment(Common, Base):
    """A dated assessment of stance and perception; the stakeholder's fields cache the latest."""

    __tablename__ = "stakeholder_assessments"
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(200))
    stance_peace: Mapped[str | None] = mapped_column(String(30))
    stance_mission: Mapped[str | None] = mapped_column(String(30))
    perception: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str | None] = _fk("sources.id")


class StakeholderPerception(Common, Base):
    """How one community group perceives a stakeholder, with its evidence."""

    __tablename__ = "stakeholder_perceptions"
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    group_name: Mapped[str] = mapped_column(String(200))
    perception: Mapped[str] = mapped_column(String(30), default="unknown")
    evidence: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str | None] = _fk("sources.id")


class MapPosition(Common, Base):
    __tablename__ = "map_positions"
    stakeholder_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("stakeholders.id"), unique=True
    )
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class Relationship(Common, Base):
    __tablename__ = "relationships"
    source_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    target_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    type: Mapped[str] = mapped_column(String(40))
    strength: Mapped[int] = mapped_column(Integer, default=3)
    valence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="active")
    valid_from: Mapped[str | None] = mapped_column(String(10))
    valid_to: Mapped[str | None] = mapped_column(String(10))
    confidence: Mapped[str] = mapped_column(String(20), default="probable")
    evidence_source_id: Mapped[str | None] = _fk("sources.id")
    evidence_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


# --- drivers of conflict and peace --------------------------------------------------------


class Driver(Common, Base):
    __tablename__ = "drivers"
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(30))
    domain: Mapped[str] = mapped_column(String(30))
    regions: Mapped[list] = mapped_column(JSON, default=list)
    trend: Mapped[str] = mapped_column(String(20), default="unknown")
    severity: Mapped[int] = mapped_column(Integer, default=3)
    time_horizon: Mapped[str | None] = mapped_column(String(100))
    mission_levers: Mapped[str | None] = mapped_column(Text)


class DriverStakeholder(Common, Base):
    __tablename__ = "driver_stakeholders"
    driver_id: Mapped[str] = _fk("drivers.id", nullable=False)
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class DriverAssessment(Common, Base):
    __tablename__ = "driver_assessments"
    driver_id: Mapped[str] = _fk("drivers.id", nullable=False)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(200))
    trend: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


# --- the leadership team's work -----------------------------------------------------------


class Portfolio(Common, Base):
    __tablename__ = "portfolios"
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    political: Mapped[bool] = mapped_column(Boolean, default=True)
    objective_id: Mapped[str | None] = _fk("strategy_objectives.id")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Assignment(Common, Base):
    """One cell of the RACI: a portfolio or a key stakeholder, a team member, a letter."""

    __tablename__ = "assignments"
    portfolio_id: Mapped[str | None] = _fk("portfolios.id")
    stakeholder_id: Mapped[str | None] = _fk("stakeholders.id")
    team_member_id: Mapped[str] = _fk("team_members.id", nullable=False)
    raci: Mapped[str] = mapped_column(String(1))


class Engagement(Common, Base):
    __tablename__ = "engagements"
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    format: Mapped[str] = mapped_column(String(30))
    level: Mapped[str | None] = mapped_column(String(30))
    location: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(Text)
    key_messages_delivered: Mapped[str | None] = mapped_column(Text)
    counterpart_positions: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(Text)
    atmosphere: Mapped[str | None] = mapped_column(String(30))
    political: Mapped[bool] = mapped_column(Boolean, default=True)
    risks_to_interlocutors: Mapped[str | None] = mapped_column(Text)


# The engagement log's orders, each read from an index of the live rows (0004): the log seeks
# from the last row shown, (key, starts_at, id), so a page reads ~200 entries in any order.
for _name, _key in (("start", None), ("duration", Engagement.duration_minutes),
                    ("title", func.lower(Engagement.title)), ("format", Engagement.format),
                    ("level", Engagement.level), ("political", Engagement.political),
                    ("location", func.lower(Engagement.location)),
                    ("classification", Engagement.classification)):
    Index("ix_engagements_live_" + _name, Engagement.deleted_at,
          *(() if _key is None else (_key,)), Engagement.starts_at)


class EngagementParticipant(Common, Base):
    __tablename__ = "engagement_participants"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    team_member_id: Mapped[str] = _fk("team_members.id", nullable=False)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)


# A team member's engagements, from the index alone (0004).
Index("ix_engagement_participants_member_live", EngagementParticipant.team_member_id,
      EngagementParticipant.deleted_at, EngagementParticipant.engagement_id)


class EngagementCounterpart(Common, Base):
    """A stakeholder met in an engagement.

    `starts_at` repeats the engagement's start (kept equal by the engagement service) so
    "last engaged" per stakeholder is one index scan, not a join over every engagement.
    """

    __tablename__ = "engagement_counterparts"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)
    starts_at: Mapped[datetime] = mapped_column(DateTime)


Index("ix_engagement_counterparts_last", EngagementCounterpart.stakeholder_id,
      EngagementCounterpart.starts_at, EngagementCounterpart.deleted_at)


class EngagementDriver(Common, Base):
    __tablename__ = "engagement_drivers"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    driver_id: Mapped[str] = _fk("drivers.id", nullable=False)


class EngagementBenchmark(Common, Base):
    __tablename__ = "engagement_benchmarks"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    benchmark_id: Mapped[str] = _fk("benchmarks.id", nullable=False)


class EngagementKeyMessage(Common, Base):
    """A key message of the communications plan delivered in an engagement."""

    __tablename__ = "engagement_key_messages"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    key_message_id: Mapped[str] = _fk("key_messages.id", nullable=False)


class EngagementObjective(Common, Base):
    __tablename__ = "engagement_objectives"
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)
    objective_id: Mapped[str] = _fk("strategy_objectives.id", nullable=False)


class Commitment(Common, Base):
    __tablename__ = "commitments"
    text: Mapped[str] = mapped_column(Text)
    by_mission: Mapped[bool] = mapped_column(Boolean, default=False)
    committed_by_id: Mapped[str | None] = _fk("stakeholders.id")
    owner_id: Mapped[str | None] = _fk("team_members.id")
    commitment_type: Mapped[str] = mapped_column(String(30), default="political")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="open")
    verification: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    provision_id: Mapped[str | None] = _fk("agreement_provisions.id")
    objective_id: Mapped[str | None] = _fk("strategy_objectives.id")


# Open commitments by due date, covering the tombstone so "overdue" never reads the rows.
Index("ix_commitments_status_due", Commitment.status, Commitment.due_date, Commitment.deleted_at)
# The Commitments desk's default order (live ones by due date) read from the index (0003).
Index("ix_commitments_live_due", Commitment.deleted_at, Commitment.due_date)
# A member's open commitments by due date: What needs me today, My follow-ups (0005).
Index("ix_commitments_owner_status_due", Commitment.owner_id, Commitment.status,
      Commitment.due_date, Commitment.deleted_at)


class CommitmentEngagement(Common, Base):
    __tablename__ = "commitment_engagements"
    commitment_id: Mapped[str] = _fk("commitments.id", nullable=False)
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)


# The commitments of a page of the log counted from the links alone (0004).
Index("ix_commitment_engagements_live", CommitmentEngagement.engagement_id,
      CommitmentEngagement.deleted_at)


# --- the mandate and the Council ----------------------------------------------------------


class Mandate(Common, Base):
    __tablename__ = "mandates"
    resolution: Mapped[str] = mapped_column(String(40))  # "S/RES/2741 (2026)"
    adopted_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    penholder: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[str | None] = mapped_column(Text)


class MandateTask(Common, Base):
    __tablename__ = "mandate_tasks"
    mandate_id: Mapped[str] = _fk("mandates.id", nullable=False)
    paragraph: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    pillar: Mapped[str | None] = mapped_column(String(120))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)


class Benchmark(Common, Base):
    __tablename__ = "benchmarks"
    mandate_id: Mapped[str | None] = _fk("mandates.id")
    statement: Mapped[str] = mapped_column(Text)  # a condition, not a date
    pillar: Mapped[str | None] = mapped_column(String(120))
    responsible_parties: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default="not_started")
    objective_id: Mapped[str | None] = _fk("strategy_objectives.id")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # "within 18 months", "before the elections": indicative only, the condition decides (0008)
    timeframe: Mapped[str | None] = mapped_column(String(120), sort_order=100)


class BenchmarkTask(Common, Base):
    __tablename__ = "benchmark_tasks"
    benchmark_id: Mapped[str] = _fk("benchmarks.id", nullable=False)
    task_id: Mapped[str] = _fk("mandate_tasks.id", nullable=False)


class MandateTaskStakeholder(Common, Base):
    """A stakeholder a mandate task concerns (0009)."""

    __tablename__ = "mandate_task_stakeholders"
    task_id: Mapped[str] = _fk("mandate_tasks.id", nullable=False)
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)


class MandateTaskEngagement(Common, Base):
    """An engagement that served a mandate task (0009)."""

    __tablename__ = "mandate_task_engagements"
    task_id: Mapped[str] = _fk("mandate_tasks.id", nullable=False)
    engagement_id: Mapped[str] = _fk("engagements.id", nullable=False)


class MandateTaskCommitment(Common, Base):
    """A commitment that bears on a mandate task (0009)."""

    __tablename__ = "mandate_task_commitments"
    task_id: Mapped[str] = _fk("mandate_tasks.id", nullable=False)
    commitment_id: Mapped[str] = _fk("commitments.id", nullable=False)


# One live link per task and record; a link removed and added back revives its row (0009).
for _link, _other in ((MandateTaskStakeholder, MandateTaskStakeholder.stakeholder_id),
                      (MandateTaskEngagement, MandateTaskEngagement.engagement_id),
                      (MandateTaskCommitment, MandateTaskCommitment.commitment_id)):
    Index("uq_%s_live_pair" % _link.__tablename__, _link.task_id, _other, unique=True,
          sqlite_where=_link.deleted_at.is_(None))


class BenchmarkAssessment(Common, Base):
    __tablename__ = "benchmark_assessments"
    benchmark_id: Mapped[str] = _fk("benchmarks.id", nullable=False)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)


class Indicator(Common, Base):
    __tablename__ = "indicators"
    benchmark_id: Mapped[str] = _fk("benchmarks.id", nullable=False)
    name: Mapped[str] = mapped_column(String(300))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(20), default="increase")
    unit: Mapped[str | None] = mapped_column(String(60))
    data_source: Mapped[str | None] = mapped_column(Text)


class Measurement(Common, Base):
    __tablename__ = "measurements"
    indicator_id: Mapped[str] = _fk("indicators.id", nullable=False)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)


class Consultation(Common, Base):
    __tablename__ = "consultations"
    held_on: Mapped[date] = mapped_column(Date)
    counterpart_type: Mapped[str] = mapped_column(String(40))
    counterpart_name: Mapped[str] = mapped_column(String(200))
    stakeholder_id: Mapped[str | None] = _fk("stakeholders.id")  # when it is on the map
    lead_id: Mapped[str | None] = _fk("team_members.id")
    topics: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    inputs_for_mandate: Mapped[str | None] = mapped_column(Text)


class CycleEvent(Common, Base):
    __tablename__ = "cycle_events"
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    mandate_id: Mapped[str | None] = _fk("mandates.id")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


# --- strategic communications -------------------------------------------------------------


class CommsObjective(Common, Base):
    __tablename__ = "comms_objectives"
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    objective_id: Mapped[str | None] = _fk("strategy_objectives.id")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # What in the mandate it serves (0006; added columns come last in a migrated table, so a
    # new file puts them last too).
    mandate_task_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("mandate_tasks.id"), index=True, sort_order=100)
    benchmark_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("benchmarks.id"), index=True, sort_order=101)


class Audience(Common, Base):
    __tablename__ = "audiences"
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class AudienceStakeholder(Common, Base):
    __tablename__ = "audience_stakeholders"
    audience_id: Mapped[str] = _fk("audiences.id", nullable=False)
    stakeholder_id: Mapped[str] = _fk("stakeholders.id", nullable=False)


class KeyMessage(Common, Base):
    __tablename__ = "key_messages"
    objective_id: Mapped[str | None] = _fk("comms_objectives.id")
    audience_id: Mapped[str | None] = _fk("audiences.id")
    kind: Mapped[str] = mapped_column(String(20), default="core")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who approved it and when; the dates it may be used between (0006, columns last).
    approved_by: Mapped[str | None] = mapped_column(String(200), sort_order=100)
    approved_on: Mapped[date | None] = mapped_column(Date, sort_order=101)
    valid_from: Mapped[date | None] = mapped_column(Date, sort_order=102)
    valid_until: Mapped[date | None] = mapped_column(Date, sort_order=103)


class KeyMessageText(Common, Base):
    __tablename__ = "key_message_texts"
    key_message_id: Mapped[str] = _fk("key_messages.id", nullable=False)
    language: Mapped[str] = mapped_column(String(8))  # "en", "fr", "ar"
    text: Mapped[str] = mapped_column(Text)


class CommsPlanRow(Common, Base):
    """One line of the communications plan: a message to an audience, by a channel, carried
    by a messenger, at a time (0006)."""

    __tablename__ = "comms_plan_rows"
    audience_id: Mapped[str] = _fk("audiences.id", nullable=False)
    key_message_id: Mapped[str] = _fk("key_messages.id", nullable=False)
    channel: Mapped[str] = mapped_column(String(30))
    messenger: Mapped[str | None] = mapped_column(String(200))
    timing: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class CommsMilestone(Common, Base):
    __tablename__ = "comms_milestones"
    objective_id: Mapped[str | None] = _fk("comms_objectives.id")
    title: Mapped[str] = mapped_column(String(300))
    planned_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    achievement: Mapped[str | None] = mapped_column(Text)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    # What the achievement is: a benchmark met or a commitment fulfilled (0007; added columns
    # come last in a migrated table, so a new file puts them last too).
    benchmark_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("benchmarks.id"), index=True, sort_order=100)
    commitment_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("commitments.id"), index=True, sort_order=101)


class MediaOutlet(Common, Base):
    __tablename__ = "media_outlets"
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(30))
    ownership: Mapped[str] = mapped_column(String(30), default="unknown")
    owner_name: Mapped[str | None] = mapped_column(String(200))
    stakeholder_id: Mapped[str | None] = _fk("stakeholders.id")  # the outlet as an actor
    alignment: Mapped[str] = mapped_column(String(30), default="unknown")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    coverage: Mapped[str | None] = mapped_column(String(200))
    reach: Mapped[str] = mapped_column(String(10), default="medium")
    trust: Mapped[str] = mapped_column(String(10), default="medium")
    relationship: Mapped[str] = mapped_column(String(20), default="neutral")
    misinformation_record: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class Rumour(Common, Base):
    __tablename__ = "rumours"
    reported_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(30))
    outlet_id: Mapped[str | None] = _fk("media_outlets.id")
    stakeholder_id: Mapped[str | None] = _fk("stakeholders.id")  # whom it is about
    driver_id: Mapped[str | None] = _fk("drivers.id")
    response_message_id: Mapped[str | None] = _fk("key_messages.id")
    regions: Mapped[list] = mapped_column(JSON, default=list)
    reach: Mapped[str] = mapped_column(String(10), default="medium")
    risk: Mapped[str] = mapped_column(String(10), default="medium")
    # A risk to civilians (protection of civilians), flagged apart from the level (0007).
    poc_risk: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                           sort_order=100)
    response: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")


# --- settings the whole team shares ------------------------------------------------------


class MissionSetting(Common, Base):
    """One mission-wide setting (the engagement-gap thresholds...): a key from the registry
    in `services/mission_settings.py` and its value as JSON. Unique by key, so a later merge
    between laptops meets the same setting under the same key."""

    __tablename__ = "mission_settings"
    key: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[object] = mapped_column(JSON)


# --- the record of work -------------------------------------------------------------------


class Draft(Common, Base):
    """Long text being typed, kept every few seconds so that nothing typed is lost."""

    __tablename__ = "drafts"
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)


class ChangeLog(Base):
    """Append-only: who changed which field of which record, when, from what to what."""

    __tablename__ = "change_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    user_name: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str | None] = mapped_column(String(36))
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(10))  # create, update, delete, restore
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text)  # JSON


Index("ix_change_log_record", ChangeLog.table_name, ChangeLog.record_id)

#: Tables in an order that satisfies foreign keys (parents first).
TABLES_IN_ORDER: list[str] = [t.name for t in Base.metadata.sorted_tables]

#: The ORM class of each table.
MODELS: dict[str, type[Base]] = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}

#: Entity tables counted on the Overview (defined where the start-up can read it without
#: SQLAlchemy: store/counts.py).
from missiondesk.store.counts import COUNTED_TABLES  # noqa: E402, F401


class MissionSession(Session):
    """A session that hides tombstoned rows from every ORM query."""


@event.listens_for(MissionSession, "do_orm_execute")
def _hide_tombstones(execute_state) -> None:
    if (
        execute_state.is_select
        and not execute_state.is_column_load
        and not execute_state.is_relationship_load
        and not execute_state.execution_options.get("include_deleted", False)
    ):
        execute_state.statement = execute_state.statement.options(
            with_loader_criteria(
                Common, lambda cls: cls.deleted_at.is_(None), include_aliases=True
            )
        )
