"""The large benchmark mission: a synthetic mission big enough to measure MissionDesk at scale.

`build_large` writes >= 5,000 stakeholders, 20,000 relationships, 200,000 engagements and
100,000 commitments (plus everything around them) into the caller's open transaction, with
bulk inserts on the driver cursor: the ORM's per-row path would take many minutes.

Everything is derived from one `random.Random` seeded from the as-of date, so the same date
gives the same ids and the same content byte for byte; dates are relative to it and the wall
clock is never read. Values are written in the forms the ORM itself writes (SQLAlchemy's SQLite
datetime text, ``json.dumps`` lists, 0/1 booleans), so rows read back exactly like ORM rows.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Connection

from missiondesk.services.names import fold
from missiondesk.store.vocab import (
    RELATIONSHIP_TYPES,
    AudienceCode,
    Classification,
    MessageKind,
    RelationshipType,
    StakeholderCategory,
    TeamRole,
)

MISSION_NAME = "Large benchmark mission (synthetic)"

#: The common columns of `schema.Common`, in the order every row tuple starts with.
COMMON_COLUMNS = (
    "id", "created_at", "created_by", "updated_at", "updated_by",
    "revision", "origin", "deleted_at", "classification",
)

_CHUNK = 10_000
#: Page cache while building (KiB, negative = size): keeps the random-key index pages in
#: memory instead of re-reading (and, on an encrypted file, re-decrypting) them.
_BUILD_CACHE_KIB = 262_144

_U = Classification.UNCLASSIFIED.value
_C = Classification.CONFIDENTIAL.value
_SC = Classification.STRICTLY_CONFIDENTIAL.value


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: The sort and search key of a name (the application's one fold, `names.fold`).
fold_name = fold


def _dt(value: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format, microseconds always written.
    return value.isoformat(sep=" ", timespec="microseconds")


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values))  # the ORM's JSON serialiser, same bytes


class _Weighted:
    """A population with cumulative weights, drawn from with one random() and a bisect."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs: Iterable[tuple[object, float]]):
        self.items: list = []
        self.cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            self.items.append(item)
            self.cum.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


# --- word lists -------------------------------------------------------------------------------

_SUR_A = ("Ka", "Ma", "Ndo", "Ba", "Tu", "Se", "Ko", "Mba", "Lu", "Za", "Ngo", "Da", "Bé", "Ya",
          "Wa", "Ki", "So", "Gué", "Ra", "Fo", "Dia", "Té", "Mo", "Sa", "Ngué", "Ou")
_SUR_B = ("", "", "lem", "ran", "si", "ko", "mbo", "té", "lu", "na", "ri", "go", "wé", "ssou",
          "dè", "ka")
_SUR_C = ("ba", "da", "ni", "ra", "so", "ye", "mbé", "la", "tou", "nga", "ssa", "ro", "ki", "dé",
          "mé", "gou", "ré", "li")
_FIRST = ("Amina", "Ibrahim", "Grace", "Joseph", "Émile", "Zoé", "Agnès", "Hélène", "Jérôme",
          "André", "Noël", "Chloé", "Désiré", "Félicité", "Bénédicte", "Aimé", "Thérèse",
          "Modeste", "Dieudonné", "Grâce", "Fatimé", "Moussa", "Aïcha", "Idriss", "Mariam",
          "Ousmane", "Esther", "Samuel", "Ruth", "Daniel", "Halima", "Yannick", "Béatrice",
          "Patrice", "Nadège", "Issa", "Khadija", "Célestin", "Odile", "Faustin", "Josiane",
          "Abdel", "Salomé", "Hamid", "Pélagie", "Thomas", "Rosine", "Jean-Baptiste",
          "Marie-Claire", "Hassan")
_PLACE_A = ("Al", "Bo", "Ker", "Ma", "Sa", "Tor", "Zu", "Gal", "Nor", "Fe", "Ri", "Dor", "Ul",
            "Ka", "Mé", "Lo", "Tam", "Bir", "Og", "Né", "Sil", "Var", "Kor", "Ba")
_PLACE_B = ("a", "o", "e", "i", "ou", "an", "é", "ar", "un", "el")
_PLACE_C = ("ri", "sa", "mo", "ne", "ka", "ra", "dosa", "ma", "lé", "ton", "go", "mbé", "la",
            "nda", "rou", "tis")
_COUNTRY_END = ("ia", "a", "ine", "ova", "ora", "land", "istan", "ana", "ésie", "uri")
_IDEALS = ("Peace", "Justice", "Unity", "Democracy", "Renewal", "Progress", "Reconciliation",
           "Liberty", "Dignity", "Development", "Equality", "Solidarity", "Sovereignty",
           "Hope", "Change")
_ADJ = ("National", "Patriotic", "Democratic", "Popular", "Republican", "United", "Federal",
        "Revolutionary", "Progressive", "Social", "Citizen", "New")
_GROUPS = ("Tassi", "Kori", "Boumba", "Ndara", "Fulo", "Sokel", "Wadai", "Lumé", "Garo",
           "Mbéré", "Kasso", "Hadjer")
_MINISTRIES = ("Defence", "Interior", "Justice", "Foreign Affairs", "Finance", "Mines",
               "Territorial Administration", "Reconciliation", "Humanitarian Action", "Health",
               "Education", "Agriculture", "Communication", "Women and Family", "Youth",
               "Public Security", "Planning", "Livestock")
_RESOURCES = ("gold", "diamonds", "grazing land", "water points", "timber", "cattle routes",
              "customs revenue", "oil concessions", "fishing grounds", "farmland")
_TAGS = ("ceasefire", "elections", "DDR", "PoC", "IDPs", "land", "mining", "border", "youth",
         "gender", "hate speech", "transhumance", "SSR", "detention", "humanitarian access",
         "decentralisation", "transitional justice", "returns", "rule of law", "local peace")
_TOPICS = ("the ceasefire", "the electoral calendar", "DDR registration", "the protection of "
           "civilians", "humanitarian access", "the return of displaced people", "security "
           "sector reform", "the peace agreement's implementation", "detentions",
           "transhumance corridors", "local peace committees", "hate speech on the radio",
           "the redeployment of state authority", "land disputes", "the mining sector",
           "women's participation", "the national dialogue", "the budget of the peace process",
           "border security", "the mandate renewal")
_PURPOSE_VERBS = ("Discuss", "Follow up on", "Review progress on", "Raise concerns about",
                  "Seek support for", "Prepare talks on", "Take stock of", "Clarify positions on",
                  "Brief on", "Consult on")
_KEY_MESSAGES = ("The mission's mandate is to protect civilians, not to fight for any party.",
                 "Violations of the ceasefire will be reported to the Security Council.",
                 "Inclusive dialogue is the only way to a lasting settlement.",
                 "The mission supports a credible, peaceful and inclusive election.",
                 "Humanitarian access must be unconditional.",
                 "Women and young people must sit at the table.",
                 "Hate speech fuels violence; leaders must condemn it.",
                 "The mission will not engage with those who attack civilians.",
                 "Commitments made here will be followed up within two weeks.",
                 "The mission cannot substitute for the state's own forces.")
_POSITIONS = ("Insists on guarantees before any cantonment.",
              "Ready to engage if the government releases detainees.",
              "Rejects the current electoral calendar as unrealistic.",
              "Supportive in principle, but wants more local ownership.",
              "Accuses the security forces of abuses against its community.",
              "Asks the mission to increase patrols on the main road.",
              "Considers the peace agreement a dead letter.",
              "Wants a seat in the monitoring committee.",
              "Prefers quiet diplomacy and no public statements.",
              "Demands compensation for lost cattle before any talks.")
_OUTCOMES = ("Agreed to meet again within a month.",
             "Counterpart committed to share a list of names.",
             "No agreement; positions remain far apart.",
             "Agreed on a joint visit to the affected area.",
             "Counterpart will raise the issue with its leadership.",
             "Understanding reached on humanitarian access for one week.",
             "Counterpart asked for written guarantees.",
             "Agreed text of a local ceasefire to be signed next week.",
             "Counterpart declined to discuss the incident.",
             "Follow-up meeting set with the technical teams.")
_RISKS = ("Counterpart fears reprisals if the meeting becomes known.",
          "Meeting venue is watched by the security services.",
          "Interlocutor's family received threats after the previous meeting.",
          "Do not cite the interlocutor in any written product.")


