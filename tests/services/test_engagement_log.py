"""The engagement log read a page at a time by seeking (no row skipped or repeated, in every
order, ties on the same start), the text filter through the FTS5 index (accents, prefixes,
typed syntax, both ways of reading it), counts exact or honest, the mission's clock
(local time in and out, local days in the period filter), and migration 0004 on older
files."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest

from missiondesk.services import clock
from missiondesk.services import engagements as eng
from missiondesk.services.engagements import EngagementFilter
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.schema import Stakeholder, TeamMember
from tests.conftest import FIXTURES, PASSPHRASE


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Reader")
    yield handle
    handle.close()


@pytest.fixture
def lagos(tmp_path):
    """A mission one hour ahead of UTC all year (Africa/Lagos: no summer time)."""
    handle = create_mission(tmp_path / "lagos.mdesk", None,
                            NewMission(name="Lagos", time_zone="Africa/Lagos"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        member = TeamMember(name="Ana Lead", role="OTHER")
        person = Stakeholder(name="Aïcha Moussa", name_key="aicha moussa")
        uow.add(member)
        uow.add(person)
        uow.session.flush()
        ids = member.id, person.id
    yield handle, ids[0], ids[1]
    handle.close()


def _add(handle, lead, starts_at, title, **more):
    with handle.unit_of_work() as uow:
        return eng.create_engagement(uow, starts_at=starts_at, duration_minutes=60,
                                     title=title, format="bilateral", lead_id=lead, **more)


def _walk(handle, flt=None, *, sort="starts_at", descending=True, limit=7):
    rows, after, pages = [], None, 0
    while True:
        page = eng.log_page(handle, flt, sort=sort, descending=descending, after=after,
                            limit=limit)
        rows.extend(page.rows)
        pages += 1
        assert pages <= 200, "the log never ends: a page repeats"
        if page.next is None:
            return rows, pages
        after = page.next


def _key(sort, row):
    value = getattr(row, sort)
    if isinstance(value, str) and sort in ("title", "location"):
        value = value.lower()
    return value


# --- keyset paging -------------------------------------------------------------------------


@pytest.mark.parametrize("sort", eng.SORTS)
@pytest.mark.parametrize("descending", [True, False])
def test_every_order_pages_without_skipping_or_repeating(demo, sort, descending):
    rows, pages = _walk(demo, sort=sort, descending=descending)
    ids = [r.id for r in rows]
    assert len(ids) == 174 == len(set(ids)) and pages >= 174 // 7
    filled = [r for r in rows if _key(sort, r) is not None]
    blanks = rows[len(filled):]
    assert all(_key(sort, r) is None for r in blanks)  # blanks last, either way
    keys = [(_key(sort, r), r.starts_at, r.id) for r in filled] if sort != "starts_at" \
        else [(r.starts_at, r.id) for r in filled]
    assert keys == sorted(keys, reverse=descending)
    assert [(r.starts_at, r.id) for r in blanks] == sorted(
        [(r.starts_at, r.id) for r in blanks], reverse=descending)
    # the same rows in the same order as one page of everything, and as offsets
    assert ids == [r.id for r in eng.log_page(demo, sort=sort, descending=descending,
                                              limit=500).rows]
    assert ids[40:47] == [r.id for r in eng.page_engagements(
        demo, sort=sort, descending=descending, offset=40, limit=7)]


def test_ties_on_the_same_start_split_across_pages(lagos):
    handle, lead, _person = lagos
    same = datetime(2025, 3, 4, 9, 0)
    made = [_add(handle, lead, same, "Meeting %d" % i).id for i in range(9)]
    made.append(_add(handle, lead, datetime(2025, 3, 5, 9, 0), "Later").id)
    made.append(_add(handle, lead, datetime(2025, 3, 3, 9, 0), "Earlier").id)
    for descending in (True, False):
        rows, pages = _walk(handle, descending=descending, limit=2)
        assert sorted(r.id for r in rows) == sorted(made) and pages == 6
        tied = [r.id for r in rows if r.starts_at == same]
        assert tied == sorted(tied, reverse=descending)
    by_format, _ = _walk(handle, sort="format", limit=3)   # one key for all: start, then id
    assert [r.id for r in by_format] == [r.id for r in rows][::-1]


def test_a_row_added_between_pages_neither_shifts_nor_repeats(lagos):
    handle, lead, _person = lagos
    for day in range(1, 11):
        _add(handle, lead, datetime(2025, 3, day, 9, 0), "Day %d" % day)
    first = eng.log_page(handle, limit=4)
    _add(handle, lead, datetime(2025, 3, 31, 9, 0), "Newest, added while scrolling")
    second = eng.log_page(handle, after=first.next, limit=4)
    assert [r.title for r in first.rows + second.rows] == [
        "Day %d" % d for d in range(10, 2, -1)]


def test_a_cursor_of_another_order_is_refused(demo):
    page = eng.log_page(demo, limit=5)
    with pytest.raises(ValueError):
        eng.log_page(demo, sort="title", after=page.next)
    with pytest.raises(ValueError):
        eng.log_page(demo, sort="lead_name")


# --- the text filter -------------------------------------------------------------------------


def test_text_filter_ignores_accents_and_case_and_takes_prefixes(lagos):
    handle, lead, person = lagos
    met = _add(handle, lead, datetime(2025, 3, 4, 8), "Meeting with Aïcha Moussa",
               counterpart_ids=[person], outcomes="A local ceasefire was agreed").id
    _add(handle, lead, datetime(2025, 3, 5, 8), "Market road", outcomes="Cease-fire talk")
    for typed in ("aicha", "AÏCHA", "aïch", "moussa aic", "ceasef", "CEASEFIRE", "agreed local",
                  "Meeting with Aïcha Moussa"):
        assert [r.id for r in eng.log_page(handle, EngagementFilter(text=typed)).rows] == [met], \
            typed
    assert len(eng.log_page(handle, EngagementFilter(text="cease")).rows) == 2
    # a last word of one or two letters is a whole word, not a prefix of everything
    assert eng.log_page(handle, EngagementFilter(text="ai")).rows == []
    # what FTS5 would read as syntax is only text
    for typed in ('"', "aicha*", "aicha AND", "NEAR(", "-moussa", "^aicha", "(*)"):
        rows = eng.log_page(handle, EngagementFilter(text=typed)).rows
        assert len(rows) <= 1, typed
    assert eng.count_engagements(handle, EngagementFilter(text="nowhere")) == 0
    assert len(eng.log_page(handle, EngagementFilter(text="   ")).rows) == 2  # no filter


def test_text_filter_reads_the_same_whether_driven_or_walked(demo, monkeypatch):
    flt = EngagementFilter(text="ceasefire")
    driven, _ = _walk(demo, flt)
    monkeypatch.setattr(eng, "DRIVE_AT_MOST", 0)  # walk the start index, keep the matches
    walked, _ = _walk(demo, flt)
    assert driven and [r.id for r in driven] == [r.id for r in walked]
    by_title, _ = _walk(demo, flt, sort="title", descending=False)
    assert sorted(r.id for r in by_title) == sorted(r.id for r in driven)
    member = driven[0].lead_id
    monkeypatch.setattr(eng, "DRIVE_AT_MOST", 2000)
    few, _ = _walk(demo, EngagementFilter(member_id=member))
    monkeypatch.setattr(eng, "DRIVE_AT_MOST", 0)
    assert [r.id for r in few] == [r.id for r in _walk(demo, EngagementFilter(
        member_id=member))[0]]
    assert all(r.lead_id == member or r.id for r in few)


# --- counts ----------------------------------------------------------------------------------


def test_counts_are_exact_where_cheap_and_honest_elsewhere(demo, monkeypatch):
    assert eng.log_count(demo) == (174, True)
    bilateral = eng.count_engagements(demo, EngagementFilter(format="bilateral"))
    assert eng.log_count(demo, EngagementFilter(format="bilateral")) == (bilateral, True)
    word = EngagementFilter(text="ceasefire")
    n = eng.count_engagements(demo, word)
    assert eng.log_count(demo, word) == (n, True)       # under the cap: exact
    assert eng.log_count(demo, word, at_most=n - 1) == (n - 1, False)  # "more than n-1"
    both = EngagementFilter(format="bilateral", political=True)
    exact = eng.count_engagements(demo, both)
    monkeypatch.setattr(eng, "PAGE_COUNT", exact - 1)
    assert eng.log_count(demo, both) == (exact - 1, False)


# --- one clock -------------------------------------------------------------------------------


def test_the_clock_converts_both_ways():
    bangui = clock.zone("Africa/Bangui")
    assert clock.from_local(datetime(2025, 3, 4, 9, 0), bangui) == datetime(2025, 3, 4, 8, 0)
    assert clock.to_local(datetime(2025, 3, 4, 8, 0), bangui) == datetime(2025, 3, 4, 9, 0)
    assert clock.zone("Not/AZone") == clock.zone("UTC")
    paris = clock.zone("Europe/Paris")  # summer time moves the offset
    assert clock.from_local(datetime(2025, 7, 1, 9, 0), paris) == datetime(2025, 7, 1, 7, 0)
    assert clock.local_day_start(date(2025, 3, 4), bangui) == datetime(2025, 3, 3, 23, 0)


def test_period_filter_uses_the_missions_local_days(lagos):
    handle, lead, _person = lagos
    tz = clock.mission_zone(handle)
    late = _add(handle, lead, clock.from_local(datetime(2025, 3, 4, 23, 30), tz), "Late")
    early = _add(handle, lead, clock.from_local(datetime(2025, 3, 5, 0, 30), tz), "Early")
    assert late.starts_at == datetime(2025, 3, 4, 22, 30)
    assert early.starts_at == datetime(2025, 3, 4, 23, 30)   # the 4th in UTC, the 5th here
    day4 = eng.log_page(handle, EngagementFilter(since=date(2025, 3, 4),
                                                 until=date(2025, 3, 4))).rows
    assert [r.title for r in day4] == ["Late"]
    day5 = eng.log_page(handle, EngagementFilter(since=date(2025, 3, 5))).rows
    assert [r.title for r in day5] == ["Early"]


# --- migration 0004 --------------------------------------------------------------------------

LOG_INDEXES = {"ix_engagements_live_start", "ix_engagements_live_title",
               "ix_engagements_live_location", "ix_engagements_live_format",
               "ix_commitment_engagements_live", "ix_engagement_participants_member_live"}


def _indexes(handle) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}


def test_a_schema_1_file_upgrades_and_keeps_its_log(tmp_path):
    from missiondesk.store.engine import connect

    path = tmp_path / "schema1.mdesk"
    shutil.copyfile(FIXTURES / "carana-schema1.mdesk", path)
    conn = connect(path, "schema one fixture")
    try:
        before = sorted(r[0] for r in conn.execute(
            "SELECT id FROM engagements WHERE deleted_at IS NULL"))
    finally:
        conn.close()
    handle = open_mission(path, "schema one fixture")
    try:
        assert LOG_INDEXES <= _indexes(handle)
        rows, _ = _walk(handle, limit=50)
        assert sorted(r.id for r in rows) == before and len(before) > 100
        by_title, _ = _walk(handle, sort="title", limit=50)
        assert sorted(r.id for r in by_title) == before
    finally:
        handle.close()


def test_a_0003_file_upgrades_to_the_log_indexes(tmp_path):
    from alembic import command

    from missiondesk.store.migrate import HEAD_REVISION, alembic_config, stored_revision

    path = tmp_path / "at3.mdesk"
    handle = create_mission(path, None, NewMission(name="Three"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        member = TeamMember(name="Ana Lead", role="OTHER")
        uow.add(member)
        uow.session.flush()
        lead = member.id
    made = sorted(_add(handle, lead, datetime(2025, 1, d, 9), "Day %d" % d).id
                  for d in range(1, 6))
    with handle.session() as session:
        cfg = alembic_config()
        cfg.attributes["connection"] = session.connection()
        command.downgrade(cfg, "0003")
        session.commit()
    assert not LOG_INDEXES & _indexes(handle)
    handle.close()
    handle = open_mission(path, None)
    try:
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION  # upgraded past 0004 to head
        assert LOG_INDEXES <= _indexes(handle)
        assert sorted(r.id for r in _walk(handle, limit=2)[0]) == made
    finally:
        handle.close()
