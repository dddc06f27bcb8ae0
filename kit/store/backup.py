"""A consistent copy of the kit's database while the apps keep writing (``bts-kit backup``).

Copying the SQLite file with ``cp`` during a workshop can catch a half-written page or miss the
write-ahead log beside it. SQLite's online backup API (``sqlite3.Connection.backup``) copies the
pages inside one read transaction instead: the copy is the database as it was at one instant,
and the kernels that save meanwhile are not stopped (WAL lets them write while it reads).

PostgreSQL has its own tool for this, ``pg_dump``, which also takes a consistent snapshot; the
kit does not reimplement it but says the exact command for the configured database, without
the password (``pg_dump`` reads it from ``PGPASSWORD`` or ``~/.pgpass``).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from kit.errors import KitInputError


class UsePgDump(KitInputError):
    """The database is PostgreSQL: the message holds the ``pg_dump`` command to run instead."""

    def __init__(self, command: str) -> None:
        self.command = command
        super().__init__(
            "The kit's database is PostgreSQL: take a consistent backup with pg_dump, which "
            "reads the password from PGPASSWORD or ~/.pgpass:\n  " + command
        )


@dataclass(frozen=True)
class BackupResult:
    """What was copied, for the one line ``bts-kit backup`` prints."""

    source: Path
    target: Path
    pages: int


def pg_dump_command(url: str, target: str | Path) -> str:
    """The ``pg_dump`` command line that backs up the PostgreSQL database at ``url``.

    The password is left out of the command on purpose: a command line is visible to every
    user of the machine and ends up in shell history.
    """
    parsed = make_url(url)
    address = URL.create(  # built afresh: URL.set(password=None) keeps the password
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
    )
    return shlex.join(
        [
            "pg_dump",
            "--format=custom",
            f"--file={target}",
            f"--dbname={address.render_as_string(hide_password=False)}",
        ]
    )


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise KitInputError(
            "This SQLite database lives in memory or behind a file: URI; there is no file to back up."
        )
    path = Path(database).expanduser()
    if not path.exists():
        raise KitInputError(f"There is no database at {path}, so there is nothing to back up.")
    return path


def backup(url: str, target: str | Path) -> BackupResult:
    """Copy the database at ``url`` to the SQLite file ``target``, consistently, while it is used.

    The copy is written beside ``target`` under a temporary name and renamed only after SQLite's
    integrity check passes, so an interrupted backup never leaves a file that looks complete.
    An existing ``target`` is not overwritten. PostgreSQL raises ``UsePgDump``.
    """
    try:
        backend = make_url(url).get_backend_name()
    except Exception:
        raise KitInputError(f"'{url}' is not a database address.") from None
    target = Path(target).expanduser()
    if backend == "postgresql":
        raise UsePgDump(pg_dump_command(url, target))
    if backend != "sqlite":
        raise KitInputError(f"The kit backs up SQLite databases, not '{backend}'.")
    source = _sqlite_path(url)
    if target.exists():
        raise KitInputError(f"{target} already exists; choose a new file name for the backup.")
    if target.resolve() == source.resolve():
        raise KitInputError("The backup must go to another file than the database itself.")
    if not target.parent.is_dir():
        raise KitInputError(f"There is no folder {target.parent} to write the backup into.")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    # the busy timeout lets the copy wait for a writer's commit rather than fail on it
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30.0)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1 (the default): every page in one step, so one read transaction sees
            # one state of the database even while other processes keep committing
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise KitInputError(f"Could not back up {source}: {error}.") from None
    finally:
        src.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise KitInputError(f"The copy of {source} failed SQLite's integrity check: {result}.")
    partial.replace(target)
    return BackupResult(source=source, target=target, pages=pages)
