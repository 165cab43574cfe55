"""Every controlled vocabulary of the mission file, in one place.

Values are stored as plain text codes (never enum or CHECK constraints, so adding a
code needs no table rebuild); the services validate them against these enumerations.
The codes are a public interface: imports, exports and the command line use them.
"""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    UNCLASSIFIED = "UNCLASSIFIED"
    CONFIDENTIAL = "CONFIDENTIAL"
    STRICTLY_CONFIDENTIAL = "STRICTLY CONFIDENTIAL"

    @property
    def rank(self) -> int:
        return list(Classification).index(self)

    @classmethod
    def highest(cls, values) -> Classification:
        """The most restrictive of the given levels (UNCLASSIFIED for none)."""
        best = cls.UNCLASSIFIED
        for value in values:
            level = cls(value)
            if level.rank > best.rank:
                best = level
        return best


class TeamRole(StrEnum):
    SRSG = "SRSG"
    DSRSG_POL = "DSRSG_POL"
    DSRSG_RC_HC = "DSRSG_RC_HC"
    FORCE_COMMANDER = "FORCE_COMMANDER"
    POLICE_COMMISSIONER = "POLICE_COMMISSIONER"
    CHIEF_OF_STAFF = "CHIEF_OF_STAFF"
    DMS = "DMS"
    CHIEF_JMAC = "CHIEF_JMAC"
    CHIEF_POLITICAL = "CHIEF_POLITICAL"
    CHIEF_COMMS = "CHIEF_COMMS"
    OTHER = "OTHER"


class StakeholderKind(StrEnum):
    INDIVIDUAL = "individual"
    ORGANIZATION = "organization"
    COALITION = "coalition"
    COMMUNITY = "community"
    STATE = "state"
    INSTITUTION = "institution"


class StakeholderCategory(StrEnum):
    """V1."""

    HOST_GOVERNMENT = "host_government"
    STATE_SECURITY_FORCE = "state_security_force"
    POLITICAL_PARTY = "political_party"
    OPPOSITION_COALITION = "opposition_coalition"
    STATE_INSTITUTION = "state_institution"
    ELECTORAL_BODY = "electoral_body"
    JUDICIARY = "judiciary"
    ARMED_GROUP = "armed_group"
    ARMED_COALITION = "armed_coalition"
    SELF_DEFENCE_MILITIA = "self_defence_militia"
    CRIMINAL_NETWORK = "criminal_network"
    FOREIGN_GOVERNMENT = "foreign_government"
    NEIGHBOURING_STATE = "neighbouring_state"
    FOREIGN_SECURITY_CONTRACTOR = "foreign_security_contractor"
    FOREIGN_ARMED_GROUP = "foreign_armed_group"
    REGIONAL_ORGANIZATION = "regional_organization"
    INTERNATIONAL_ORGANIZATION = "international_organization"
    UN_ENTITY = "un_entity"
    SECURITY_COUNCIL_MEMBER = "security_council_member"
    TCC_PCC = "tcc_pcc"
    DONOR = "donor"
    GROUP_OF_FRIENDS = "group_of_friends"
    RELIGIOUS_LEADER = "religious_leader"
    FAITH_BASED_ORGANIZATION = "faith_based_organization"
    TRADITIONAL_AUTHORITY = "traditional_authority"
    CIVIL_SOCIETY = "civil_society"
    WOMENS_ORGANIZATION = "womens_organization"
    YOUTH_ORGANIZATION = "youth_organization"
    PRIVATE_SECTOR = "private_sector"
    MEDIA = "media"
    COMMUNITY = "community"
    DIASPORA = "diaspora"
    INTERNATIONAL_NGO = "international_ngo"
    INDIVIDUAL_OTHER = "individual_other"
    OTHER = "other"


