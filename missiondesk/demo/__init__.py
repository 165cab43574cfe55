"""`missiondesk demo`: the Carana demo mission, or the large benchmark mission."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from missiondesk.store.handle import MissionHandle, NewMission, create_mission

DEMO_AUTHOR = "MissionDesk demo"
#: The origin recorded on demo rows, fixed so the same --as-of date gives identical files.
DEMO_ORIGIN = "00000000-0000-4000-8000-00000000de70"


def write_demo(path: str | Path, passphrase: str | None, *, large: bool = False,
               as_of: date | None = None) -> MissionHandle:
    """Write the demo mission to a new file and return it open (dates relative to as_of;
    by default today, in the Carana mission's time zone for its demo: the desks count days
    from the mission's today, which is already tomorrow in Nairobi late in a UTC evening)."""
    if as_of is None:
        if large:
            as_of = date.today()
        else:
            from missiondesk.demo.carana import mission_today

            as_of = mission_today()

    def populate(session, _device):
        if large:
            from missiondesk.demo.large import build_large

            build_large(session.connection(), as_of, DEMO_AUTHOR, DEMO_ORIGIN)
        else:
            from missiondesk.demo.carana import build_carana

            build_carana(session, as_of, DEMO_AUTHOR, DEMO_ORIGIN)

    handle = create_mission(path, passphrase, NewMission(name="demo"), populate=populate,
                            author=DEMO_AUTHOR)
    with handle.driver_connection() as conn:
        conn.execute("ANALYZE")  # statistics, so the planner never prefers the tombstone index
    return handle
