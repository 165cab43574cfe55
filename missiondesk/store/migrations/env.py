"""Alembic environment: always runs on the connection the app opened (keyed, pragmas set)."""

from alembic import context

from missiondesk.store.schema import Base
from missiondesk.store.search_index import include_name

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("MissionDesk migrations run only on a connection the app provides")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