class _Builder:
    def __init__(self, connection: Connection, as_of: date, author: str, origin: str,
                 scale: float):
        seed = int.from_bytes(hashlib.sha256(as_of.isoformat().encode()).digest()[:8], "big")
        self.rng = random.Random(seed)
        self.cursor = connection.connection.driver_connection.cursor()
        self.as_of = as_of
        self.author = author
        self.origin = origin
        self.scale = scale
        self.counts: dict[str, int] = {}
        self.midnight = datetime.combine(as_of, time(0))
        self.cap = datetime.combine(as_of, time(12, 0))  # nothing is created after this
        self.start = self.midnight - timedelta(days=3 * 365 + 60)  # the mission's first record
        self._names: set[str] = set()

    # --- primitives ------------------------------------------------------------------------

    def n(self, count: int, minimum: int = 1) -> int:
        return max(minimum, round(count * self.scale))

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def common(self, created: datetime, updated: datetime | None = None,
               classification: str = _U) -> tuple:
        c = _dt(created)
        u = c if updated is None or updated <= created else _dt(updated)
        return (self.uid(), c, self.author, u, self.author, 1, self.origin, None, classification)

    def stamp(self, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
        """A random time between lo and hi (default: the mission's life), to the second."""
        lo = lo or self.start
        hi = hi or self.cap
        span = max(0, int((hi - lo).total_seconds()))
        return lo + timedelta(seconds=self.rng.randrange(span + 1))

    def classification(self, u: float, c: float, sc: float) -> str:
        r = self.rng.random() * (u + c + sc)
        return _U if r < u else _C if r < u + c else _SC

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
        if not rows:
            self.counts.setdefault(table, 0)
            return
        names = COMMON_COLUMNS + tuple(columns)
        # Identifiers are this module's constants; every value is a bound parameter.
        sql = "INSERT INTO %s (%s) VALUES (%s)" % (
            table, ", ".join(names), ", ".join("?" * len(names)))
        for i in range(0, len(rows), _CHUNK):
            self.cursor.executemany(sql, rows[i:i + _CHUNK])
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    # --- names -----------------------------------------------------------------------------

    def surname(self) -> str:
        c = self.rng.choice
        return c(_SUR_A) + c(_SUR_B) + c(_SUR_C)

    def person(self) -> str:
        return "%s %s" % (self.rng.choice(_FIRST), self.surname())

    def place(self) -> str:
        c = self.rng.choice
        head = c(_PLACE_A)
        # A vowel joint only after a consonant: "Kerari", "Mari", never "Maari".
        joint = c(_PLACE_B) if fold_name(head[-1]) not in "aeiou" else ""
        return head + joint + c(_PLACE_C)

    def country(self) -> str:
        name, end = self.place(), self.rng.choice(_COUNTRY_END)
        if fold_name(name[-1]) in "aeiou" and fold_name(end[0]) in "aeiou":
            name = name[:-1]
        return name + end

    def unique(self, make, fallback_suffix) -> str:
        for _ in range(12):
            name = make()
            if name not in self._names:
                break
        else:
            base = name
            i = 2
            while True:
                name = "%s (%s)" % (base, fallback_suffix() if i == 2 else i)
                if name not in self._names:
                    break
                i += 1
        self._names.add(name)
        return name

    def distinct(self, make, count: int) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        while len(out) < count:
            value = make()
            if value not in seen:
                seen.add(value)
                out.append(value)
        return out

    # --- the build -------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        self.geography()
        self.mission_and_team()
        self.strategy()
        self.sources_and_agreements()
        self.stakeholders()
        self.relationships()
        self.portfolios()
        self.drivers()
        self.mandate()
        self.communications()
        self.engagements()
        self.commitments()
        return dict(sorted(self.counts.items()))

    def geography(self) -> None:
        rng = self.rng
        self.host = self.country()
        self.regions = self.distinct(self.place, 10)
        self.capital = self.regions[0]
        self.towns = {r: [r] + self.distinct(self.place, rng.randint(3, 6)) for r in self.regions}
        self.all_towns = [t for r in self.regions for t in self.towns[r]]
        self.countries = [c for c in self.distinct(self.country, 30) if c != self.host][:24]
        self.neighbours = self.countries[:5]
        self.council = self.countries[5:10]

    # --- mission, team, strategy ----------------------------------------------------------

    def mission_and_team(self) -> None:
        rng = self.rng
        self.mandate_adopted = self.as_of - timedelta(days=rng.randint(150, 250))
        self.mandate_expiry = self.mandate_adopted + timedelta(days=365)
        acronym = "UNBM" + fold_name(self.host)[0].upper()
        self.insert("mission", (
            "name", "acronym", "host_country", "time_zone", "default_classification",
            "mandate_expiry", "description",
        ), [self.common(self.start, self.cap, _C) + (
            MISSION_NAME, acronym, self.host, "Africa/Bangui", _C,
            self.mandate_expiry.isoformat(),
            "A synthetic mission in the fictional Republic of %s, generated for benchmarks. "
            "All names, people and events are invented." % self.host,
        )])

        specs: list[tuple[str, str, str]] = [
            (TeamRole.SRSG, "Special Representative of the Secretary-General", "pol"),
            (TeamRole.DSRSG_POL, "Deputy Special Representative (Political)", "pol"),
            (TeamRole.DSRSG_RC_HC, "Deputy Special Representative, Resident and Humanitarian "
             "Coordinator", "intl"),
            (TeamRole.FORCE_COMMANDER, "Force Commander", "armed"),
            (TeamRole.POLICE_COMMISSIONER, "Police Commissioner", "gov"),
            (TeamRole.CHIEF_OF_STAFF, "Chief of Staff", "intl"),
            (TeamRole.DMS, "Director of Mission Support", "none"),
            (TeamRole.CHIEF_JMAC, "Chief, Joint Mission Analysis Centre", "armed"),
            (TeamRole.CHIEF_POLITICAL, "Chief of Political Affairs", "pol"),
            (TeamRole.CHIEF_COMMS, "Chief of Strategic Communications", "media"),
            (TeamRole.OTHER, "Deputy Force Commander", "armed"),
            (TeamRole.OTHER, "Director of Human Rights", "society"),
            (TeamRole.OTHER, "Chief of Civil Affairs", "society"),
            (TeamRole.OTHER, "Senior Gender Adviser", "society"),
            (TeamRole.OTHER, "Chief of Electoral Affairs", "pol"),
            (TeamRole.OTHER, "Chief of DDR", "armed"),
            (TeamRole.OTHER, "Senior Mediation Adviser", "pol"),
            (TeamRole.OTHER, "Spokesperson", "media"),
            (TeamRole.OTHER, "Chief of Security Sector Reform", "gov"),
            (TeamRole.OTHER, "Senior Legal Adviser", "gov"),
            (TeamRole.OTHER, "Special Assistant to the SRSG", "pol"),
        ]
        specs += [(TeamRole.OTHER, "Head of Field Office, %s" % r, "local")
                  for r in self.regions[1:5]]
        specs = specs[:self.n(25, minimum=10)]
        rows = []
        self.team: list[dict] = []
        for i, (role, title, area) in enumerate(specs):
            active = not (i >= 10 and rng.random() < 0.08)
            row = self.common(self.stamp(self.start, self.start + timedelta(days=20))) + (
                self.person(), role.value, title, 1 if active else 0)
            rows.append(row)
            self.team.append({"id": row[0], "role": role.value, "area": area, "active": active,
                              "title": title})
        self.insert("team_members", ("name", "role", "title", "active"), rows)
        self.active_team = [m for m in self.team if m["active"]]
        by_area: dict[str, list[dict]] = {}
        for m in self.active_team:
            by_area.setdefault(m["area"], []).append(m)
        self.by_area = by_area
        # Who leads engagements how often: the SRSG and deputies less than the working level.
        self.lead_pick = _Weighted(
            (m, {"SRSG": 3, "DSRSG_POL": 5, "DSRSG_RC_HC": 4, "FORCE_COMMANDER": 4,
                 "POLICE_COMMISSIONER": 3, "DMS": 1}.get(m["role"], 6))
            for m in self.active_team)

    def member(self, area: str) -> dict:
        pool = self.by_area.get(area) or self.active_team
        return self.rng.choice(pool)

    def strategy(self) -> None:
        rng = self.rng
        objectives = [
            ("Consolidate the ceasefire and reduce violence against civilians",
             "Fewer violations, a functioning ceasefire commission, armed groups engaged.", 0),
            ("Advance the implementation of the peace agreement",
             "Parties meet their commitments on the agreed calendar or conditions.", 1),
            ("Support credible, inclusive and peaceful elections",
             "Registration, calendar and security arrangements accepted by all parties.", 8),
            ("Extend legitimate state authority and the rule of law",
             "Prefects, judges and police redeployed to the provinces.", 4),
            ("Build local peace and social cohesion",
             "Local peace committees, transhumance agreements, returns.", 2),
            ("Strengthen regional and international support for the process",
             "Neighbours, the regional coalition and the Council speak with one voice.", 0),
        ]
        rows = []
        for i, (title, description, owner) in enumerate(objectives[:self.n(6, minimum=2)]):
            rows.append(self.common(self.start, self.stamp(), rng.choice((_U, _C))) + (
                title, description, self.team[owner % len(self.team)]["id"],
                (self.as_of - timedelta(days=365)).isoformat(),
                (self.as_of + timedelta(days=365)).isoformat(), i))
        self.insert("strategy_objectives", (
            "title", "description", "owner_id", "period_start", "period_end", "sort_order",
        ), rows)
        self.objective_ids = [r[0] for r in rows]

    def sources_and_agreements(self) -> None:
        rng = self.rng
        types = _Weighted((("official_document", 2), ("media", 3), ("ngo_report", 2),
                           ("interlocutor", 5), ("internal", 3)))
        described = {
            "official_document": "Official correspondence and decrees",
            "media": "Press and radio monitoring",
            "ngo_report": "Report by a protection cluster partner",
            "interlocutor": "A regular interlocutor in %s",
            "internal": "Patrol and field office reporting from %s",
        }
        rows = []
        for i in range(self.n(80)):
            kind = types.pick(rng)
            text = described[kind]
            if "%s" in text:
                text %= rng.choice(self.all_towns)
            protected = kind == "interlocutor" or rng.random() < 0.15
            rows.append(self.common(self.stamp(), None, _SC if protected else _C) + (
                "SRC-%03d" % (i + 1), kind, rng.choice("ABBCCCDDEF"), rng.randint(1, 6),
                1 if protected else 0, text))
        self.insert("sources", (
            "code_name", "source_type", "reliability", "credibility", "protected",
            "description"), rows)
        self.source_ids = [r[0] for r in rows]

    # --- stakeholders ----------------------------------------------------------------------

    def stakeholder_name(self, cat: str, region: str, town: str) -> tuple[str, str, list[str]]:
        """(name, kind, aliases) for a new stakeholder of a category."""
        rng = self.rng
        c = rng.choice
        r = rng.random()
        person = self.person
        country = c(self.countries)
        aliases: list[str] = []

        def org(name: str) -> str:
            words = [w for w in name.replace("'", " ").split() if w[0].isupper()]
            if len(words) >= 3 and rng.random() < 0.6:
                aliases.append("".join(fold_name(w)[0].upper() for w in words))
            return name

        if cat == "host_government":
            if r < 0.4:
                return "Ministry of %s" % c(_MINISTRIES), "institution", aliases
            if r < 0.8:
                return "Minister of %s %s" % (c(_MINISTRIES), person()), "individual", aliases
            return "Prefect of %s %s" % (region, person()), "individual", aliases
        if cat == "state_security_force":
            if r < 0.5:
                unit = c(("Infantry Battalion", "Gendarmerie Legion", "Police Commissariat",
                          "Military Region", "Presidential Guard Company", "Border Brigade"))
                return org("%s %s of %s" % (c(("1st", "2nd", "3rd", "4th", "5th", "7th")),
                                            unit, region)), "organization", aliases
            return "%s %s" % (c(("Colonel", "General", "Commandant", "Captain")), person()), \
                "individual", aliases
        if cat == "political_party":
            if r < 0.7:
                return org(c(("%s Party for %s" % (c(_ADJ), c(_IDEALS)),
                              "Union for %s and %s" % (c(_IDEALS), c(_IDEALS)),
                              "%s Rally of %s" % (c(_ADJ), self.host),
                              "Movement for %s in %s" % (c(_IDEALS), self.host)))), \
                    "organization", aliases
            return person(), "individual", aliases
        if cat == "opposition_coalition":
            return org(c(("Coalition for %s" % c(_IDEALS),
                          "%s Front for %s" % (c(_ADJ), c(_IDEALS)),
                          "Platform of %s Forces" % c(_ADJ)))), "coalition", aliases
        if cat == "state_institution":
            return org(c(("%s Provincial Assembly" % region, "National %s Commission" % c(_IDEALS),
                          "Office of the Ombudsman, %s" % region, "Senate Committee on %s" %
                          c(_MINISTRIES), "Mayor's Office of %s" % town))), "institution", aliases
        if cat == "electoral_body":
            return org(c(("National Electoral Authority, %s branch" % region,
                          "Electoral Commission of %s" % town))), "institution", aliases
        if cat == "judiciary":
            if r < 0.5:
                return c(("High Court of %s" % region, "Military Tribunal of %s" % region,
                          "Prosecutor's Office of %s" % town)), "institution", aliases
            return "Judge %s" % person(), "individual", aliases
        if cat == "armed_group":
            if r < 0.7:
                name = org(c(("%s Liberation Movement of %s" % (c(_ADJ), region),
                              "Forces for %s of %s" % (c(_IDEALS), town),
                              "%s Resistance of %s" % (c(_ADJ), c(_GROUPS)),
                              "Army for the %s of %s" % (c(_IDEALS), region))))
                return name, "organization", aliases
            aliases.append('"%s"' % c(("Le Lion", "Tonnerre", "Papa", "Le Docteur", "Commander",
                                       "Zed", "Pea", "Le Sage", "Faucon")))
            return "General %s" % person(), "individual", aliases
        if cat == "armed_coalition":
            return org(c(("Alliance of %s Movements" % region, "Coalition of %s Patriots" %
                          c(_ADJ), "%s Front of the %s" % (c(_ADJ), c(_GROUPS))))), "coalition", \
                aliases
        if cat == "self_defence_militia":
            return c(("%s self-defence committee" % town, "%s hunters' militia" % town,
                      "%s village guard" % c(_GROUPS))), "organization", aliases
        if cat == "criminal_network":
            return "%s %s network" % (self.surname(), c(_RESOURCES)), "organization", aliases
        if cat == "foreign_government":
            return c(("Government of %s" % country, "Embassy of %s" % country,
                      "Special Envoy of %s %s" % (country, person()))), \
                "state" if r < 0.6 else "individual", aliases
        if cat == "neighbouring_state":
            neighbour = c(self.neighbours)
            return c(("Government of %s" % neighbour, "%s border authorities" % neighbour,
                      "Ambassador of %s %s" % (neighbour, person()))), "state", aliases
        if cat == "foreign_security_contractor":
            return org("%s %s" % (self.surname(), c(("Security Solutions", "Risk Group",
                                                     "Defence Services", "Protection Ltd")))), \
                "organization", aliases
        if cat == "foreign_armed_group":
            return org("%s %s Front" % (c(self.neighbours), c(_ADJ))), "organization", aliases
        if cat == "regional_organization":
            return org(c(("%s Regional Coalition" % c(_ADJ), "Economic Community of %s States" %
                          c(_ADJ), "Regional Coalition liaison office in %s" % region))), \
                "organization", aliases
        if cat == "international_organization":
            return org(c(("International %s Organization" % c(("Migration", "Labour",
                                                               "Development", "Justice")),
                          "%s Development Bank" % c(_ADJ), "Office of the International "
                          "Facilitator, %s" % region))), "organization", aliases
        if cat == "un_entity":
            return "%s %s" % (c(("UNICEF", "UNHCR", "WFP", "OCHA", "UNDP", "OHCHR", "UN Women",
                                 "UNFPA", "FAO", "UNMAS")), c(("country office",
                                                               "office in %s" % town))), \
                "organization", aliases
        if cat == "security_council_member":
            return c(("Permanent Mission of %s to the UN" % c(self.council),
                      "Ambassador of %s to the UN %s" % (c(self.council), person()))), \
                "state", aliases
        if cat == "tcc_pcc":
            return "%s %s" % (country, c(("infantry battalion", "formed police unit",
                                          "engineering company", "helicopter unit"))), "state", \
                aliases
        if cat == "donor":
            return c(("%s Development Agency" % country, "%s Foundation" % self.surname(),
                      "Embassy of %s, cooperation section" % country)), "organization", aliases
        if cat == "group_of_friends":
            return c(("Friends of %s" % self.host, "Contact Group on %s" % region,
                      "International Support Group for %s" % self.host)), "coalition", aliases
        if cat == "religious_leader":
            return "%s %s" % (c(("Imam", "Bishop", "Pastor", "Sheikh", "Father", "Archbishop",
                                 "Reverend")), person()), "individual", aliases
        if cat == "faith_based_organization":
            return org(c(("Interfaith Platform of %s" % region, "Council of Churches of %s" %
                          region, "Islamic Council of %s" % town, "%s Catholic Justice and Peace "
                          "Commission" % town))), "organization", aliases
        if cat == "traditional_authority":
            if r < 0.6:
                return "%s %s of %s" % (c(("Chief", "Sultan", "Lamido", "Queen Mother", "Elder")),
                                        person(), town), "individual", aliases
            return "%s council of elders" % town, "community", aliases
        if cat == "civil_society":
            return org(c(("%s Human Rights League" % region, "Network for %s in %s" %
                          (c(_IDEALS), town), "%s Citizens' Observatory" % town,
                          "Association of Victims of %s" % town, "%s Lawyers' Collective" %
                          region))), "organization", aliases
        if cat == "womens_organization":
            return org(c(("%s Women's Peace Network" % region, "Association of Women for %s"
                          % c(_IDEALS), "%s Women Mediators" % town, "Mothers of %s" % town))), \
                "organization", aliases
        if cat == "youth_organization":
            return org(c(("%s Youth Council" % town, "Young Leaders for %s" % c(_IDEALS),
                          "%s Students' Union" % region))), "organization", aliases
        if cat == "private_sector":
            return c(("%s %s Company" % (self.surname(), c(("Mining", "Trading", "Transport",
                                                             "Timber", "Telecom"))),
                      "%s Chamber of Commerce" % town, "%s Traders' Association" % town)), \
                "organization", aliases
        if cat == "media":
            if r < 0.15:
                return "Journalist %s" % person(), "individual", aliases
            return c(("Radio %s" % c(_IDEALS), "%s Tribune" % town, "The %s Observer" % region,
                      "%s FM" % town)), "organization", aliases
        if cat == "community":
            return c(("%s community of %s" % (c(_GROUPS), town), "Displaced people at the %s "
                      "site" % town, "%s herders" % c(_GROUPS), "%s farmers" % town)), \
                "community", aliases
        if cat == "diaspora":
            return "%s diaspora association in %s" % (self.host, country), "community", aliases
        if cat == "international_ngo":
            return org(c(("%s Relief" % c(_IDEALS), "%s Without Borders" % c(("Mediators",
                                                                             "Lawyers",
                                                                             "Doctors")),
                          "Centre for %s Dialogue" % c(_IDEALS), "%s International" %
                          c(_IDEALS)))), "organization", aliases
        if cat == "individual_other":
            return person(), "individual", aliases
        return "%s %s committee" % (town, c(("water", "market", "transhumance", "school",
                                            "peace"))), "organization", aliases

    def stakeholders(self) -> None:
        rng = self.rng
        scope_of = {}
        for cat in ("foreign_government", "neighbouring_state", "foreign_security_contractor",
                    "foreign_armed_group", "regional_organization", "international_organization",
                    "un_entity", "security_council_member", "tcc_pcc", "donor",
                    "group_of_friends", "international_ngo", "diaspora"):
            scope_of[cat] = "intl"
        for cat in ("host_government", "political_party", "opposition_coalition",
                    "electoral_body", "private_sector"):
            scope_of[cat] = "national"
        group_of = {}
        for cat in ("host_government", "state_security_force", "state_institution",
                    "electoral_body", "judiciary"):
            group_of[cat] = "gov"
        for cat in ("political_party", "opposition_coalition"):
            group_of[cat] = "pol"
        for cat in ("armed_group", "armed_coalition", "self_defence_militia", "criminal_network",
                    "foreign_armed_group", "foreign_security_contractor"):
            group_of[cat] = "armed"
        for cat in ("foreign_government", "neighbouring_state", "regional_organization",
                    "international_organization", "un_entity", "security_council_member",
                    "tcc_pcc", "donor", "group_of_friends", "international_ngo"):
            group_of[cat] = "intl"
        self.group_of = {c.value: group_of.get(c.value, "society") for c in StakeholderCategory}
        weights = {
            "host_government": 90, "state_security_force": 150, "political_party": 120,
            "opposition_coalition": 20, "state_institution": 110, "electoral_body": 40,
            "judiciary": 50, "armed_group": 260, "armed_coalition": 25,
            "self_defence_militia": 180, "criminal_network": 60, "foreign_government": 70,
            "neighbouring_state": 25, "foreign_security_contractor": 15,
            "foreign_armed_group": 20, "regional_organization": 20,
            "international_organization": 30, "un_entity": 60, "security_council_member": 15,
            "tcc_pcc": 30, "donor": 50, "group_of_friends": 8, "religious_leader": 260,
            "faith_based_organization": 120, "traditional_authority": 420, "civil_society": 420,
            "womens_organization": 200, "youth_organization": 160, "private_sector": 150,
            "media": 130, "community": 900, "diaspora": 40, "international_ngo": 90,
            "individual_other": 250, "other": 60,
        }
        total = self.n(5000)
        cats = [c.value for c in StakeholderCategory][:total]  # every category at least once
        pick_cat = _Weighted(weights.items())
        cats += [pick_cat.pick(rng) for _ in range(total - len(cats))]

        # Clusters: a few international and national arenas, most of them local (a region).
        n_intl, n_nat, n_local = self.n(4), self.n(6), self.n(30)
        clusters = ([("intl", None)] * n_intl + [("national", self.capital)] * n_nat
                    + [("local", self.regions[1 + i % (len(self.regions) - 1)])
                       for i in range(n_local)])
        sizes = [0.5 + rng.random() * 1.5 for _ in clusters]  # uneven cluster sizes
        by_scope = {s: _Weighted((i, sizes[i]) for i, c in enumerate(clusters) if c[0] == s)
                    for s in ("intl", "national", "local")}

        stance = {
            "gov": (_Weighted((("supportive", 4), ("conditional", 4), ("ambivalent", 2),
                               ("sceptical", 1), ("champion", 1), ("unknown", 1))),
                    _Weighted((("cooperative", 4), ("conditional", 4), ("wary", 2),
                               ("neutral", 1), ("obstructive", 1), ("unknown", 1)))),
            "pol": (_Weighted((("supportive", 3), ("conditional", 3), ("ambivalent", 2),
                               ("sceptical", 2), ("opposed", 2), ("champion", 1),
                               ("unknown", 1))),
                    _Weighted((("cooperative", 3), ("conditional", 3), ("neutral", 3),
                               ("wary", 2), ("hostile_rhetoric", 1), ("unknown", 1)))),
            "armed": (_Weighted((("conditional", 3), ("ambivalent", 3), ("sceptical", 3),
                                 ("opposed", 3), ("spoiler", 2), ("supportive", 1),
                                 ("unknown", 2))),
                      _Weighted((("conditional", 3), ("wary", 3), ("obstructive", 3),
                                 ("hostile_rhetoric", 2), ("hostile_violent", 1),
                                 ("neutral", 1), ("cooperative", 1), ("unknown", 2)))),
            "intl": (_Weighted((("supportive", 6), ("champion", 2), ("conditional", 2),
                                ("ambivalent", 1), ("unknown", 1))),
                     _Weighted((("cooperative", 7), ("conditional", 2), ("neutral", 2),
                                ("wary", 1)))),
            "society": (_Weighted((("supportive", 4), ("champion", 2), ("ambivalent", 3),
                                   ("conditional", 2), ("sceptical", 2), ("opposed", 1),
                                   ("unknown", 3))),
                        _Weighted((("cooperative", 4), ("neutral", 4), ("conditional", 2),
                                   ("wary", 2), ("hostile_rhetoric", 1), ("unknown", 3)))),
        }
        perception = {
            "gov": _Weighted((("accepted", 3), ("mixed", 4), ("feared", 2), ("rejected", 1),
                              ("trusted", 1), ("unknown", 1))),
            "pol": _Weighted((("accepted", 3), ("mixed", 4), ("rejected", 2), ("trusted", 1),
                              ("unknown", 2))),
            "armed": _Weighted((("feared", 5), ("mixed", 3), ("rejected", 3), ("accepted", 1),
                                ("unknown", 2))),
            "intl": _Weighted((("accepted", 4), ("mixed", 3), ("trusted", 1), ("rejected", 1),
                               ("unknown", 3))),
            "society": _Weighted((("trusted", 4), ("accepted", 4), ("mixed", 2), ("unknown", 3),
                                  ("rejected", 1))),
        }
        influence_base = {"gov": 3.2, "pol": 2.8, "armed": 3.0, "intl": 3.1, "society": 2.2}
        owner_area = {"gov": ("pol", "gov"), "pol": ("pol",), "armed": ("armed", "local"),
                      "intl": ("intl", "pol"), "society": ("society", "local")}
        descriptions = {
            "gov": "Part of the state apparatus in %s; its cooperation conditions access.",
            "pol": "Political actor with a following in %s; a voice in the national dialogue.",
            "armed": "Armed actor present around %s; controls roads and checkpoints.",
            "intl": "International actor with leverage over the parties; active on %s.",
            "society": "Civil and community actor rooted in %s; relays local concerns.",
        }
        interests = ("Access to state posts", "Security guarantees for its members",
                     "Control of %s" % "mining revenue", "Recognition as a party to talks",
                     "Return of displaced families", "Fair share of the budget",
                     "Amnesty for past crimes", "Protection of cattle routes",
                     "Stability of the region", "Visibility for its programmes")
        grievances = ("Marginalisation of the north", "Abuses by the security forces",
                      "Unequal access to land", "Unpaid salaries", "Exclusion from the peace "
                      "talks", "Cattle theft", "Arbitrary detentions", "Hate speech against the "
                      "community")
        needs = ("Safe passage", "Civic documentation", "Funding", "Training", "Political space",
                 "Water and pasture")
        motivations = ("Power", "Revenue", "Revenge", "Survival", "Legitimacy", "Ideology",
                       "Community protection")

        rows, assessments, perceptions = [], [], []
        self.sh: list[dict] = []
        for cat in cats:
            group = self.group_of[cat]
            scope = scope_of.get(cat, "local")
            if cat in ("state_security_force", "state_institution", "judiciary") and \
                    rng.random() < 0.3:
                scope = "national"
            cluster = by_scope[scope].pick(rng)
            region = clusters[cluster][1] or rng.choice(self.regions)
            town = rng.choice(self.towns[region])
            name, kind, aliases = None, None, None

            def make(cat=cat, region=region, town=town):
                nonlocal kind, aliases
                n, kind, aliases = self.stakeholder_name(cat, region, town)
                return n
            name = self.unique(make, lambda region=region: region)
            plain = _strip_accents(name)
            if plain != name and rng.random() < 0.3:
                aliases.append(plain)  # how it is often typed
            if rng.random() < 0.05 and kind == "organization":
                aliases.append("ex-" + name.split()[-1])
            regions = [] if scope == "intl" and rng.random() < 0.5 else [region]
            if rng.random() < 0.2:
                other = rng.choice(self.regions)
                if other not in regions:
                    regions.append(other)
            sp = stance[group][0].pick(rng)
            sm = stance[group][1].pick(rng)
            perc = perception[group].pick(rng)
            influence = min(5, max(1, round(rng.gauss(influence_base[group], 1.0))))
            if kind == "community":
                influence = min(influence, 3)
            interest = min(5, max(1, round(rng.gauss(3.2, 1.1))))
            sanctioned = group == "armed" and rng.random() < 0.06 or rng.random() < 0.003
            hrddp = cat == "state_security_force" and rng.random() < 0.12
            dne = (group == "armed" and rng.random() < 0.03) or rng.random() < 0.002
            override = rng.random() < 0.02
            created = self.stamp()
            updated = self.stamp(created)
            since = None
            if rng.random() < 0.6:
                d = self.stamp(self.start, created).date()
                since = rng.choice((d.isoformat()[:4], d.isoformat()[:7], d.isoformat()))
            owner = None
            if rng.random() < 0.85 or influence >= 4:
                owner = self.member(rng.choice(owner_area[group]))["id"]
            cls_ = self.classification(*{"armed": (1, 5, 3), "gov": (4, 5, 1),
                                         "intl": (7, 3, 0.5)}.get(group, (5, 4, 1)))
            tags = sorted(rng.sample(_TAGS, rng.choice((0, 1, 1, 2, 2, 3))))
            full = rng.random() < 0.4
            row = self.common(created, updated, cls_) + (
                name, fold_name(name), _json(aliases), kind, cat, _json(regions),
                descriptions[group] % (regions[0] if regions else "the region"),
                rng.choice(_POSITIONS) if full else None,
                rng.choice(interests) if full else None,
                rng.choice(needs) if full and rng.random() < 0.5 else None,
                rng.choice(grievances) if full and rng.random() < 0.6 else None,
                rng.choice(motivations) if full else None,
                sp, sm, since, influence, interest, perc,
                "Reported by community leaders and field offices." if perc != "unknown"
                and rng.random() < 0.3 else None,
                1 if sanctioned else 0,
                "Listed under the Council's sanctions regime (asset freeze, travel ban)."
                if sanctioned else None,
                1 if hrddp else 0,
                "Unit named in credible reports of grave violations; support conditioned."
                if hrddp else None,
                1 if dne else 0,
                "Do not engage: involvement in attacks on civilians and peacekeepers."
                if dne else (rng.choice(("Meet only with a human rights officer present.",
                                         "Only in neutral venues.", "No public photographs."))
                             if rng.random() < 0.03 else None),
                rng.choice("ABCD") if override else None,
                "Overridden by the leadership team after the last review." if override else None,
                owner, _json(tags),
            )
            rows.append(row)
            sid = row[0]
            self.sh.append({"id": sid, "name": name, "cat": cat, "group": group, "kind": kind,
                            "cluster": cluster, "region": region, "town": town,
                            "influence": influence, "dne": dne, "sm": sm, "owner": owner})
            # The current stance is a cache of the latest dated assessment.
            previous = created
            for k in range(rng.choice((1, 1, 1, 2, 2, 3))):
                last = k == 0
                on = (updated if last else self.stamp(self.start, previous)).date()
                previous = datetime.combine(on, time(9))
                assessments.append(self.common(previous, None, cls_) + (
                    sid, on.isoformat(), self.member(rng.choice(owner_area[group]))["title"],
                    sp if last else stance[group][0].pick(rng),
                    sm if last else stance[group][1].pick(rng),
                    perc if last else perception[group].pick(rng),
                    rng.choice(("Periodic review by the field office.",
                                "After the latest incidents.", "New information from sources.",
                                "Following talks in the capital."))))
            if rng.random() < 0.15:
                for g in rng.sample(_GROUPS, rng.randint(1, 3)):
                    perceptions.append(self.common(self.stamp(created), None, cls_) + (
                        sid, "%s communities" % g, perception[group].pick(rng),
                        rng.choice(("Focus group discussions.", "Perception survey.",
                                    "Community alert network reports.")),
                        rng.choice(self.source_ids) if rng.random() < 0.3 else None))
        self.insert("stakeholders", (
            "name", "name_key", "aliases", "kind", "category", "regions", "description",
            "positions", "interests", "needs", "grievances", "motivations", "stance_peace",
            "stance_mission", "stance_since", "influence", "interest", "perception",
            "perception_evidence", "sanctioned", "sanctions_note", "hrddp_flag", "hrddp_note",
            "do_not_engage", "engagement_constraints", "priority_override",
            "priority_override_reason", "owner_id", "tags",
        ), rows)
        self.insert("stakeholder_assessments", (
            "stakeholder_id", "assessed_on", "assessed_by", "stance_peace", "stance_mission",
            "perception", "reason"), assessments)
        self.insert("stakeholder_perceptions", (
            "stakeholder_id", "group_name", "perception", "evidence", "source_id"), perceptions)
        self.clusters = clusters
        self.members_of: list[list[int]] = [[] for _ in clusters]
        for i, s in enumerate(self.sh):
            self.members_of[s["cluster"]].append(i)
        # Hubs: the more influential, the more links and the more meetings.
        self.cluster_pick = [
            _Weighted((i, self.sh[i]["influence"] ** 2) for i in m) if m else None
            for m in self.members_of]
        self.engage_pick = _Weighted(
            (i, s["influence"] ** 2 * (0.3 if s["kind"] == "community" else 1.0))
            for i, s in enumerate(self.sh) if not s["dne"])

    # --- the network -----------------------------------------------------------------------

    def relationship_types(self) -> dict[tuple[str, str], _Weighted]:
        base = {
            ("armed", "armed"): {"allied_with": 3, "rival_of": 3, "armed_conflict_with": 2,
                                 "affiliated_with": 2, "supports_militarily": 1, "attacks": 1,
                                 "negotiates_with": 1},
            ("gov", "armed"): {"armed_conflict_with": 2, "negotiates_with": 3, "opposes": 1,
                               "attacks": 1, "agreement_with": 1, "prosecutes": 1},
            ("armed", "gov"): {"attacks": 2, "opposes": 2, "negotiates_with": 2, "obstructs": 1,
                               "hostile_rhetoric_against": 1, "armed_conflict_with": 1},
            ("armed", "society"): {"attacks": 1, "protects": 2, "influences": 2,
                                   "hostile_rhetoric_against": 1, "funds": 1, "obstructs": 1},
            ("society", "armed"): {"supports": 1, "opposes": 2, "mediates": 2,
                                   "affiliated_with": 1, "negotiates_with": 1},
            ("gov", "gov"): {"leads": 1, "affiliated_with": 2, "supports": 2, "rival_of": 1,
                             "influences": 2, "partners_with": 1},
            ("pol", "pol"): {"allied_with": 3, "rival_of": 3, "member_of": 2, "opposes": 2,
                             "negotiates_with": 1},
            ("pol", "gov"): {"supports": 2, "opposes": 2, "negotiates_with": 1,
                             "hostile_rhetoric_against": 1, "affiliated_with": 1},
            ("gov", "pol"): {"supports": 1, "opposes": 1, "negotiates_with": 2,
                             "obstructs": 1, "influences": 1},
            ("society", "society"): {"partners_with": 3, "member_of": 2, "influences": 2,
                                     "rival_of": 1, "supports": 2, "mediates": 1},
            ("society", "gov"): {"supports": 1, "opposes": 2, "influences": 2,
                                 "hostile_rhetoric_against": 1, "negotiates_with": 1},
            ("gov", "society"): {"protects": 1, "influences": 1, "obstructs": 1, "supports": 1,
                                 "partners_with": 1},
            ("society", "pol"): {"supports": 2, "affiliated_with": 2, "opposes": 1,
                                 "influences": 1},
            ("pol", "society"): {"influences": 2, "funds": 1, "supports": 1,
                                 "hostile_rhetoric_against": 1},
            ("pol", "armed"): {"affiliated_with": 1, "supports": 1, "opposes": 2,
                               "negotiates_with": 1},
            ("armed", "pol"): {"supports": 1, "affiliated_with": 1, "opposes": 1,
                               "allied_with": 1},
        }
        intl = {"funds": 2, "supports": 2, "trains": 1, "partners_with": 2, "mediates": 1,
                "guarantor_of": 1, "sanctions": 1, "influences": 1, "supports_militarily": 0.5,
                "negotiates_with": 1}
        out = {}
        for a in ("gov", "pol", "armed", "intl", "society"):
            for b in ("gov", "pol", "armed", "intl", "society"):
                weights = dict(base.get((a, b), intl if "intl" in (a, b) else
                                        {"influences": 2, "supports": 1, "opposes": 1}))
                if a == "intl" and b == "intl":
                    weights = {"partners_with": 3, "allied_with": 1, "funds": 1,
                               "rival_of": 0.5, "influences": 1, "member_of": 1}
                out[(a, b)] = _Weighted(weights.items())
        return out

    def relationships(self) -> None:
        rng = self.rng
        types = self.relationship_types()
        by_cat = {"donor": _Weighted((("funds", 5), ("supports", 2), ("partners_with", 1))),
                  "security_council_member": _Weighted((("sanctions", 2), ("penholder_for", 1),
                                                         ("mandates", 1), ("supports", 2))),
                  "judiciary": _Weighted((("prosecutes", 3), ("opposes", 1))),
                  "regional_organization": _Weighted((("guarantor_of", 2), ("mediates", 2),
                                                       ("sanctions", 1))),
                  "foreign_security_contractor": _Weighted((("trains", 2), ("protects", 2),
                                                             ("supports_militarily", 2))),
                  "religious_leader": _Weighted((("mediates", 3), ("influences", 2))),
                  "traditional_authority": _Weighted((("mediates", 2), ("leads", 1),
                                                       ("influences", 2)))}
        valence = {t.value: RELATIONSHIP_TYPES[t].default_valence for t in RelationshipType}
        status = _Weighted((("active", 70), ("dormant", 12), ("ended", 8), ("alleged", 10)))
        confidence = _Weighted((("confirmed", 3), ("probable", 4), ("possible", 2),
                                ("doubtful", 1)))
        notes = ("Long-standing ties through marriage and trade.",
                 "Observed at joint meetings in the capital.",
                 "Link reported by several sources; not verified.",
                 "Shared command during the last offensive.",
                 "Financial flows reported by the panel of experts.",
                 "Public statements by both sides.")
        all_pick = _Weighted((i, s["influence"] ** 2) for i, s in enumerate(self.sh))
        total = self.n(20000)
        seen: set[tuple[int, int, str]] = set()
        rows = []
        attempts = 0
        while len(rows) < total and attempts < total * 20:
            attempts += 1
            a = all_pick.pick(rng)
            cluster = self.sh[a]["cluster"]
            if rng.random() < 0.85 and len(self.members_of[cluster]) > 1:
                # Within the cluster: hubs attract, with a uniform share so nobody is isolated.
                b = (self.cluster_pick[cluster].pick(rng) if rng.random() < 0.6
                     else rng.choice(self.members_of[cluster]))
            else:
                b = all_pick.pick(rng) if rng.random() < 0.5 else rng.randrange(len(self.sh))
            if a == b:
                continue
            sa, sb = self.sh[a], self.sh[b]
            if sb["kind"] == "individual" and sa["kind"] != "individual" and rng.random() < 0.7:
                a, b, sa, sb = b, a, sb, sa  # people lead or belong to organisations
            if sa["kind"] == "individual" and sb["kind"] != "individual" and rng.random() < 0.6:
                rtype = rng.choice(("leads", "member_of", "member_of", "affiliated_with"))
            elif sa["cat"] in by_cat and rng.random() < 0.6:
                rtype = by_cat[sa["cat"]].pick(rng)
            else:
                rtype = types[(sa["group"], sb["group"])].pick(rng)
            key = (a, b, rtype)
            if key in seen:
                continue
            seen.add(key)
            st = status.pick(rng)
            v = valence[rtype]
            if rng.random() < 0.1 and v != 0:
                v = max(-2, min(2, v + rng.choice((-1, 1))))
                if v == 0:
                    v = valence[rtype]
            created = self.stamp()
            valid_from = valid_to = None
            if rng.random() < 0.4 or st == "ended":
                d = self.stamp(self.start - timedelta(days=365 * 8), created).date()
                valid_from = rng.choice((d.isoformat()[:4], d.isoformat()[:7], d.isoformat()))
                if st == "ended" or rng.random() < 0.05:
                    e = self.stamp(datetime.combine(d, time(0)) + timedelta(days=200),
                                   created).date()
                    valid_to = rng.choice((e.isoformat()[:7], e.isoformat()))
                    if valid_to < valid_from[:len(valid_to)]:
                        valid_to = None
            rows.append(self.common(created, self.stamp(created),
                                    _C if rng.random() < 0.55 else rng.choice((_U, _SC))) + (
                sa["id"], sb["id"], rtype, min(5, max(1, round(rng.gauss(3, 1.1)))), v, st,
                valid_from, valid_to, confidence.pick(rng),
                rng.choice(self.source_ids) if rng.random() < 0.25 else None,
                rng.choice(notes) if rng.random() < 0.3 else None,
                rng.choice(notes) if rng.random() < 0.1 else None))
        self.insert("relationships", (
            "source_id", "target_id", "type", "strength", "valence", "status", "valid_from",
            "valid_to", "confidence", "evidence_source_id", "evidence_note", "notes"), rows)

        # The peace agreements, with the main armed and political actors as parties.
        armed = [s for s in self.sh if s["cat"] in ("armed_group", "armed_coalition")
                 and s["kind"] != "individual"]
        gov = [s for s in self.sh if s["cat"] == "host_government"]
        agreements, provisions, party_rows = [], [], []
        provision_texts = ("Cessation of hostilities across the national territory.",
                           "Cantonment of combatants within 60 days of signature.",
                           "Release of prisoners of war and political detainees.",
                           "Establishment of a joint ceasefire commission.",
                           "Return of state administration to all prefectures.",
                           "Integration of eligible combatants into the national army.",
                           "An inclusive government of national unity.",
                           "Elections within eighteen months.",
                           "A truth, justice and reconciliation commission.",
                           "Safe return of displaced people and refugees.",
                           "Sharing of natural-resource revenue with the provinces.",
                           "An amnesty law excluding grave crimes.")
        for k, (label, years_ago) in enumerate((("Comprehensive Peace Agreement", 6),
                                                ("Accord of %s" % self.capital, 3),
                                                ("Roadmap for the %s talks" % self.regions[-1],
                                                 1))[:self.n(3)]):
            parties = sorted({s["id"] for s in (gov[:1] + armed[k * 3:k * 3 + rng.randint(2, 5)])})
            signed = date(self.as_of.year - years_ago, rng.randint(1, 12), rng.randint(1, 28))
            row = self.common(self.start, self.stamp(), _U) + (
                "%s (%s)" % (label, signed.year),
                signed.isoformat() if rng.random() < 0.7 else signed.isoformat()[:7],
                "Signed by the government and armed movements under regional facilitation.")
            agreements.append(row)
            for party in parties:
                party_rows.append(self.common(self.start, None, _U) + (row[0], party))
            for j, text in enumerate(provision_texts[:self.n(rng.randint(8, 12))]):
                provisions.append(self.common(self.start, None, _U) + (
                    row[0], "Art. %d.%d" % (1 + j // 3, 1 + j % 3), text))
        self.insert("agreements", ("name", "date_signed", "summary"), agreements)
        self.insert("agreement_parties", ("agreement_id", "stakeholder_id"), party_rows)
        self.insert("agreement_provisions", ("agreement_id", "reference", "text"), provisions)
        self.provision_ids = [r[0] for r in provisions]

    # --- leadership --------------------------------------------------------------------------

    def portfolios(self) -> None:
        rng = self.rng
        spec = [("Peace process", "pol", True), ("Elections", "pol", True),
                ("Protection of civilians", "armed", True), ("DDR", "armed", True),
                ("Security sector reform", "gov", True), ("Rule of law and justice", "gov", True),
                ("Regional relations", "intl", True), ("Humanitarian coordination", "intl", False),
                ("Human rights", "society", False), ("Strategic communications", "media", False),
                ("Mission support", "none", False), ("Local conflict management", "local", True)]
        rows, assignments = [], []
        for i, (name, area, political) in enumerate(spec[:self.n(12, minimum=2)]):
            row = self.common(self.start, self.stamp(), _U) + (
                name, "Responsibility area: %s." % name.lower(), 1 if political else 0, i)
            rows.append(row)
            accountable = self.member(area)
            others = [m for m in self.active_team if m is not accountable]
            rng.shuffle(others)
            letters = ["A"] + ["R"] * rng.randint(1, 2) + ["C"] * rng.randint(1, 3) + \
                ["I"] * rng.randint(1, 3)
            for letter, m in zip(letters, [accountable] + others, strict=False):
                assignments.append(self.common(self.start, self.stamp(), _U) + (
                    row[0], None, m["id"], letter))
        # Key stakeholders: the most influential get an accountable and a responsible leader.
        key = sorted(range(len(self.sh)), key=lambda i: (-self.sh[i]["influence"], i))
        for i in key[:self.n(60)]:
            s = self.sh[i]
            a = self.team[0] if s["influence"] == 5 and rng.random() < 0.4 else \
                self.member({"armed": "armed", "intl": "intl", "gov": "pol", "pol": "pol"}
                            .get(s["group"], "society"))
            r = self.member("local" if s["group"] in ("armed", "society") else "pol")
            for letter, m in (("A", a), ("R", r)):
                assignments.append(self.common(self.stamp(), None, _C) + (
                    None, s["id"], m["id"], letter))
        self.insert("portfolios", ("name", "description", "political", "sort_order"), rows)
        self.insert("assignments", ("portfolio_id", "stakeholder_id", "team_member_id", "raci"),
                    assignments)

    # --- drivers -----------------------------------------------------------------------------

    def drivers(self) -> None:
        rng = self.rng
        kinds = _Weighted((("conflict_driver", 5), ("peace_driver", 2), ("divider", 2),
                           ("connector", 2), ("trigger", 1)))
        domains = ("governance", "security", "resources", "land", "identity", "justice",
                   "regional", "information", "humanitarian", "climate", "gender", "economy")
        names = {
            "conflict_driver": ("Competition over %(res)s in %(region)s",
                                "Exclusion of the %(group)s from %(inst)s",
                                "Proliferation of small arms around %(town)s",
                                "Impunity for abuses in %(region)s",
                                "Drought and pressure on pasture in %(region)s"),
            "peace_driver": ("Interfaith mediation in %(region)s",
                             "Women's peace networks in %(town)s",
                             "Regional guarantee of the agreement",
                             "Elders' councils resolving disputes in %(region)s"),
            "divider": ("Hate speech on local radio in %(town)s",
                        "Rumours of ethnic favouritism in %(inst)s",
                        "Disputed land titles in %(region)s"),
            "connector": ("Shared market of %(town)s", "Joint water management in %(region)s",
                          "Football tournaments for youth in %(town)s"),
            "trigger": ("Disputed local election in %(town)s",
                        "Arrest of a %(group)s leader", "Seasonal transhumance through %(town)s"),
        }
        insts = ("the army", "the civil service", "the electoral lists", "the peace talks",
                 "the mining cadastre")
        roles = {"conflict_driver": (("drives", 4), ("benefits", 2), ("affected", 2),
                                     ("mitigates", 1)),
                 "peace_driver": (("mitigates", 4), ("drives", 2), ("benefits", 1),
                                  ("affected", 1))}
        rows, links, assessments = [], [], []
        for _ in range(self.n(300)):
            kind = kinds.pick(rng)
            cluster = rng.randrange(len(self.clusters))
            while not self.members_of[cluster]:
                cluster = rng.randrange(len(self.clusters))
            region = self.clusters[cluster][1] or rng.choice(self.regions)
            name = self.unique(lambda kind=kind, region=region: rng.choice(names[kind]) % {
                "res": rng.choice(_RESOURCES), "region": region,
                "town": rng.choice(self.towns[region]), "group": rng.choice(_GROUPS),
                "inst": rng.choice(insts)}, lambda: str(rng.randint(2, 9)))
            trend = rng.choice(("worsening", "worsening", "stable", "stable", "improving",
                                "unknown"))
            severity = rng.randint(1, 5)
            created = self.stamp()
            row = self.common(created, self.stamp(created),
                              self.classification(3, 5, 1)) + (
                name, "How %s shapes the conflict locally." % name[0].lower() + name[1:],
                kind, rng.choice(("structural", "proximate", "immediate")),
                rng.choice(domains), _json([region]), trend, severity,
                rng.choice(("short term (0-6 months)", "medium term (6-24 months)",
                            "long term (2+ years)")),
                rng.choice(("Good offices with the provincial authorities.",
                            "Quick-impact projects and community violence reduction.",
                            "Radio programmes and rumour response.",
                            "Force posture and early-warning patrols.",
                            "Support to local mediation.")))
            rows.append(row)
            role_pick = _Weighted(roles.get(kind, (("drives", 2), ("benefits", 2),
                                                   ("mitigates", 2), ("affected", 2))))
            members = self.members_of[cluster]
            chosen = rng.sample(members, min(len(members), rng.randint(3, 6)))
            for i in chosen:
                links.append(self.common(created, None, row[8]) + (
                    row[0], self.sh[i]["id"], role_pick.pick(rng), None))
            on = created
            for _k in range(rng.randint(2, 4)):
                on = self.stamp(on, min(self.cap, on + timedelta(days=240)))
                assessments.append(self.common(on, None, row[8]) + (
                    row[0], on.date().isoformat(), self.member("armed")["title"],
                    rng.choice(("worsening", "stable", "improving", "unknown")),
                    rng.randint(1, 5), "Quarterly conflict analysis review."))
        self.insert("drivers", (
            "name", "description", "kind", "level", "domain", "regions", "trend", "severity",
            "time_horizon", "mission_levers"), rows)
        self.insert("driver_stakeholders", ("driver_id", "stakeholder_id", "role", "note"), links)
        self.insert("driver_assessments", (
            "driver_id", "assessed_on", "assessed_by", "trend", "severity", "note"), assessments)
        self.driver_ids = [r[0] for r in rows]

    # --- the mandate -------------------------------------------------------------------------

    def mandate(self) -> None:
        rng = self.rng
        year = self.mandate_adopted.year
        penholder = self.council[0] if self.council else "the pen-holder"
        mandate = self.common(datetime.combine(self.mandate_adopted, time(10)), None, _U) + (
            "S/RES/%d (%d)" % (2700 + rng.randint(0, 90), year), self.mandate_adopted.isoformat(),
            self.mandate_expiry.isoformat(), penholder,
            "Renews the mission for one year with protection of civilians and support to the "
            "peace process as strategic priorities.")
        self.insert("mandates", ("resolution", "adopted_on", "expires_on", "penholder",
                                 "summary"), [mandate])
        mid = mandate[0]
        pillars = ("Protection of civilians", "Support to the peace process", "Elections",
                   "DDR and security sector reform", "Human rights", "Rule of law",
                   "Humanitarian access")
        tasks = []
        for i in range(self.n(20)):
            pillar = pillars[i % len(pillars)]
            tasks.append(self.common(datetime.combine(self.mandate_adopted, time(11)), None, _U) + (
                mid, "%d(%s)" % (30 + i // 4, "abcd"[i % 4]),
                "Support the authorities and the parties on %s, in line with the agreement." %
                pillar.lower(), pillar, 1 if i < 8 else 0))
        self.insert("mandate_tasks", ("mandate_id", "paragraph", "text", "pillar", "priority"),
                    tasks)
        statements = (
            "Ceasefire violations stay below ten per month for three consecutive months",
            "The posts of the government of national reconciliation are filled",
            "Voter registration exceeds 70% of the eligible population in every province",
            "The national police secure the main supply routes without escort",
            "The splinter movements re-engage in the agreement's mechanisms",
            "Prefects are present and working in every prefecture",
            "Courts sit regularly in all provincial capitals",
            "Combatants registered for DDR exceed 60% of the agreed list",
            "Displaced families return to their villages of origin in safety",
            "Humanitarian access incidents fall below five per month",
            "Hate speech on national radio is sanctioned by the media regulator",
            "The budget of the peace process is funded for the year",
            "Women hold at least 30% of seats in the peace mechanisms",
            "The regional coalition's monitors are deployed in the border areas",
            "Local peace committees function in every province",
        )
        status = ("not_started", "off_track", "at_risk", "on_track", "partially_met", "met")
        bench, links, assessments, indicators, measurements = [], [], [], [], []
        for i in range(self.n(15)):
            b = self.common(datetime.combine(self.mandate_adopted, time(12)), self.stamp(),
                            _U if i % 3 else _C) + (
                mid, statements[i % len(statements)], pillars[i % len(pillars)],
                rng.choice(("Government", "Government and armed movements", "All parties",
                            "National police", "Electoral authority")),
                rng.choice(status), rng.choice(self.objective_ids), i)
            bench.append(b)
            for t in rng.sample(tasks, min(len(tasks), rng.randint(1, 3))):
                links.append(self.common(datetime.combine(self.mandate_adopted, time(12)), None,
                                         _U) + (b[0], t[0]))
            for q in range(8, 0, -1):
                on = self.as_of - timedelta(days=91 * q - rng.randint(0, 10))
                st = b[13] if q == 1 else rng.choice(status)
                assessments.append(self.common(datetime.combine(on, time(15)), None, _C) + (
                    b[0], on.isoformat(), "Strategic Planning Unit", st,
                    "Quarterly review of progress against the benchmark."))
            for _j in range(rng.randint(1, 3)):
                direction = rng.choice(("increase", "decrease", "maintain"))
                baseline = float(rng.randint(10, 60))
                target = baseline * {"increase": 1.8, "decrease": 0.3, "maintain": 1.0}[direction]
                ind = self.common(datetime.combine(self.mandate_adopted, time(13)), None, _U) + (
                    b[0], rng.choice(("Number of incidents", "Share of posts filled",
                                      "Registered voters", "Patrols without escort",
                                      "Functioning committees")) + " (%s)" % pillars[i % 7],
                    baseline, round(target, 1), direction,
                    rng.choice(("incidents", "%", "people", "patrols", "committees")),
                    rng.choice(("JMAC incident database", "Government statistics",
                                "Field office reporting")))
                indicators.append(ind)
                value = baseline
                for m in range(24, 0, -1):
                    value = max(0.0, value + rng.gauss((target - baseline) / 30, baseline / 15))
                    on = self.as_of - timedelta(days=30 * m)
                    measurements.append(self.common(datetime.combine(on, time(16)), None, _U) + (
                        ind[0], on.isoformat(), round(value, 1), None))
        self.insert("benchmarks", ("mandate_id", "statement", "pillar", "responsible_parties",
                                   "status", "objective_id", "sort_order"), bench)
        self.insert("benchmark_tasks", ("benchmark_id", "task_id"), links)
        self.insert("benchmark_assessments", ("benchmark_id", "assessed_on", "assessed_by",
                                              "status", "note"), assessments)
        self.insert("indicators", ("benchmark_id", "name", "baseline", "target", "direction",
                                   "unit", "data_source"), indicators)
        self.insert("measurements", ("indicator_id", "measured_on", "value", "note"),
                    measurements)
        self.benchmark_ids = [b[0] for b in bench]

        counterparts = (("group_of_friends", "Friends of %s" % self.host),
                        ("penholder", "Permanent Mission of %s" % penholder),
                        ("tcc_pcc", "Troop- and police-contributing countries"),
                        ("host_government", "Ministry of Foreign Affairs"),
                        ("regional_organization", "Regional Coalition secretariat"),
                        ("civil_society", "Civil society platform of %s" % self.capital))
        rows = []
        for i in range(self.n(20)):
            kind, name = counterparts[i % len(counterparts)]
            on = self.as_of - timedelta(days=rng.randint(1, 365))
            rows.append(self.common(datetime.combine(on, time(17)), None, _C) + (
                on.isoformat(), kind, name, self.member("pol")["id"],
                _json(sorted(rng.sample(_TAGS, rng.randint(1, 3)))),
                "Consultation ahead of the mandate renewal.",
                "Keep the protection of civilians as a priority; tie drawdown to benchmarks."
                if rng.random() < 0.7 else None))
        self.insert("consultations", ("held_on", "counterpart_type", "counterpart_name",
                                      "lead_id", "topics", "summary", "inputs_for_mandate"), rows)

        rows = []
        events = []
        renewal = self.mandate_expiry - timedelta(days=365 * 2)
        while len(events) < self.n(30):
            for offset, kind, title in ((-120, "sg_report_due", "Secretary-General's report due"),
                                        (-105, "council_briefing", "Security Council briefing"),
                                        (-30, "tcc_meeting", "Meeting with troop contributors"),
                                        (-1, "council_briefing", "Council consultations"),
                                        (0, "renewal", "Mandate renewal")):
                events.append((renewal + timedelta(days=offset), kind, title))
            for offset in (60, 180, 300):
                events.append((renewal + timedelta(days=offset), "sg_report_due",
                               "Secretary-General's report due"))
            renewal += timedelta(days=365)
        for due, kind, title in sorted(events)[:self.n(30)]:
            rows.append(self.common(min(self.cap, datetime.combine(due, time(8)) -
                                        timedelta(days=200)), None, _U) + (
                kind, due.isoformat(), title, mid, int(due < self.as_of), None))
        self.insert("cycle_events", ("kind", "due_on", "title", "mandate_id", "done", "notes"),
                    rows)

    # --- communications ----------------------------------------------------------------------

    def communications(self) -> None:
        rng = self.rng
        titles = ("Explain the mission's protection mandate and its limits",
                  "Make the peace agreement's benefits visible in the provinces",
                  "Counter disinformation around the mandate renewal",
                  "Support a peaceful electoral climate",
                  "Give women and youth a voice in the peace process",
                  "Promote the return of displaced people",
                  "Inform communities about DDR and reintegration",
                  "Strengthen trust with the host authorities",
                  "Keep mission personnel informed and on message",
                  "Brief troop contributors and donors on results")
        objectives = []
        for i in range(self.n(10)):
            objectives.append(self.common(self.start, self.stamp(), _U) + (
                titles[i % len(titles)], "Communications objective for the year.",
                1 if i % len(titles) == 8 else 0,
                self.objective_ids[i % len(self.objective_ids)], i))
        self.insert("comms_objectives", ("title", "description", "internal", "objective_id",
                                          "sort_order"), objectives)
        objective_ids = [o[0] for o in objectives]

        audience_cats = {
            "host_government": ("host_government",), "national_security_forces":
            ("state_security_force",), "armed_group_leaders": ("armed_group", "armed_coalition"),
            "armed_group_rank_and_file": ("armed_group", "self_defence_militia"),
            "political_parties": ("political_party", "opposition_coalition"),
            "religious_traditional_leaders": ("religious_leader", "traditional_authority",
                                              "faith_based_organization"),
            "civil_society": ("civil_society", "womens_organization", "youth_organization"),
            "communities": ("community",), "displaced_people": ("community",),
            "national_media": ("media",), "diaspora": ("diaspora",),
            "regional_actors": ("neighbouring_state", "regional_organization"),
            "security_council": ("security_council_member",), "tcc_pcc": ("tcc_pcc",),
            "donors": ("donor",), "un_country_team": ("un_entity",), "mission_personnel": (),
        }
        audiences, links = [], []
        for code in list(AudienceCode)[:self.n(17)]:
            row = self.common(self.start, None, _U) + (
                code.value, code.value.replace("_", " ").capitalize(),
                "Audience of the communications strategy.")
            audiences.append(row)
            cats = audience_cats[code.value]
            pool = [s for s in self.sh if s["cat"] in cats]
            for s in rng.sample(pool, min(len(pool), 40)):
                links.append(self.common(self.start, None, _U) + (row[0], s["id"]))
        self.insert("audiences", ("code", "name", "description"), audiences)
        self.insert("audience_stakeholders", ("audience_id", "stakeholder_id"), links)

        messages = (
            ("core", "The mission is here to protect civilians and support the peace agreement.",
             "La mission est là pour protéger les civils et appuyer l'accord de paix."),
            ("core", "Peace is built by all: every community has a place at the table.",
             "La paix se construit ensemble : chaque communauté a sa place à la table."),
            ("can_do", "Peacekeepers patrol the main roads and respond to alerts.",
             "Les Casques bleus patrouillent sur les grands axes et répondent aux alertes."),
            ("can_do", "The mission supports the authorities in organising the elections.",
             "La mission appuie les autorités dans l'organisation des élections."),
            ("cannot_do", "The mission cannot be present in every village at all times.",
             "La mission ne peut pas être présente dans chaque village à tout moment."),
            ("cannot_do", "The mission does not replace the national army or police.",
             "La mission ne remplace ni l'armée ni la police nationales."),
            ("core", "Hate speech kills; report it, do not share it.",
             "Les discours de haine tuent : signalez-les, ne les partagez pas."),
            ("can_do", "Former combatants can register for reintegration programmes.",
             "Les ex-combattants peuvent s'inscrire aux programmes de réintégration."),
        )
        kms, texts = [], []
        for i in range(self.n(60)):
            kind, en, fr = messages[i % len(messages)]
            created = self.stamp()
            row = self.common(created, None, _U) + (
                rng.choice(objective_ids), rng.choice(audiences)[0], MessageKind(kind).value,
                1 if rng.random() < 0.7 else 0)
            kms.append(row)
            for lang, text in (("en", en), ("fr", fr)):
                texts.append(self.common(created, None, _U) + (row[0], lang, text))
        self.insert("key_messages", ("objective_id", "audience_id", "kind", "approved"), kms)
        self.insert("key_message_texts", ("key_message_id", "language", "text"), texts)

        rows = []
        for _ in range(self.n(40)):
            planned = self.as_of + timedelta(days=rng.randint(-365, 365))
            if planned < self.as_of:
                status = rng.choice(("achieved", "communicated", "communicated", "delayed",
                                     "cancelled"))
            else:
                status = rng.choice(("planned", "planned", "on_track", "delayed"))
            done = status in ("achieved", "communicated")
            rows.append(self.common(self.stamp(self.start, min(
                self.cap, datetime.combine(planned, time(9)))), None, _U) + (
                rng.choice(objective_ids), rng.choice((
                    "Launch of the radio campaign in %s", "Handover of the bridge at %s",
                    "Opening of the courthouse in %s", "Peace caravan through %s",
                    "Town hall with youth leaders in %s")) % rng.choice(self.all_towns),
                planned.isoformat(), status,
                "Delivered as planned; covered by national radio." if done else None,
                (planned + timedelta(days=rng.randint(0, 10))).isoformat() if done else None))
        self.insert("comms_milestones", ("objective_id", "title", "planned_on", "status",
                                         "achievement", "achieved_on"), rows)

        rows = []
        languages = ("fr", "en", "ar", "sg", "ha", "ff")
        for i in range(self.n(100)):
            mtype = rng.choice(("radio", "radio", "community_radio", "community_radio",
                                "television", "print", "online", "social_media", "news_agency"))
            name = self.unique(lambda mtype=mtype: {
                "radio": "Radio %s" % rng.choice(_IDEALS),
                "community_radio": "Radio communautaire de %s" % rng.choice(self.all_towns),
                "television": "%s TV" % rng.choice(_ADJ),
                "print": "Le %s de %s" % (rng.choice(("Journal", "Courrier", "Messager",
                                                       "Citoyen")), rng.choice(self.regions)),
                "online": "%s Info" % rng.choice(self.all_towns),
                "social_media": "%s Actu (Facebook page)" % rng.choice(self.all_towns),
                "news_agency": "%s Press Agency" % self.host}[mtype], lambda i=i: str(i + 1))
            alignment = rng.choice(("pro_government", "opposition", "armed_group",
                                    "independent", "independent", "unknown"))
            rows.append(self.common(self.stamp(), None, _U if rng.random() < 0.6 else _C) + (
                name, mtype, rng.choice(("state", "private", "party", "community", "religious",
                                         "international", "un", "unknown")),
                self.person() if rng.random() < 0.4 else None, alignment,
                _json(sorted(rng.sample(languages, rng.randint(1, 3)))),
                rng.choice(("National", rng.choice(self.regions), self.capital)),
                rng.choice(("low", "medium", "high")), rng.choice(("low", "medium", "high")),
                rng.choice(("partner", "good", "neutral", "neutral", "strained", "hostile")),
                "Spread false claims about the mission in the past year." if
                alignment in ("armed_group", "opposition") and rng.random() < 0.5 else None,
                None))
        self.insert("media_outlets", (
            "name", "media_type", "ownership", "owner_name", "alignment", "languages",
            "coverage", "reach", "trust", "relationship", "misinformation_record", "notes"), rows)
        outlets = [r[0] for r in rows]

        contents = ("Peacekeepers are said to be arming the %s militias.",
                    "The mission is said to be leaving %s before the elections.",
                    "Vaccination teams in %s are said to be spreading disease.",
                    "The mission is said to be smuggling gold out of %s.",
                    "A massacre in %s is said to have been covered up by peacekeepers.",
                    "Foreign fighters are said to be hiding in the camps around %s.")
        rows = []
        for _ in range(self.n(500)):
            on = self.as_of - timedelta(days=rng.randint(0, 730))
            channel = rng.choice(("word_of_mouth", "radio", "social_media", "social_media",
                                  "messaging_app", "print", "television", "public_speech"))
            age = (self.as_of - on).days
            status = (rng.choice(("new", "monitoring", "responding")) if age < 30 else
                      rng.choice(("responded", "debunked", "closed", "monitoring")))
            region = rng.choice(self.regions)
            template = rng.choice(contents)
            content = template % rng.choice(_GROUPS if "arming" in template else
                                            self.towns[region])
            rows.append(self.common(datetime.combine(on, time(rng.randint(6, 20))), None,
                                    _U if rng.random() < 0.5 else _C) + (
                on.isoformat(), content, channel,
                rng.choice(outlets) if channel in ("radio", "print", "television") else None,
                _json([region]), rng.choice(("low", "medium", "high")),
                rng.choice(("low", "medium", "medium", "high")),
                "Spokesperson's statement and radio programme." if status in
                ("responded", "debunked") else None, status))
        self.insert("rumours", ("reported_on", "content", "channel", "outlet_id", "regions",
                                "reach", "risk", "response", "status"), rows)

    # --- engagements -------------------------------------------------------------------------

    def engagements(self) -> None:
        rng = self.rng
        rand = rng.random
        choice = rng.choice
        randint = rng.randint
        total = self.n(200000)
        first_day = self.as_of - timedelta(days=3 * 365)
        # Weekdays carry most meetings; the days are drawn first and sorted, so rowids are
        # chronological like a real log.
        day_pick = _Weighted((d, 1.0 if (first_day + timedelta(days=d)).weekday() < 5 else 0.25)
                             for d in range(3 * 365))
        days = sorted(day_pick.pick(rng) for _ in range(total))
        fmt = _Weighted((("bilateral", 40), ("group", 12), ("forum", 4), ("phone_video", 18),
                         ("field_visit", 10), ("public_event", 3), ("informal", 10),
                         ("correspondence", 3)))
        atmosphere = {
            "good": _Weighted((("cordial", 4), ("constructive", 5), ("businesslike", 3),
                               ("tense", 1))),
            "mixed": _Weighted((("constructive", 3), ("businesslike", 4), ("tense", 2),
                                ("cordial", 1))),
            "bad": _Weighted((("businesslike", 3), ("tense", 4), ("hostile", 2),
                              ("constructive", 1))),
        }
        mood = {"cooperative": "good", "neutral": "good", "conditional": "mixed",
                "wary": "mixed", "unknown": "mixed", "obstructive": "bad",
                "hostile_rhetoric": "bad", "hostile_violent": "bad"}
        durations = (30, 45, 60, 60, 60, 90, 90, 120, 180, 240)
        political_cats = {"gov", "pol", "armed", "intl"}
        sh = self.sh
        team = self.active_team
        members_of = self.members_of
        engage_pick = self.engage_pick
        lead_pick = self.lead_pick
        by_owner = {m["id"]: m for m in team}
        objective_ids, driver_ids, bench_ids = self.objective_ids, self.driver_ids, \
            self.benchmark_ids
        eng_cols = ("starts_at", "duration_minutes", "format", "level", "location", "title",
                    "purpose", "key_messages_delivered", "counterpart_positions", "outcomes",
                    "atmosphere", "political", "risks_to_interlocutors")
        # What the commitments step needs to know about each engagement.
        self.eng_ids: list[str] = []
        self.eng_end: list[datetime] = []
        self.eng_lead: list[str] = []
        self.eng_cp: list[int] = []  # first counterpart
        self.eng_cls: list[str] = []

        for lo in range(0, total, _CHUNK):
            engs, parts, cps, e_obj, e_drv, e_bm = [], [], [], [], [], []
            for k in range(lo, min(total, lo + _CHUNK)):
                starts = datetime.combine(first_day + timedelta(days=days[k]), time(0)) + \
                    timedelta(minutes=15 * randint(28, 72))
                duration = choice(durations)
                form = fmt.pick(rng)
                first = engage_pick.pick(rng)
                s = sh[first]
                n_cp = 1 if form in ("bilateral", "phone_video", "correspondence") and \
                    rand() < 0.8 else choice((1, 2, 2, 3, 3))
                counterparts = [first]
                pool = members_of[s["cluster"]]
                for _ in range(n_cp - 1):
                    other = choice(pool)
                    if other not in counterparts and not sh[other]["dne"]:
                        counterparts.append(other)
                # The stakeholder's owner leads most meetings with it.
                owner = by_owner.get(s["owner"])
                lead = owner if owner is not None and rand() < 0.55 else lead_pick.pick(rng)
                participants = [lead]
                for _ in range(choice((0, 0, 0, 1, 1, 2))):
                    other = choice(team)
                    if other not in participants:
                        participants.append(other)
                group = s["group"]
                political = group in political_cats or rand() < 0.25
                if s["cat"] == "host_government" and lead["role"] == "SRSG" and rand() < 0.3:
                    level = "head_of_state"
                elif group == "gov" or group == "intl":
                    level = choice(("ministerial", "senior", "senior", "working"))
                elif s["kind"] == "community":
                    level = "community"
                else:
                    level = choice(("senior", "working", "working", "community"))
                name = s["name"]
                town = s["town"]
                if form == "bilateral":
                    title = "Meeting with " + name
                    location = choice(("Mission HQ, " + self.capital, town, "Counterpart's office, "
                                       + town))
                elif form == "group":
                    title = "Meeting with %s and others" % name if len(counterparts) > 1 \
                        else "Group meeting with " + name
                    location = town
                elif form == "forum":
                    title = "Forum on %s in %s" % (choice(_TOPICS), town)
                    location = town
                elif form == "phone_video":
                    title = "Call with " + name
                    location = choice(("Phone", "Video call"))
                elif form == "field_visit":
                    title = "Field visit to %s: %s" % (town, name)
                    location = town
                elif form == "public_event":
                    title = "Public event in %s with %s" % (town, name)
                    location = town
                elif form == "informal":
                    title = "Informal exchange with " + name
                    location = choice((town, None))
                else:
                    title = "Letter to " + name
                    location = None
                cls_ = _C if rand() < 0.7 else (_SC if s["group"] == "armed" or rand() < 0.5
                                                 else _U)
                end = starts + timedelta(minutes=duration)
                created = min(self.cap, end + timedelta(minutes=randint(10, 2880)))
                c = _dt(created)
                eid = self.uid()
                engs.append((eid, c, self.author, c, self.author, 1, self.origin, None, cls_,
                             _dt(starts), duration, form, level, location, title,
                             "%s %s." % (choice(_PURPOSE_VERBS), choice(_TOPICS)),
                             choice(_KEY_MESSAGES) if rand() < 0.5 else None,
                             choice(_POSITIONS) if rand() < 0.4 else None,
                             choice(_OUTCOMES) if rand() < 0.65 else None,
                             atmosphere[mood[s["sm"]]].pick(rng) if rand() < 0.85 else None,
                             1 if political else 0,
                             choice(_RISKS) if group in ("armed", "society") and rand() < 0.05
                             else None))
                for j, m in enumerate(participants):
                    parts.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                  None, cls_, eid, m["id"], 1 if j == 0 else 0))
                for i in counterparts:
                    cps.append((self.uid(), c, self.author, c, self.author, 1, self.origin, None,
                                cls_, eid, sh[i]["id"], _dt(starts)))
                if rand() < 0.25:
                    e_obj.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                  None, cls_, eid, choice(objective_ids)))
                if rand() < 0.06:
                    e_drv.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                  None, cls_, eid, choice(driver_ids)))
                if rand() < 0.04:
                    e_bm.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                 None, cls_, eid, choice(bench_ids)))
                self.eng_ids.append(eid)
                self.eng_end.append(end)
                self.eng_lead.append(lead["id"])
                self.eng_cp.append(first)
                self.eng_cls.append(cls_)
            self.insert("engagements", eng_cols, engs)
            self.insert("engagement_participants", ("engagement_id", "team_member_id",
                                                    "is_lead"), parts)
            self.insert("engagement_counterparts", ("engagement_id", "stakeholder_id",
                                                    "starts_at"), cps)
            self.insert("engagement_objectives", ("engagement_id", "objective_id"), e_obj)
            self.insert("engagement_drivers", ("engagement_id", "driver_id"), e_drv)
            self.insert("engagement_benchmarks", ("engagement_id", "benchmark_id"), e_bm)

    # --- commitments -------------------------------------------------------------------------

    def commitments(self) -> None:
        rng = self.rng
        rand = rng.random
        choice = rng.choice
        randint = rng.randint
        as_of = self.as_of
        total = self.n(100000)
        n_eng = len(self.eng_ids)
        sh = self.sh
        by_party = ("withdraw its fighters from %s", "allow humanitarian convoys through %s",
                    "share the list of combatants eligible for DDR",
                    "release the detainees held in %s",
                    "attend the next round of talks in " + self.capital,
                    "stop inflammatory broadcasts about the displaced in %s",
                    "nominate representatives to the ceasefire commission",
                    "reopen the market road to %s", "investigate the incident in %s",
                    "publish the voter-registration calendar", "vacate the school occupied in %s",
                    "hand over children associated with armed groups in %s",
                    "restore the prefect's office in %s", "meet the local peace committee of %s")
        by_mission = ("Provide air transport for the delegation from %s",
                      "Deploy a temporary operating base near %s",
                      "Share the incident analysis for %s with the counterpart",
                      "Facilitate a meeting with the provincial authorities of %s",
                      "Raise the situation in %s in the next Council briefing",
                      "Fund a quick-impact project in %s",
                      "Organise a workshop on local mediation in %s",
                      "Increase night patrols around %s")
        ctype = _Weighted((("political", 5), ("security", 4), ("humanitarian", 2),
                           ("logistical", 2), ("information", 2), ("follow_up", 3)))
        past = _Weighted((("fulfilled", 50), ("partially_fulfilled", 12), ("overdue", 15),
                          ("breached", 8), ("withdrawn", 5), ("in_progress", 6), ("open", 4)))
        future = _Weighted((("open", 50), ("in_progress", 38), ("fulfilled", 8),
                            ("partially_fulfilled", 2), ("withdrawn", 2)))
        undated = _Weighted((("open", 40), ("in_progress", 30), ("fulfilled", 15),
                             ("breached", 5), ("withdrawn", 5), ("partially_fulfilled", 5)))
        cols = ("text", "by_mission", "committed_by_id", "owner_id", "commitment_type",
                "due_date", "status", "verification", "evidence", "provision_id",
                "objective_id")
        team_ids = [m["id"] for m in self.active_team]
        provisions = self.provision_ids
        objectives = self.objective_ids
        for lo in range(0, total, _CHUNK):
            rows, links = [], []
            for _ in range(lo, min(total, lo + _CHUNK)):
                linked = n_eng and rand() < 0.65
                if linked:
                    # Recent meetings produce more of the open follow-ups.
                    e = min(n_eng - 1, int(n_eng * (1.0 - rand() ** 2.5)))
                    created = min(self.cap, self.eng_end[e] + timedelta(minutes=randint(30, 4000)))
                    party = self.eng_cp[e]
                    owner = self.eng_lead[e]
                    cls_ = self.eng_cls[e]
                    due = created.date() + timedelta(days=randint(7, 120))
                else:
                    due = as_of + timedelta(days=int(rng.gauss(0, 150)))
                    created = self.stamp(self.start, min(self.cap, datetime.combine(
                        due, time(9)) - timedelta(days=randint(5, 90))))
                    if created < self.start:
                        created = self.start
                    party = self.engage_pick.pick(rng)
                    owner = choice(team_ids)
                    cls_ = _C if rand() < 0.6 else choice((_U, _SC))
                if rand() < 0.1:
                    due = None  # conditions-based: no date
                mission = rand() < 0.3
                town = sh[party]["town"]
                if mission:
                    text = choice(by_mission)
                    text = text % town if "%s" in text else text
                    committed_by = None
                else:
                    text = choice(by_party)
                    text = "%s: %s" % (sh[party]["name"], text % town if "%s" in text else text)
                    committed_by = sh[party]["id"]
                if due is None:
                    status = undated.pick(rng)
                elif due < as_of:
                    status = past.pick(rng)
                else:
                    status = future.pick(rng)
                closed = status in ("fulfilled", "partially_fulfilled", "breached")
                updated = created
                if status != "open":
                    limit = min(self.cap, datetime.combine(due, time(18)) if due and
                                due < as_of else self.cap)
                    if limit > created:
                        updated = self.stamp(created, limit)
                row = self.common(created, updated, cls_) + (
                    text, 1 if mission else 0, committed_by, owner, ctype.pick(rng),
                    due.isoformat() if due else None, status,
                    choice(("Confirmed by a field office visit.", "Confirmed by the counterpart "
                            "in writing.", "Observed by a patrol.", "Reported by a partner "
                            "agency.")) if closed else None,
                    "See SRC-%03d report." % randint(1, 80) if closed and rand() < 0.4 else None,
                    choice(provisions) if provisions and rand() < 0.05 else None,
                    choice(objectives) if rand() < 0.3 else None)
                rows.append(row)
                if linked:
                    c = row[1]
                    links.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                  None, cls_, row[0], self.eng_ids[e]))
                    if rand() < 0.08 and e > 0:
                        # A follow-up meeting on the same matter.
                        links.append((self.uid(), c, self.author, c, self.author, 1, self.origin,
                                      None, cls_, row[0], self.eng_ids[e - 1]))
            self.insert("commitments", cols, rows)
            self.insert("commitment_engagements", ("commitment_id", "engagement_id"), links)


def build_large(connection: Connection, as_of: date, author: str, origin: str, *,
                scale: float = 1.0) -> dict[str, int]:
    """Write the large benchmark mission into the caller's open transaction.

    Same `as_of` (and `scale`), same ids and content. `scale` multiplies every count
    (at least 1 of each, 10 team members; tests use 0.01). Neither begins nor commits.
    The connection's page cache is raised while building (an encrypted build takes 2.5x
    longer without it) and put back afterwards. Returns rows inserted per table.
    """
    raw = connection.connection.driver_connection
    cursor = raw.cursor()
    previous_cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute("PRAGMA cache_size = %d" % -_BUILD_CACHE_KIB)
    try:
        return _Builder(connection, as_of, author, origin, scale).build()
    finally:
        cursor.execute("PRAGMA cache_size = %d" % int(previous_cache))
