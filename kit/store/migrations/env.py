"""Alembic environment: the store passes its open connection in ``config.attributes``.

Running on the caller's connection (inside its transaction) lets ``Store.open`` take
SQLite's write lock before checking the schema version, so that kernels opening a fresh
database at the same moment upgrade it once, one after the other.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when run from the alembic CLI
    raise RuntimeError("Run migrations through kit.store.Store.open or kit.store.migrate.")

context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
