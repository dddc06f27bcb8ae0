"""Run the store's Alembic migrations programmatically, on a connection the store holds.

There is no ``alembic.ini``: the script location is this package's ``migrations`` folder, so
the migrations ship inside the wheel and run wherever the kit is installed.

Opening a store that is already up to date only reads ``alembic_version``: Alembic itself
(a third of a second to import) is loaded only when there is something to upgrade, which
keeps every Voilà kernel's first page quicker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
#: the newest migration; ``test_migrations`` checks it against the scripts
HEAD = "0003"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration among the scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at (``None`` for an empty database)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database behind ``connection`` inside the caller's transaction."""
    if revision == "head" and current_revision(connection) == HEAD:
        return
    from alembic import command

    command.upgrade(alembic_config(connection), revision)
