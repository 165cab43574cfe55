"""Issue 9, defect 9 (second half): everywhere in the Audit Trail a record shows its kind and
its name in words, never a table name or an id. Every table of the schema that can reach the
change log has a name rule (services.audit.NAME_RULES) and a kind in words
(labels.record_kind_label); link rows are named by what they link; a deleted record keeps
its last known name; a purged one reads "(purged)"."""

from __future__ import annotations

import re

import pytest

from missiondesk.labels import record_kind_label, record_text
from missiondesk.services import audit, drivers, relationships, stakeholders
from missiondesk.store.schema import MODELS, TABLES_IN_ORDER

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The log itself is the one table that never appears in it.
LOGGED = [t for t in TABLES_IN_ORDER if t != "change_log"]


def _raw(text: str) -> list[str]:
    """The table names or ids a text shows (nothing, when it reads in words)."""
    found = UUID.findall(text)
    found += [t for t in MODELS if re.search(r"\b%s\b" % re.escape(t), text)
              and "_" in t]
    return found


@pytest.mark.parametrize("table", LOGGED)
def test_every_table_has_a_kind_and_a_name_rule_in_words(table):
    kind = record_kind_label(table)
    assert kind != record_kind_label("no_such_table"), "%s has no kind in words" % table
    assert not _raw(kind) and "_" not in kind and kind != table

    rule = audit.NAME_RULES[table]
    columns = MODELS[table].__table__.columns
    named = [*rule.own, *(c for slot in rule.links for c, _t in slot),
             *([rule.code] if rule.code else [])]
    assert all(c in columns for c in named), "%s names a column it lacks" % table
    assert all(target in MODELS for slot in rule.links for _c, target in slot)
    assert named or table == "key_messages"  # named by its first text, not by itself

    # how an entry of this table reads, whatever it holds
    ends = tuple("End %d" % i for i in range(len(rule.links)))
    for name in (audit.RecordName(text="Own words", linked=ends, code=None),
                 audit.RecordName(text=None, linked=(None,) * len(ends)),
                 None):
        text = record_text(table, name)
        assert text and not _raw(text), "%s reads %r" % (table, text)
        assert all(end in text for end in (ends if name and name.linked == ends else ()))


def test_entries_name_records_and_links_in_words(plain_mission):
    with plain_mission.unit_of_work() as uow:
        ruz = stakeholders.create_stakeholder(uow, name="Colonel Ruz", category="armed_group")
        council = stakeholders.create_stakeholder(uow, name="Harbour Council",
                                                  category="community")
    with plain_mission.unit_of_work() as uow:
        link = relationships.create_relationship(uow, source_id=ruz.id,
                                                 target_id=council.id, type="supports")
        land = drivers.create_driver(uow, name="Land disputes", kind="conflict_driver",
                                     level="structural", domain="land")
        drivers.link_stakeholder(uow, land.id, ruz.id, "drives")
    with plain_mission.unit_of_work() as uow:
        stakeholders.delete_stakeholder(uow, council.id, expected_revision=council.revision)

    entries = audit.change_log(plain_mission, limit=100).entries
    read = {(record_kind_label(e.table), record_text(e.table, e.record_name))
            for e in entries}
    assert ("Relationship", "Colonel Ruz \u2192 Harbour Council (Supports)") in read
    assert ("Driver link", "Land disputes \u2194 Colonel Ruz (Drives)") in read
    assert ("Stakeholder", "Harbour Council") in read   # deleted: its last known name
    assert ("Driver", "Land disputes") in read
    for e in entries:
        shown = " ".join((record_kind_label(e.table), record_text(e.table, e.record_name)))
        assert not _raw(shown), shown
    # the history a desk shows names the record the same way
    [created] = audit.history(plain_mission, "relationships", link.id)
    assert record_text("relationships", created.record_name) == \
        "Colonel Ruz \u2192 Harbour Council (Supports)"


def test_a_purged_record_reads_purged_never_its_id(plain_mission):
    from missiondesk.services.redaction import purge

    with plain_mission.unit_of_work() as uow:
        view = stakeholders.create_stakeholder(uow, name="Ilsabet Marrowgate",
                                               category="other")
    with plain_mission.unit_of_work() as uow:
        stakeholders.delete_stakeholder(uow, view.id, expected_revision=view.revision)
    with plain_mission.unit_of_work() as uow:
        purge(uow, "stakeholders", view.id)
    entries = audit.history(plain_mission, "stakeholders", view.id)
    assert entries and all(record_text(e.table, e.record_name) == "(purged)"
                           for e in entries)