class PeaceStance(StrEnum):
    """V2: stance on the peace process."""

    CHAMPION = "champion"
    SUPPORTIVE = "supportive"
    CONDITIONAL = "conditional"
    AMBIVALENT = "ambivalent"
    SCEPTICAL = "sceptical"
    OPPOSED = "opposed"
    SPOILER = "spoiler"
    UNKNOWN = "unknown"


class MissionStance(StrEnum):
    """V3: stance toward the mission."""

    COOPERATIVE = "cooperative"
    CONDITIONAL = "conditional"
    NEUTRAL = "neutral"
    WARY = "wary"
    OBSTRUCTIVE = "obstructive"
    HOSTILE_RHETORIC = "hostile_rhetoric"
    HOSTILE_VIOLENT = "hostile_violent"
    UNKNOWN = "unknown"


class Perception(StrEnum):
    """How local communities perceive a stakeholder."""

    TRUSTED = "trusted"
    ACCEPTED = "accepted"
    MIXED = "mixed"
    FEARED = "feared"
    REJECTED = "rejected"
    UNKNOWN = "unknown"


class EngagementPriority(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class RelationshipFamily(StrEnum):
    STRUCTURAL = "structural"
    COOPERATIVE = "cooperative"
    PROCESS = "process"
    ADVERSARIAL = "adversarial"


class RelationshipType(StrEnum):
    """V6. Family, default valence and symmetry are in RELATIONSHIP_TYPES."""

    LEADS = "leads"
    MEMBER_OF = "member_of"
    AFFILIATED_WITH = "affiliated_with"
    ALLIED_WITH = "allied_with"
    SUPPORTS = "supports"
    SUPPORTS_MILITARILY = "supports_militarily"
    FUNDS = "funds"
    PROTECTS = "protects"
    TRAINS = "trains"
    PARTNERS_WITH = "partners_with"
    INFLUENCES = "influences"
    MEDIATES = "mediates"
    NEGOTIATES_WITH = "negotiates_with"
    AGREEMENT_WITH = "agreement_with"
    GUARANTOR_OF = "guarantor_of"
    MANDATES = "mandates"
    PENHOLDER_FOR = "penholder_for"
    SANCTIONS = "sanctions"
    PROSECUTES = "prosecutes"
    ARMED_CONFLICT_WITH = "armed_conflict_with"
    ATTACKS = "attacks"
    RIVAL_OF = "rival_of"
    OPPOSES = "opposes"
    OBSTRUCTS = "obstructs"
    HOSTILE_RHETORIC_AGAINST = "hostile_rhetoric_against"


class RelationshipTypeInfo:
    __slots__ = ("family", "default_valence", "symmetric")

    def __init__(self, family: RelationshipFamily, default_valence: int, symmetric: bool = False):
        self.family = family
        self.default_valence = default_valence
        self.symmetric = symmetric


_S, _C, _P, _A = (
    RelationshipFamily.STRUCTURAL,
    RelationshipFamily.COOPERATIVE,
    RelationshipFamily.PROCESS,
    RelationshipFamily.ADVERSARIAL,
)
RELATIONSHIP_TYPES: dict[RelationshipType, RelationshipTypeInfo] = {
    RelationshipType.LEADS: RelationshipTypeInfo(_S, 1),
    RelationshipType.MEMBER_OF: RelationshipTypeInfo(_S, 1),
    RelationshipType.AFFILIATED_WITH: RelationshipTypeInfo(_S, 1),
    RelationshipType.ALLIED_WITH: RelationshipTypeInfo(_C, 2, symmetric=True),
    RelationshipType.SUPPORTS: RelationshipTypeInfo(_C, 1),
    RelationshipType.SUPPORTS_MILITARILY: RelationshipTypeInfo(_C, 2),
    RelationshipType.FUNDS: RelationshipTypeInfo(_C, 1),
    RelationshipType.PROTECTS: RelationshipTypeInfo(_C, 1),
    RelationshipType.TRAINS: RelationshipTypeInfo(_C, 1),
    RelationshipType.PARTNERS_WITH: RelationshipTypeInfo(_C, 1, symmetric=True),
    RelationshipType.INFLUENCES: RelationshipTypeInfo(_C, 1),
    RelationshipType.MEDIATES: RelationshipTypeInfo(_P, 1),
    RelationshipType.NEGOTIATES_WITH: RelationshipTypeInfo(_P, 0, symmetric=True),
    RelationshipType.AGREEMENT_WITH: RelationshipTypeInfo(_P, 1, symmetric=True),
    RelationshipType.GUARANTOR_OF: RelationshipTypeInfo(_P, 1),
    RelationshipType.MANDATES: RelationshipTypeInfo(_P, 0),
    RelationshipType.PENHOLDER_FOR: RelationshipTypeInfo(_P, 0),
    RelationshipType.SANCTIONS: RelationshipTypeInfo(_P, -1),
    RelationshipType.PROSECUTES: RelationshipTypeInfo(_P, -1),
    RelationshipType.ARMED_CONFLICT_WITH: RelationshipTypeInfo(_A, -2, symmetric=True),
    RelationshipType.ATTACKS: RelationshipTypeInfo(_A, -2),
    RelationshipType.RIVAL_OF: RelationshipTypeInfo(_A, -1, symmetric=True),
    RelationshipType.OPPOSES: RelationshipTypeInfo(_A, -1),
    RelationshipType.OBSTRUCTS: RelationshipTypeInfo(_A, -1),
    RelationshipType.HOSTILE_RHETORIC_AGAINST: RelationshipTypeInfo(_A, -1),
}


class RelationshipStatus(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"
    ALLEGED = "alleged"


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    DOUBTFUL = "doubtful"


class SourceType(StrEnum):
    OFFICIAL_DOCUMENT = "official_document"
    MEDIA = "media"
    NGO_REPORT = "ngo_report"
    INTERLOCUTOR = "interlocutor"
    INTERNAL = "internal"


class SourceReliability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


SOURCE_CREDIBILITY = range(1, 7)


class DriverKind(StrEnum):
    CONFLICT_DRIVER = "conflict_driver"
    PEACE_DRIVER = "peace_driver"
    DIVIDER = "divider"
    CONNECTOR = "connector"
    TRIGGER = "trigger"


class DriverLevel(StrEnum):
    STRUCTURAL = "structural"
    PROXIMATE = "proximate"
    IMMEDIATE = "immediate"


class DriverDomain(StrEnum):
    GOVERNANCE = "governance"
    SECURITY = "security"
    RESOURCES = "resources"
    LAND = "land"
    IDENTITY = "identity"
    JUSTICE = "justice"
    REGIONAL = "regional"
    INFORMATION = "information"
    HUMANITARIAN = "humanitarian"
    CLIMATE = "climate"
    GENDER = "gender"
    ECONOMY = "economy"


class Trend(StrEnum):
    WORSENING = "worsening"
    STABLE = "stable"
    IMPROVING = "improving"
    UNKNOWN = "unknown"


class DriverRole(StrEnum):
    DRIVES = "drives"
    BENEFITS = "benefits"
    MITIGATES = "mitigates"
    AFFECTED = "affected"


class EngagementFormat(StrEnum):
    BILATERAL = "bilateral"
    GROUP = "group"
    FORUM = "forum"
    PHONE_VIDEO = "phone_video"
    FIELD_VISIT = "field_visit"
    PUBLIC_EVENT = "public_event"
    INFORMAL = "informal"
    CORRESPONDENCE = "correspondence"


class EngagementLevel(StrEnum):
    """Seniority of the counterpart met."""

    HEAD_OF_STATE = "head_of_state"
    MINISTERIAL = "ministerial"
    SENIOR = "senior"
    WORKING = "working"
    COMMUNITY = "community"


class Atmosphere(StrEnum):
    CORDIAL = "cordial"
    CONSTRUCTIVE = "constructive"
    BUSINESSLIKE = "businesslike"
    TENSE = "tense"
    HOSTILE = "hostile"


class CommitmentType(StrEnum):
    POLITICAL = "political"
    SECURITY = "security"
    HUMANITARIAN = "humanitarian"
    LOGISTICAL = "logistical"
    INFORMATION = "information"
    FOLLOW_UP = "follow_up"


class CommitmentStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    OVERDUE = "overdue"
    BREACHED = "breached"
    WITHDRAWN = "withdrawn"


class Raci(StrEnum):
    R = "R"
    A = "A"
    C = "C"
    I = "I"  # noqa: E741 - the letter of the RACI matrix


class BenchmarkStatus(StrEnum):
    NOT_STARTED = "not_started"
    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    PARTIALLY_MET = "partially_met"
    MET = "met"


class IndicatorDirection(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class ConsultationCounterpart(StrEnum):
    GROUP_OF_FRIENDS = "group_of_friends"
    PENHOLDER = "penholder"
    COUNCIL_MEMBER = "council_member"  # another member of the Security Council
    TCC_PCC = "tcc_pcc"
    HOST_GOVERNMENT = "host_government"
    REGIONAL_ORGANIZATION = "regional_organization"
    PEACEBUILDING_COMMISSION = "peacebuilding_commission"
    CIVIL_SOCIETY = "civil_society"


class CycleEventKind(StrEnum):
    SG_REPORT_DUE = "sg_report_due"
    COUNCIL_BRIEFING = "council_briefing"
    TCC_MEETING = "tcc_meeting"
    RENEWAL = "renewal"


class AudienceCode(StrEnum):
    """V7."""

    HOST_GOVERNMENT = "host_government"
    NATIONAL_SECURITY_FORCES = "national_security_forces"
    ARMED_GROUP_LEADERS = "armed_group_leaders"
    ARMED_GROUP_RANK_AND_FILE = "armed_group_rank_and_file"
    POLITICAL_PARTIES = "political_parties"
    RELIGIOUS_TRADITIONAL_LEADERS = "religious_traditional_leaders"
    CIVIL_SOCIETY = "civil_society"
    COMMUNITIES = "communities"
    DISPLACED_PEOPLE = "displaced_people"
    NATIONAL_MEDIA = "national_media"
    DIASPORA = "diaspora"
    REGIONAL_ACTORS = "regional_actors"
    SECURITY_COUNCIL = "security_council"
    TCC_PCC = "tcc_pcc"
    DONORS = "donors"
    UN_COUNTRY_TEAM = "un_country_team"
    MISSION_PERSONNEL = "mission_personnel"


class MessageKind(StrEnum):
    """A key message states what the mission does, or draws an expectation line."""

    CORE = "core"
    CAN_DO = "can_do"
    CANNOT_DO = "cannot_do"


class CommsChannel(StrEnum):
    """How a line of the communications plan reaches its audience."""

    RADIO = "radio"
    TELEVISION = "television"
    PRINT = "print"
    ONLINE = "online"
    SOCIAL_MEDIA = "social_media"
    MESSAGING_APP = "messaging_app"
    PRESS_CONFERENCE = "press_conference"
    BILATERAL_MEETING = "bilateral_meeting"
    COMMUNITY_MEETING = "community_meeting"
    BRIEFING = "briefing"
    PUBLICATION = "publication"
    INTERNAL = "internal"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    ACHIEVED = "achieved"
    COMMUNICATED = "communicated"
    CANCELLED = "cancelled"


class MediaType(StrEnum):
    RADIO = "radio"
    TELEVISION = "television"
    PRINT = "print"
    ONLINE = "online"
    SOCIAL_MEDIA = "social_media"
    NEWS_AGENCY = "news_agency"
    COMMUNITY_RADIO = "community_radio"


class MediaOwnership(StrEnum):
    STATE = "state"
    PRIVATE = "private"
    PARTY = "party"
    COMMUNITY = "community"
    RELIGIOUS = "religious"
    INTERNATIONAL = "international"
    UN = "un"
    UNKNOWN = "unknown"


class MediaAlignment(StrEnum):
    PRO_GOVERNMENT = "pro_government"
    OPPOSITION = "opposition"
    ARMED_GROUP = "armed_group"
    INDEPENDENT = "independent"
    UNKNOWN = "unknown"


class Level3(StrEnum):
    """A plain low / medium / high rating (reach, trust, risk)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class MissionRelation(StrEnum):
    """The state of a media outlet's relationship with the mission."""

    PARTNER = "partner"
    GOOD = "good"
    NEUTRAL = "neutral"
    STRAINED = "strained"
    HOSTILE = "hostile"


class RumourChannel(StrEnum):
    WORD_OF_MOUTH = "word_of_mouth"
    RADIO = "radio"
    SOCIAL_MEDIA = "social_media"
    MESSAGING_APP = "messaging_app"
    PRINT = "print"
    TELEVISION = "television"
    PUBLIC_SPEECH = "public_speech"


class RumourStatus(StrEnum):
    NEW = "new"
    MONITORING = "monitoring"
    RESPONDING = "responding"
    RESPONDED = "responded"
    DEBUNKED = "debunked"
    CLOSED = "closed"


#: Which column of which table takes which vocabulary. The services validate writes
#: against it and the importers report values outside it with the allowed codes.
COLUMN_VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("mission", "default_classification"): Classification,
    ("team_members", "role"): TeamRole,
    ("stakeholders", "kind"): StakeholderKind,
    ("stakeholders", "category"): StakeholderCategory,
    ("stakeholders", "stance_peace"): PeaceStance,
    ("stakeholders", "stance_mission"): MissionStance,
    ("stakeholders", "perception"): Perception,
    ("stakeholders", "priority_override"): EngagementPriority,
    ("stakeholder_assessments", "stance_peace"): PeaceStance,
    ("stakeholder_assessments", "stance_mission"): MissionStance,
    ("stakeholder_assessments", "perception"): Perception,
    ("stakeholder_perceptions", "perception"): Perception,
    ("relationships", "type"): RelationshipType,
    ("relationships", "status"): RelationshipStatus,
    ("relationships", "confidence"): Confidence,
    ("sources", "source_type"): SourceType,
    ("sources", "reliability"): SourceReliability,
    ("drivers", "kind"): DriverKind,
    ("drivers", "level"): DriverLevel,
    ("drivers", "domain"): DriverDomain,
    ("drivers", "trend"): Trend,
    ("driver_stakeholders", "role"): DriverRole,
    ("driver_assessments", "trend"): Trend,
    ("engagements", "format"): EngagementFormat,
    ("engagements", "level"): EngagementLevel,
    ("engagements", "atmosphere"): Atmosphere,
    ("commitments", "commitment_type"): CommitmentType,
    ("commitments", "status"): CommitmentStatus,
    ("assignments", "raci"): Raci,
    ("benchmarks", "status"): BenchmarkStatus,
    ("benchmark_assessments", "status"): BenchmarkStatus,
    ("indicators", "direction"): IndicatorDirection,
    ("consultations", "counterpart_type"): ConsultationCounterpart,
    ("cycle_events", "kind"): CycleEventKind,
    ("audiences", "code"): AudienceCode,
    ("key_messages", "kind"): MessageKind,
    ("comms_plan_rows", "channel"): CommsChannel,
    ("comms_milestones", "status"): MilestoneStatus,
    ("media_outlets", "media_type"): MediaType,
    ("media_outlets", "ownership"): MediaOwnership,
    ("media_outlets", "alignment"): MediaAlignment,
    ("media_outlets", "reach"): Level3,
    ("media_outlets", "trust"): Level3,
    ("media_outlets", "relationship"): MissionRelation,
    ("rumours", "channel"): RumourChannel,
    ("rumours", "reach"): Level3,
    ("rumours", "risk"): Level3,
    ("rumours", "status"): RumourStatus,
}
