"""Engines for the two databases the kit runs on, tuned for many small Voilà kernels.

SQLite is the default: one file that many kernels (processes) open at once. WAL lets readers
carry on while one writer writes, the busy timeout makes a second writer wait instead of
failing, and ``BEGIN IMMEDIATE`` takes the write lock at the start of a write transaction so
that two writers queue up front rather than one failing half-way with "database is locked".

PostgreSQL serves hosted collaboratives. Every Voilà kernel holds its own pool, and the
server allows 100 connections by default, so the pool is kept tiny.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from kit.errors import KitInputError

#: how long a SQLite writer waits for another writer before giving up
SQLITE_BUSY_TIMEOUT_S = 30.0
#: execution option naming how a SQLite transaction begins
BEGIN_MODE = "kit_sqlite_begin"


def default_database_url() -> str:
    """``KIT_DATABASE_URL`` if set, else a SQLite file in the user's data directory."""
    url = os.environ.get("KIT_DATABASE_URL", "").strip()
    if url:
        return url
    import platformdirs

    folder = Path(platformdirs.user_data_dir("bts-kit"))
    return f"sqlite:///{folder / 'kit.sqlite3'}"


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the settings described in the module docstring."""
    try:
        parsed = make_url(url)
    except Exception:
        raise KitInputError(
            f"'{url}' is not a database address; use sqlite:///path/to/file.db or "
            "postgresql+psycopg://user:password@host/database."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=2, max_overflow=2, pool_pre_ping=True)
    raise KitInputError(f"The kit works with SQLite or PostgreSQL databases, not '{backend}'.")


def _sqlite_engine(parsed: Any) -> Engine:
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy, not the sqlite3 module, decide when transactions begin
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine
