"""Build the Carana demo mission from the readable JSON files in ``resources/demo/carana/``.

Carana is the fictional country of the UN's peacekeeping training scenario. The files hold
hand-written content that refers to other records by short keys ("mpc", "gen_pea") and to
dates relative to the build day ("days_ago", "in_days"), so that dashboards stay alive.
This module turns keys into deterministic ids (uuid5 of ``"{table}:{key}"``), relative days
into dates, checks every vocabulary value against ``vocab.COLUMN_VOCABULARIES`` and adds
ORM rows to the caller's session. It never commits: the caller does.

A mistake in the data fails loudly: ``ValueError`` naming the file, the record key, the
column and the bad value.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from missiondesk.services.names import fold
from missiondesk.store import schema as s
from missiondesk.store.vocab import (
    COLUMN_VOCABULARIES,
    RELATIONSHIP_TYPES,
    Classification,
    RelationshipType,
)

#: Fixed namespace: the same demo gets the same ids on every machine and every run.
NAMESPACE = uuid.UUID("5b0f3c1e-7a52-4d8e-9c36-2f1a0e4d6b7c")

DEMO_FOLDER = ("demo", "carana")

# Tables whose rows default to UNCLASSIFIED when the file says nothing (public material);
# everything else defaults to CONFIDENTIAL, the mission's default.
_PUBLIC_TABLES = frozenset(
    {
        "team_members",
        "portfolios",
        "assignments",
        "mandates",
        "mandate_tasks",
        "cycle_events",
        "benchmarks",
        "benchmark_tasks",
        "indicators",
        "measurements",
        "comms_objectives",
        "audiences",
        "audience_stakeholders",
        "key_messages",
        "key_message_texts",
        "comms_milestones",
        "comms_plan_rows",
        "agreements",
        "agreement_provisions",
    }
)

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CLASSIFICATIONS = {c.value for c in Classification}


def stable_id(table: str, key: str) -> str:
    """The deterministic id of a demo record."""
    return str(uuid.uuid5(NAMESPACE, f"{table}:{key}"))


#: The sort and search key of a name (the application's one fold, `names.fold`).
fold_name = fold


def demo_folder() -> Path:
    from missiondesk.paths import resources_dir

    return resources_dir().joinpath(*DEMO_FOLDER)


def mission_today() -> date:
    """Today in the Carana mission's time zone (mission.json's), the demo's default day."""
    from zoneinfo import ZoneInfo

    from missiondesk.services.clock import local_today

    with (demo_folder() / "mission.json").open(encoding="utf-8") as fh:
        zone = json.load(fh).get("time_zone", "UTC")
    return local_today(ZoneInfo(zone))


def build_carana(
    session: Session,
    today: date,
    author: str,
    origin: str,
    *,
    folder: Path | None = None,
) -> None:
    """Add the Carana demo mission to ``session`` (not committed), dated relative to ``today``.

    ``folder`` overrides the data folder (tests use it to feed broken copies).
    """
    _Builder(session, today, author, origin, folder or demo_folder()).build()


