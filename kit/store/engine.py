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
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from kit.errors import KitInputError

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy timeout alone queues the writers
    fcntl = None  # type: ignore[assignment]

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
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise KitInputError(
                f"Could not open the database at {database}: cannot create the folder "
                f"{folder} ({error.strerror})."
            ) from None
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


class WriterQueue:
    """Queue SQLite writers from every process on a lock file beside the database.

    SQLite's own busy handler makes a waiting writer sleep and retry with growing pauses (up
    to 100 ms), so a few kernels saving at once spend most of their time asleep. Taking an
    advisory ``flock`` first lets writers follow each other within a millisecond. The lock is
    only a courtesy: if it cannot be had (no ``fcntl`` on Windows, a read-only folder, a
    holder stuck longer than the busy timeout), the transaction goes ahead and SQLite's own
    locking still keeps it safe.
    """

    def __init__(self, database: str | None) -> None:
        self._path = Path(f"{database}-writers.lock") if database else None
        self._thread_lock = threading.Lock()
        self._file: Any = None

    def _handle(self) -> Any:
        if self._file is None and self._path is not None and fcntl is not None:
            try:
                self._file = open(self._path, "a+b")  # noqa: SIM115 - kept open for the store's life
            except OSError:
                self._path = None
        return self._file

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            handle = self._handle()
            acquired = False
            if handle is not None:
                deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
                while True:
                    try:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                        acquired = True
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            break
                        time.sleep(0.0005)
                    except OSError:
                        break
            try:
                yield
            finally:
                if acquired:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def sqlite_file(engine: Engine) -> str | None:
    """The database file behind a SQLite engine (None for memory or other databases)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return str(Path(database).expanduser().resolve())
