"""Alembic environment: always runs on the connection the app opened (keyed, pragmas set)."""

from alembic import context

from missiondesk.store.migrate import finish_migration
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
    # SQLite does run DDL inside a transaction (the engine emits BEGIN itself): the whole
    # upgrade, version stamp included, commits at once or not at all.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
    # In the same transaction: a crash before the commit leaves the file as it was.
    finish_migration(connection)