class _Builder:
    def __init__(self, session: Session, today: date, author: str, origin: str, folder: Path):
        self.session = session
        self.today = today
        self.author = author
        self.origin = origin
        self.folder = folder
        # "Now" for records without a date of their own: the start of the build day, so the
        # same `today` gives identical content (not only identical ids).
        self.now = datetime.combine(today, time(0, 0))
        self.keys: dict[str, set[str]] = {}  # table -> keys declared so far
        self.team_names: dict[str, str] = {}
        self.stakeholder_class: dict[str, str] = {}
        self.file = ""
        self.pending: dict[str, list[Any]] = {}  # table -> rows, added in FK order at the end

    # --- the whole build, parents before children -----------------------------------------

    def build(self) -> None:
        self._mission()
        self._team()
        self._sources()
        self._stakeholders()
        self._team_raci()
        self._relationships()
        self._drivers()
        self._agreements()
        self._mandate()
        self._comms()
        self._engagements()
        self._task_links()
        # The schema declares no ORM relationships, so the unit of work would not order
        # inserts by foreign key: add and flush table by table, parents first.
        for table in s.TABLES_IN_ORDER:
            rows = self.pending.pop(table, [])
            if rows:
                self.session.add_all(rows)
                self.session.flush()

    # --- helpers --------------------------------------------------------------------------

    def _load(self, name: str) -> Any:
        self.file = name
        path = self.folder / name
        try:
            with path.open(encoding="utf-8") as fh:
                return json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{name}: not valid JSON: {exc}") from exc

    def _fail(self, record: str, column: str, value: Any, why: str = "bad value") -> ValueError:
        return ValueError(f"{self.file}: record {record!r}: column {column!r}: {why}: {value!r}")

    def _declare(self, table: str, key: str) -> str:
        known = self.keys.setdefault(table, set())
        if key in known:
            raise self._fail(key, "key", key, f"duplicate key in {table}")
        known.add(key)
        return stable_id(table, key)

    def _ref(self, record: str, column: str, table: str, key: str | None) -> str | None:
        """The id of a record declared earlier, or a loud error for an unknown key."""
        if key is None:
            return None
        if key not in self.keys.get(table, ()):
            raise self._fail(record, column, key, f"unknown {table} key")
        return stable_id(table, key)

    def _day(self, record: str, rec: dict, name: str = "") -> date | None:
        """A date from ``{name}_days_ago`` or ``{name}_in_days`` (no name: plain keys)."""
        prefix = f"{name}_" if name else ""
        ago, ahead = rec.get(f"{prefix}days_ago"), rec.get(f"{prefix}in_days")
        if ago is not None and ahead is not None:
            raise self._fail(record, f"{prefix}days_ago", ago, "both days_ago and in_days given")
        for col, value, sign in ((f"{prefix}days_ago", ago, -1), (f"{prefix}in_days", ahead, 1)):
            if value is not None:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise self._fail(record, col, value, "not a whole number of days")
                return self.today + timedelta(days=sign * value)
        return None

    def _partial(self, record: str, column: str, value: Any) -> str | None:
        """A partial date string ("2019", "2019-05") or a relative one rendered as such."""
        if value is None:
            return None
        if isinstance(value, str):
            if not _PARTIAL_DATE.match(value):
                raise self._fail(record, column, value, "not a partial date")
            return value
        if isinstance(value, dict) and "days_ago" in value:
            return (self.today - timedelta(days=int(value["days_ago"]))).strftime("%Y-%m")
        if isinstance(value, dict) and "years_ago" in value:
            return str(self.today.year - int(value["years_ago"]))
        raise self._fail(record, column, value, "not a partial date")

    def _stamp(self, when: date | datetime | None) -> datetime:
        """created_at/updated_at: the record's own date when it has one in the past, else now."""
        if when is None:
            return self.now
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(12, 0))
        return when if when <= self.now else self.now

    def _range(self, record: str, column: str, value: Any, low: int, high: int) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self._fail(record, column, value, f"expected a whole number {low}..{high}")
        return value

    def _member_name(self, record: str, column: str, key: str | None) -> str | None:
        self._ref(record, column, "team_members", key)
        return self.team_names.get(key) if key else None

    def _add(
        self,
        model: type,
        row_id: str,
        record: str,
        when: date | datetime | None,
        classification: str | None,
        **fields: Any,
    ) -> Any:
        """Validate vocabulary columns, fill the common columns and add the row."""
        table = model.__tablename__
        for column, value in fields.items():
            vocab = COLUMN_VOCABULARIES.get((table, column))
            if vocab is not None and value is not None and value not in {v.value for v in vocab}:
                raise self._fail(record, column, value)
        level = classification or ("UNCLASSIFIED" if table in _PUBLIC_TABLES else "CONFIDENTIAL")
        if level not in _CLASSIFICATIONS:
            raise self._fail(record, "classification", level)
        stamp = self._stamp(when)
        row = model(
            id=row_id,
            created_at=stamp,
            updated_at=stamp,
            created_by=self.author,
            updated_by=self.author,
            revision=1,
            origin=self.origin,
            deleted_at=None,
            classification=level,
            **fields,
        )
        self.pending.setdefault(table, []).append(row)
        return row

    # --- mission, team, strategy ----------------------------------------------------------

    def _mission(self) -> None:
        m = self._load("mission.json")
        key = m["key"]
        self._add(
            s.Mission,
            self._declare("mission", key),
            key,
            None,
            m.get("classification"),
            name=m["name"],
            acronym=m.get("acronym"),
            host_country=m.get("host_country"),
            time_zone=m.get("time_zone", "UTC"),
            default_classification=m.get("default_classification", "CONFIDENTIAL"),
            mandate_expiry=self._day(key, m, "mandate_expiry"),
            description=m.get("description"),
        )

    def _team(self) -> None:
        data = self._load("team.json")
        for m in data["members"]:
            key = m["key"]
            self.team_names[key] = m["name"]
            self._add(
                s.TeamMember,
                self._declare("team_members", key),
                key,
                None,
                m.get("classification"),
                name=m["name"],
                role=m["role"],
                title=m.get("title"),
                active=m.get("active", True),
            )
        for order, o in enumerate(data["objectives"]):
            key = o["key"]
            self._add(
                s.StrategyObjective,
                self._declare("strategy_objectives", key),
                key,
                self._day(key, o, "period_start"),
                o.get("classification"),
                title=o["title"],
                description=o.get("description"),
                owner_id=self._ref(key, "owner", "team_members", o.get("owner")),
                period_start=self._day(key, o, "period_start"),
                period_end=self._day(key, o, "period_end"),
                sort_order=order,
            )

    def _team_raci(self) -> None:
        data = self._load("team.json")
        for order, p in enumerate(data["portfolios"]):
            key = p["key"]
            pid = self._add(
                s.Portfolio,
                self._declare("portfolios", key),
                key,
                None,
                p.get("classification"),
                name=p["name"],
                description=p.get("description"),
                political=p.get("political", True),
                objective_id=self._ref(key, "objective", "strategy_objectives",
                                       p.get("objective")),
                sort_order=order,
            ).id
            self._raci(key, p["raci"], portfolio_id=pid)
        for entry in data.get("stakeholder_raci", []):
            key = entry["stakeholder"]
            sid = self._ref(key, "stakeholder", "stakeholders", key)
            self._raci(f"stakeholder:{key}", entry["raci"], stakeholder_id=sid)

    def _raci(self, record: str, raci: dict[str, str], **target: str | None) -> None:
        accountable = [m for m, letter in raci.items() if letter == "A"]
        if len(accountable) != 1:
            raise self._fail(record, "raci", raci, "needs exactly one 'A'")
        for member, letter in raci.items():
            self._add(
                s.Assignment,
                stable_id("assignments", f"{record}:{member}"),
                record,
                None,
                None,
                team_member_id=self._ref(record, "raci", "team_members", member),
                raci=letter,
                portfolio_id=target.get("portfolio_id"),
                stakeholder_id=target.get("stakeholder_id"),
            )

    def _sources(self) -> None:
        for src in self._load("sources.json"):
            key = src["key"]
            self._add(
                s.Source,
                self._declare("sources", key),
                key,
                None,
                src.get("classification"),
                code_name=src["code_name"],
                source_type=src["source_type"],
                reliability=src["reliability"],
                credibility=self._range(key, "credibility", src["credibility"], 1, 6),
                protected=src.get("protected", True),
                description=src.get("description"),
            )

    # --- stakeholders and their network ---------------------------------------------------

    def _stakeholders(self) -> None:
        records = self._load("stakeholders.json")
        for sh in records:
            self._declare("stakeholders", sh["key"])
        for sh in records:
            self._stakeholder(sh)

    def _stakeholder(self, sh: dict) -> None:
        key = sh["key"]
        sid = stable_id("stakeholders", key)
        level = sh.get("classification")
        self.stakeholder_class[key] = level or "CONFIDENTIAL"
        history = sorted(sh.get("history", []), key=lambda h: h["days_ago"], reverse=True)
        stance_since = None
        if history:
            latest = history[-1]
            # The stakeholder's stance fields are a cache of the latest dated assessment.
            for column in ("stance_peace", "stance_mission", "perception"):
                if latest.get(column) is not None and latest[column] != sh.get(column):
                    raise self._fail(
                        key,
                        column,
                        sh.get(column),
                        f"differs from latest assessment {latest[column]!r}",
                    )
            stance_since = self._day(key, latest).isoformat()
        self._add(
            s.Stakeholder,
            sid,
            key,
            None,
            level,
            name=sh["name"],
            name_key=fold_name(sh["name"]),
            aliases=list(sh.get("aliases", [])),
            kind=sh["kind"],
            category=sh["category"],
            regions=list(sh.get("regions", [])),
            description=sh.get("description"),
            positions=sh.get("positions"),
            interests=sh.get("interests"),
            needs=sh.get("needs"),
            grievances=sh.get("grievances"),
            motivations=sh.get("motivations"),
            stance_peace=sh.get("stance_peace", "unknown"),
            stance_mission=sh.get("stance_mission", "unknown"),
            stance_since=stance_since,
            influence=self._range(key, "influence", sh.get("influence", 3), 1, 5),
            interest=self._range(key, "interest", sh.get("interest", 3), 1, 5),
            perception=sh.get("perception", "unknown"),
            perception_evidence=sh.get("perception_evidence"),
            sanctioned=sh.get("sanctioned", False),
            sanctions_note=sh.get("sanctions_note"),
            hrddp_flag=sh.get("hrddp_flag", False),
            hrddp_note=sh.get("hrddp_note"),
            do_not_engage=sh.get("do_not_engage", False),
            engagement_constraints=sh.get("engagement_constraints"),
            priority_override=sh.get("priority_override"),
            priority_override_reason=sh.get("priority_override_reason"),
            owner_id=self._ref(key, "owner", "team_members", sh.get("owner")),
            tags=list(sh.get("tags", [])),
        )
        for i, h in enumerate(history):
            record = f"{key}/history[{i}]"
            on = self._day(record, h)
            self._add(
                s.StakeholderAssessment,
                stable_id("stakeholder_assessments", f"{key}:{i}"),
                record,
                on,
                level,
                stakeholder_id=sid,
                assessed_on=on,
                assessed_by=self._member_name(record, "by", h.get("by")),
                stance_peace=h.get("stance_peace"),
                stance_mission=h.get("stance_mission"),
                perception=h.get("perception"),
                reason=h.get("reason"),
            )
        for i, p in enumerate(sh.get("perceptions", [])):
            record = f"{key}/perceptions[{i}]"
            self._add(
                s.StakeholderPerception,
                stable_id("stakeholder_perceptions", f"{key}:{i}"),
                record,
                None,
                level,
                stakeholder_id=sid,
                group_name=p["group"],
                perception=p["perception"],
                evidence=p.get("evidence"),
                source_id=self._ref(record, "source", "sources", p.get("source")),
            )

    def _relationships(self) -> None:
        data = self._load("relationships.json")
        for r in data["relationships"]:
            record = f"{r['from']} {r['type']} {r['to']}"
            rtype = r["type"]
            if rtype not in {t.value for t in RelationshipType}:
                raise self._fail(record, "type", rtype)
            valence = r.get("valence", RELATIONSHIP_TYPES[RelationshipType(rtype)].default_valence)
            ends = (self.stakeholder_class.get(r["from"]), self.stakeholder_class.get(r["to"]))
            strict = Classification.STRICTLY_CONFIDENTIAL.value
            level = r.get("classification") or (strict if strict in ends else "CONFIDENTIAL")
            self._add(
                s.Relationship,
                self._declare("relationships", f"{r['from']}:{rtype}:{r['to']}"),
                record,
                None,
                level,
                source_id=self._ref(record, "from", "stakeholders", r["from"]),
                target_id=self._ref(record, "to", "stakeholders", r["to"]),
                type=rtype,
                strength=self._range(record, "strength", r.get("strength", 3), 1, 5),
                valence=self._range(record, "valence", valence, -2, 2),
                status=r.get("status", "active"),
                valid_from=self._partial(record, "valid_from", r.get("valid_from")),
                valid_to=self._partial(record, "valid_to", r.get("valid_to")),
                confidence=r.get("confidence", "probable"),
                evidence_source_id=self._ref(record, "source", "sources", r.get("source")),
                evidence_note=r.get("evidence_note"),
                notes=r.get("notes"),
            )

    # --- drivers --------------------------------------------------------------------------

    def _drivers(self) -> None:
        for d in self._load("drivers.json"):
            key = d["key"]
            did = self._declare("drivers", key)
            level = d.get("classification")
            assessments = sorted(
                d.get("assessments", []), key=lambda a: a["days_ago"], reverse=True
            )
            if assessments:
                latest = assessments[-1]
                for column in ("trend", "severity"):
                    if latest.get(column) is not None and latest[column] != d.get(column):
                        raise self._fail(
                            key,
                            column,
                            d.get(column),
                            f"differs from latest assessment {latest[column]!r}",
                        )
            self._add(
                s.Driver,
                did,
                key,
                None,
                level,
                name=d["name"],
                description=d.get("description"),
                kind=d["kind"],
                level=d["level"],
                domain=d["domain"],
                regions=list(d.get("regions", [])),
                trend=d.get("trend", "unknown"),
                severity=self._range(key, "severity", d.get("severity", 3), 1, 5),
                time_horizon=d.get("time_horizon"),
                mission_levers=d.get("mission_levers"),
            )
            for link in d.get("stakeholders", []):
                record = f"{key}/{link['key']}"
                self._add(
                    s.DriverStakeholder,
                    stable_id("driver_stakeholders", f"{key}:{link['key']}:{link['role']}"),
                    record,
                    None,
                    level,
                    driver_id=did,
                    stakeholder_id=self._ref(record, "stakeholders", "stakeholders", link["key"]),
                    role=link["role"],
                    note=link.get("note"),
                )
            for i, a in enumerate(assessments):
                record = f"{key}/assessments[{i}]"
                on = self._day(record, a)
                self._add(
                    s.DriverAssessment,
                    stable_id("driver_assessments", f"{key}:{i}"),
                    record,
                    on,
                    level,
                    driver_id=did,
                    assessed_on=on,
                    assessed_by=self._member_name(record, "by", a.get("by")),
                    trend=a["trend"],
                    severity=self._range(record, "severity", a["severity"], 1, 5),
                    note=a.get("note"),
                )

    # --- agreements -----------------------------------------------------------------------

    def _agreements(self) -> None:
        for a in self._load("agreements.json"):
            key = a["key"]
            signed = self._day(key, a, "signed")
            aid = self._add(
                s.Agreement,
                self._declare("agreements", key),
                key,
                signed,
                a.get("classification"),
                name=a["name"],
                date_signed=signed.isoformat() if signed else None,
                summary=a.get("summary"),
            ).id
            for index, party in enumerate(a.get("parties", [])):
                self._add(
                    s.AgreementParty,
                    self._declare("agreement_parties", "%s:%d" % (key, index)),
                    "%s:%d" % (key, index),
                    signed,
                    a.get("classification"),
                    agreement_id=aid,
                    stakeholder_id=self._ref(key, "parties", "stakeholders", party),
                )
            for p in a.get("provisions", []):
                self._add(
                    s.AgreementProvision,
                    self._declare("agreement_provisions", p["key"]),
                    p["key"],
                    signed,
                    a.get("classification"),
                    agreement_id=aid,
                    reference=p["reference"],
                    text=p["text"],
                )

    # --- the mandate and the Council ------------------------------------------------------

    def _mandate(self) -> None:
        data = self._load("mandate.json")
        m = data["mandate"]
        mkey = m["key"]
        adopted = self._day(mkey, m, "adopted")
        mid = self._add(
            s.Mandate,
            self._declare("mandates", mkey),
            mkey,
            adopted,
            m.get("classification"),
            resolution=m["resolution"].format(adopted_year=adopted.year if adopted else ""),
            adopted_on=adopted,
            expires_on=self._day(mkey, m, "expires"),
            penholder=m.get("penholder"),
            summary=m.get("summary"),
        ).id
        for t in data["tasks"]:
            self._add(
                s.MandateTask,
                self._declare("mandate_tasks", t["key"]),
                t["key"],
                adopted,
                t.get("classification"),
                mandate_id=mid,
                paragraph=t["paragraph"],
                text=t["text"],
                pillar=t.get("pillar"),
                priority=t.get("priority", False),
            )
        for order, b in enumerate(data["benchmarks"]):
            self._benchmark(b, mid, adopted, order)
        for c in data["consultations"]:
            key = c["key"]
            held = self._day(key, c)
            self._add(
                s.Consultation,
                self._declare("consultations", key),
                key,
                held,
                c.get("classification"),
                held_on=held,
                counterpart_type=c["counterpart_type"],
                counterpart_name=c["counterpart_name"],
                lead_id=self._ref(key, "lead", "team_members", c.get("lead")),
                topics=list(c.get("topics", [])),
                summary=c.get("summary"),
                inputs_for_mandate=c.get("inputs_for_mandate"),
            )
        for e in data["cycle_events"]:
            key = e["key"]
            due = self._day(key, e)
            self._add(
                s.CycleEvent,
                self._declare("cycle_events", key),
                key,
                due,
                e.get("classification"),
                kind=e["kind"],
                due_on=due,
                title=e["title"],
                mandate_id=mid,
                done=due < self.today,
                notes=e.get("notes"),
            )

    def _task_links(self) -> None:
        """A task's own stakeholders, engagements and commitments (after the engagements,
        which make the commitments): commitments named "ENGAGEMENT:N"."""
        made = {row.id for row in self.pending.get("commitments", [])}
        for i, link in enumerate(self._load("mandate.json").get("task_links", [])):
            record = f"task_links[{i}]"
            tid = self._ref(record, "task", "mandate_tasks", link.get("task"))
            if tid is None:
                raise self._fail(record, "task", None, "missing")
            for column, table, model, field in (
                ("stakeholders", "stakeholders", s.MandateTaskStakeholder, "stakeholder_id"),
                ("engagements", "engagements", s.MandateTaskEngagement, "engagement_id"),
            ):
                for key in link.get(column, []):
                    self._add(model, stable_id(model.__tablename__, f"{link['task']}:{key}"),
                              record, None, None, task_id=tid,
                              **{field: self._ref(record, column, table, key)})
            for key in link.get("commitments", []):
                cid = stable_id("commitments", key)
                if cid not in made:
                    raise self._fail(record, "commitments", key, "unknown commitment")
                self._add(s.MandateTaskCommitment,
                          stable_id("mandate_task_commitments", f"{link['task']}:{key}"),
                          record, None, None, task_id=tid, commitment_id=cid)

    def _benchmark(self, b: dict, mandate_id: str, adopted: date | None, order: int) -> None:
        key = b["key"]
        level = b.get("classification")
        assessments = sorted(b.get("assessments", []), key=lambda a: a["days_ago"], reverse=True)
        if assessments and assessments[-1]["status"] != b.get("status"):
            raise self._fail(
                key,
                "status",
                b.get("status"),
                f"differs from latest assessment {assessments[-1]['status']!r}",
            )
        bid = self._add(
            s.Benchmark,
            self._declare("benchmarks", key),
            key,
            adopted,
            level,
            mandate_id=mandate_id,
            statement=b["statement"],
            pillar=b.get("pillar"),
            responsible_parties=b.get("responsible_parties"),
            status=b.get("status", "not_started"),
            objective_id=self._ref(key, "objective", "strategy_objectives", b.get("objective")),
            sort_order=order,
        ).id
        for task in b.get("tasks", []):
            self._add(
                s.BenchmarkTask,
                stable_id("benchmark_tasks", f"{key}:{task}"),
                key,
                adopted,
                level,
                benchmark_id=bid,
                task_id=self._ref(key, "tasks", "mandate_tasks", task),
            )
        for i, a in enumerate(assessments):
            record = f"{key}/assessments[{i}]"
            on = self._day(record, a)
            self._add(
                s.BenchmarkAssessment,
                stable_id("benchmark_assessments", f"{key}:{i}"),
                record,
                on,
                a.get("classification", "CONFIDENTIAL"),
                benchmark_id=bid,
                assessed_on=on,
                assessed_by=self._member_name(record, "by", a.get("by")),
                status=a["status"],
                note=a.get("note"),
            )
        for ind in b.get("indicators", []):
            ikey = ind["key"]
            iid = self._add(
                s.Indicator,
                self._declare("indicators", ikey),
                ikey,
                adopted,
                level,
                benchmark_id=bid,
                name=ind["name"],
                baseline=ind.get("baseline"),
                target=ind.get("target"),
                direction=ind.get("direction", "increase"),
                unit=ind.get("unit"),
                data_source=ind.get("data_source"),
            ).id
            for j, meas in enumerate(ind.get("measurements", [])):
                record = f"{ikey}/measurements[{j}]"
                on = self._day(record, meas)
                if not isinstance(meas.get("value"), (int, float)):
                    raise self._fail(record, "value", meas.get("value"), "not a number")
                self._add(
                    s.Measurement,
                    stable_id("measurements", f"{ikey}:{j}"),
                    record,
                    on,
                    level,
                    indicator_id=iid,
                    measured_on=on,
                    value=float(meas["value"]),
                    note=meas.get("note"),
                )

    # --- strategic communications ---------------------------------------------------------

    def _comms(self) -> None:
        data = self._load("comms.json")
        for order, o in enumerate(data["objectives"]):
            key = o["key"]
            self._add(
                s.CommsObjective,
                self._declare("comms_objectives", key),
                key,
                None,
                o.get("classification"),
                title=o["title"],
                description=o.get("description"),
                internal=o.get("internal", False),
                objective_id=self._ref(key, "objective", "strategy_objectives", o.get("objective")),
                sort_order=order,
            )
        for a in data["audiences"]:
            key = a["key"]
            aid = self._add(
                s.Audience,
                self._declare("audiences", key),
                key,
                None,
                a.get("classification"),
                code=a["code"],
                name=a["name"],
                description=a.get("description"),
            ).id
            for sk in a.get("stakeholders", []):
                self._add(
                    s.AudienceStakeholder,
                    stable_id("audience_stakeholders", f"{key}:{sk}"),
                    key,
                    None,
                    a.get("classification"),
                    audience_id=aid,
                    stakeholder_id=self._ref(key, "stakeholders", "stakeholders", sk),
                )
        for km in data["key_messages"]:
            key = km["key"]
            for language in ("en", "fr"):
                if not km.get(language):
                    raise self._fail(key, language, km.get(language), "missing text")
            kid = self._add(
                s.KeyMessage,
                self._declare("key_messages", key),
                key,
                None,
                km.get("classification"),
                objective_id=self._ref(key, "objective", "comms_objectives", km.get("objective")),
                audience_id=self._ref(key, "audience", "audiences", km.get("audience")),
                kind=km.get("kind", "core"),
                approved=km.get("approved", False),
                approved_by=km.get("approved_by"),
                approved_on=self._day(key, km, "approved"),
            ).id
            for language in ("en", "fr", "ar"):
                if km.get(language):
                    self._add(
                        s.KeyMessageText,
                        stable_id("key_message_texts", f"{key}:{language}"),
                        key,
                        None,
                        km.get("classification"),
                        key_message_id=kid,
                        language=language,
                        text=km[language],
                    )
        for i, line in enumerate(data.get("plan", [])):
            record = f"plan[{i}]"
            self._add(
                s.CommsPlanRow,
                stable_id("comms_plan_rows", str(i)),
                record,
                None,
                line.get("classification"),
                audience_id=self._ref(record, "audience", "audiences", line["audience"]),
                key_message_id=self._ref(record, "message", "key_messages", line["message"]),
                channel=line["channel"],
                messenger=line.get("messenger"),
                timing=line.get("timing"),
                sort_order=i,
            )
        for ms in data["milestones"]:
            key = ms["key"]
            planned = self._day(key, ms, "planned")
            self._add(
                s.CommsMilestone,
                self._declare("comms_milestones", key),
                key,
                planned,
                ms.get("classification"),
                objective_id=self._ref(key, "objective", "comms_objectives", ms.get("objective")),
                title=ms["title"],
                planned_on=planned,
                status=ms.get("status", "planned"),
                achievement=ms.get("achievement"),
                achieved_on=self._day(key, ms, "achieved"),
            )
        for mo in data["media_outlets"]:
            key = mo["key"]
            self._add(
                s.MediaOutlet,
                self._declare("media_outlets", key),
                key,
                None,
                mo.get("classification"),
                name=mo["name"],
                media_type=mo["media_type"],
                ownership=mo.get("ownership", "unknown"),
                owner_name=mo.get("owner_name"),
                alignment=mo.get("alignment", "unknown"),
                languages=list(mo.get("languages", [])),
                coverage=mo.get("coverage"),
                reach=mo.get("reach", "medium"),
                trust=mo.get("trust", "medium"),
                relationship=mo.get("relationship", "neutral"),
                misinformation_record=mo.get("misinformation_record"),
                notes=mo.get("notes"),
            )
        for ru in data["rumours"]:
            key = ru["key"]
            reported = self._day(key, ru)
            self._add(
                s.Rumour,
                self._declare("rumours", key),
                key,
                reported,
                ru.get("classification"),
                reported_on=reported,
                content=ru["content"],
                channel=ru["channel"],
                outlet_id=self._ref(key, "outlet", "media_outlets", ru.get("outlet")),
                stakeholder_id=self._ref(key, "stakeholder", "stakeholders", ru.get("stakeholder")),
                response_message_id=self._ref(key, "response_message", "key_messages",
                                              ru.get("response_message")),
                poc_risk=ru.get("poc_risk", False),
                regions=list(ru.get("regions", [])),
                reach=ru.get("reach", "medium"),
                risk=ru.get("risk", "medium"),
                response=ru.get("response"),
                status=ru.get("status", "new"),
            )

    # --- engagements and the commitments made in them -------------------------------------

    def _engagements(self) -> None:
        data = self._load("engagements.json")
        for e in data["engagements"]:
            self._engagement(e)

    def _engagement(self, e: dict) -> None:
        key = e["key"]
        eid = self._declare("engagements", key)
        level = e.get("classification")
        day = self._day(key, e)
        if day is None:
            raise self._fail(key, "days_ago", None, "missing")
        hour = self._range(key, "hour", e.get("hour", 9), 0, 23)
        starts = datetime.combine(day, time(hour, 0))
        self._add(
            s.Engagement,
            eid,
            key,
            starts,
            level,
            starts_at=starts,
            duration_minutes=self._range(
                key, "duration_minutes", e.get("duration_minutes", 60), 5, 24 * 60
            ),
            format=e["format"],
            level=e.get("level"),
            location=e.get("location"),
            title=e["title"],
            purpose=e.get("purpose"),
            key_messages_delivered=e.get("key_messages_delivered"),
            counterpart_positions=e.get("counterpart_positions"),
            outcomes=e.get("outcomes"),
            atmosphere=e.get("atmosphere"),
            political=e.get("political", True),
            risks_to_interlocutors=e.get("risks_to_interlocutors"),
        )
        members = [(e["lead"], True)] + [
            (m, False) for m in e.get("participants", []) if m != e["lead"]
        ]
        for member, is_lead in members:
            self._add(
                s.EngagementParticipant,
                stable_id("engagement_participants", f"{key}:{member}"),
                key,
                starts,
                level,
                engagement_id=eid,
                team_member_id=self._ref(key, "participants", "team_members", member),
                is_lead=is_lead,
            )
        for other in e.get("counterparts", []):
            self._add(
                s.EngagementCounterpart,
                stable_id("engagement_counterparts", f"{key}:{other}"),
                key,
                starts,
                level,
                engagement_id=eid,
                stakeholder_id=self._ref(key, "counterparts", "stakeholders", other),
                starts_at=starts,
            )
        links = (
            ("drivers", s.EngagementDriver, "driver_id", "drivers"),
            ("benchmarks", s.EngagementBenchmark, "benchmark_id", "benchmarks"),
            ("objectives", s.EngagementObjective, "objective_id", "strategy_objectives"),
            ("key_messages", s.EngagementKeyMessage, "key_message_id", "key_messages"),
        )
        for field, model, column, table in links:
            for other in e.get(field, []):
                self._add(
                    model,
                    stable_id(model.__tablename__, f"{key}:{other}"),
                    key,
                    starts,
                    level,
                    engagement_id=eid,
                    **{column: self._ref(key, field, table, other)},
                )
        for i, c in enumerate(e.get("commitments", [])):
            self._commitment(key, eid, starts, level, i, c)

    def _commitment(
        self, ekey: str, eid: str, starts: datetime, level: str | None, i: int, c: dict
    ) -> None:
        record = f"{ekey}/commitments[{i}]"
        cid = stable_id("commitments", f"{ekey}:{i}")
        by = c.get("by")
        if by is None:
            raise self._fail(record, "by", by, "missing ('mission' or a stakeholder key)")
        due = c.get("due_in_days")
        if due is not None and (not isinstance(due, int) or isinstance(due, bool)):
            raise self._fail(record, "due_in_days", due, "not a whole number of days")
        self._add(
            s.Commitment,
            cid,
            record,
            starts,
            c.get("classification", level),
            text=c["text"],
            by_mission=by == "mission",
            committed_by_id=None
            if by == "mission"
            else self._ref(record, "by", "stakeholders", by),
            owner_id=self._ref(record, "owner", "team_members", c.get("owner")),
            commitment_type=c.get("type", "political"),
            due_date=None if due is None else self.today + timedelta(days=due),
            status=c.get("status", "open"),
            verification=c.get("verification"),
            evidence=c.get("evidence"),
            provision_id=self._ref(record, "provision", "agreement_provisions", c.get("provision")),
            objective_id=self._ref(record, "objective", "strategy_objectives", c.get("objective")),
        )
        self._add(
            s.CommitmentEngagement,
            stable_id("commitment_engagements", f"{ekey}:{i}"),
            record,
            starts,
            c.get("classification", level),
            commitment_id=cid,
            engagement_id=eid,
        )
