"""A full disk while saving: the edit is refused with a typed error, the file stays sound."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from missiondesk.services.mission import mission_summary
from missiondesk.store import errors
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Stakeholder


def test_disk_full_refuses_the_edit_and_keeps_the_file_consistent(plain_mission):
    with plain_mission.driver_connection() as conn:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])

    def cap(dbapi_conn, _record, _proxy):
        # SQLite's own limit gives the real SQLITE_FULL error a full disk gives.
        dbapi_conn.execute("PRAGMA max_page_count = %d" % (pages + 2))

    event.listen(plain_mission.engine, "checkout", cap)
    heard = []
    plain_mission.add_listener(heard.append)
    before = mission_summary(plain_mission).counts
    with pytest.raises(errors.StorageFull):
        with plain_mission.unit_of_work() as uow:
            for i in range(200):
                uow.add(Stakeholder(name="Big %d" % i, name_key="big %d" % i,
                                    description="x" * 4000))
    event.remove(plain_mission.engine, "checkout", cap)
    assert heard == []
    assert mission_summary(plain_mission).counts == before
    path = plain_mission.path
    plain_mission.close()
    reopened = open_mission(path)
    with reopened.driver_connection() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened.close()
