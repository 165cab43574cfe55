"""Saved map positions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta  # noqa: F401

# --- saved positions ------------------------------------------------------------------------


def saved_positions(handle) -> dict[str, tuple[float, float, bool]]:
    """Stakeholder id -> (x, y, pinned) of every saved map position."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT stakeholder_id, x, y, pinned FROM map_positions WHERE deleted_at IS NULL"
        ).fetchall()
    return {sid: (float(x), float(y), bool(p)) for sid, x, y, p in rows}


def _position_rows(uow, ids: list[str]) -> dict:
    from sqlalchemy import select

    from missiondesk.store.schema import MapPosition

    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in uow.session.scalars(
                select(MapPosition).where(MapPosition.stakeholder_id.in_(chunk))
                .execution_options(include_deleted=True)):
            found[row.stakeholder_id] = row
    return found


def save_positions(uow, positions: dict[str, tuple[float, float, bool]]
                   ) -> dict[str, tuple[float, float, bool] | None]:
    """Upsert map positions; returns the previous values (None: there was none) for undo."""
    from missiondesk.store.schema import MapPosition, new_id

    ids = list(positions)
    rows = _position_rows(uow, ids)
    previous: dict[str, tuple[float, float, bool] | None] = {}
    for sid in ids:
        x, y, pin = positions[sid]
        x, y, pin = float(x), float(y), bool(pin)
        row = rows.get(sid)
        if row is None:
            previous[sid] = None
            uow.add(MapPosition(id=new_id(), stakeholder_id=sid, x=x, y=y, pinned=pin,
                                revision=1))
            continue
        previous[sid] = None if row.deleted_at is not None else (row.x, row.y, bool(row.pinned))
        if row.deleted_at is not None:
            row.deleted_at = None
        if row.x != x:
            row.x = x
        if row.y != y:
            row.y = y
        if bool(row.pinned) != pin:
            row.pinned = pin
    uow.session.flush()
    return previous


#: The change-log action of a stakeholder the user dragged on the map (labels: "moved on
#: the map"). Saved positions themselves are never logged (store.handle.UNLOGGED_TABLES).
MOVED = "moved"


def record_moves(uow, stakeholder_ids: Iterable[str]) -> list[str]:
    """One change-log entry per stakeholder the user dragged, action "moved", recorded against
    the stakeholder (so its history shows it); ids given twice count once, ids that are not
    live stakeholders are skipped. Returns the ids recorded, in the order given. Call it in
    the unit of work that saves the drag's positions."""
    from sqlalchemy import select

    from missiondesk.store.schema import Stakeholder

    wanted = list(dict.fromkeys(stakeholder_ids))
    live: set[str] = set()
    for start in range(0, len(wanted), 500):
        live.update(uow.session.scalars(select(Stakeholder.id).where(
            Stakeholder.id.in_(wanted[start:start + 500]))))
    recorded = [sid for sid in wanted if sid in live]
    for sid in recorded:
        uow.log_event("stakeholders", sid, MOVED)
    return recorded


def delete_positions(uow, ids: Iterable[str]) -> None:
    """Forget the saved positions of these stakeholders (undo of a first placement)."""
    from missiondesk.store.handle import utcnow

    rows = _position_rows(uow, list(ids))
    now = utcnow()
    for row in rows.values():
        if row.deleted_at is None:
            row.deleted_at = now
    uow.session.flush()


# --- reach paths ----------------------------------------------------------------------------
