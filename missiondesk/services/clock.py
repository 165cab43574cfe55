"""One clock for the mission: times are stored as naive UTC and shown and typed in the
mission's local time (`Mission.time_zone`, an IANA name read with zoneinfo).

Every desk that shows or takes a stored time goes through these functions, so a meeting
typed at 09:00 in Bangui is 09:00 in the log, the detail and the editor, and 08:00 in the
file. No Qt here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from missiondesk.store.handle import MissionHandle
from missiondesk.store.schema import Mission


def zone(name: str | None) -> ZoneInfo:
    """The zone of an IANA name; UTC for a blank or unknown one (a file from a newer
    tz database opened on an older one still opens)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def mission_zone(handle: MissionHandle) -> ZoneInfo:
    """The mission's time zone (UTC when the file names none)."""
    with handle.session() as session:
        return zone(session.scalars(select(Mission.time_zone)).first())


def to_local(stored: datetime, tz: ZoneInfo) -> datetime:
    """A stored time (naive UTC, or aware) as the mission's naive local wall-clock time."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=UTC)
    return stored.astimezone(tz).replace(tzinfo=None)


def from_local(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall-clock time typed in the mission as the naive UTC it is stored as
    (an aware datetime is converted as it is). Seconds are dropped."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=tz)
    return local.astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    """The naive UTC instant the local day `day` begins."""
    return from_local(datetime.combine(day, time()), tz)


def local_day_end(day: date, tz: ZoneInfo) -> datetime:
    """The naive UTC instant the local day `day` ends (the next day's start, exclusive)."""
    return local_day_start(day + timedelta(days=1), tz)


def local_today(tz: ZoneInfo, now: datetime | None = None) -> date:
    """Today's date in the mission."""
    now = now or datetime.now(UTC)
    return to_local(now, tz).date()
