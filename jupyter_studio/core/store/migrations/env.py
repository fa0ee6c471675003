"""Alembic environment: the store hands in its own connection."""

from alembic import context

from jupyter_studio.core.store.metadata import load_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used through Store.upgrade()
    raise RuntimeError("Run migrations through jupyter_studio.core.store.Store.upgrade()")

context.configure(
    connection=connection,
    target_metadata=load_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
