"""Store fixtures: a fresh database per test, on SQLite and (when available) PostgreSQL.

PostgreSQL runs when ``KIT_TEST_POSTGRES_URL`` names a database the tests may create schemas
in; each test gets its own schema, dropped afterwards. Without the variable the PostgreSQL
half is skipped on a laptop, and fails under CI (``CI`` set), because CI must prove both.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from kit.qi import Aim, Collaborative, DriverDiagram, Measure, Team
from kit.store import Actor, Store
from kit.store.schema import metadata

POSTGRES_ENV = "KIT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_base_url() -> str:
    """The test server's URL, or skip (fail under CI) when there is none."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        message = (
            f"{POSTGRES_ENV} is not set, so the PostgreSQL store tests cannot run. Start "
            "PostgreSQL and export e.g. "
            f"{POSTGRES_ENV}=postgresql+psycopg://kit:kit@127.0.0.1/kit_test (.ci/run does)."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections live in a schema of their own, dropped after the test."""
    base = postgres_base_url()
    schema = f"kit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        message = f"PostgreSQL at {POSTGRES_ENV} is not reachable: {error.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # no fsync per commit: these databases are thrown away, and the suite must stay fast
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    url = make_url(base).update_query_dict({"options": options})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kit.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend (for tests of opening and migrating)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def empty_sqlite(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An empty SQLite database at the newest migration, to copy instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    Store.open(f"sqlite:///{path}").close()
    return path.read_bytes()


@pytest.fixture(scope="session")
def shared_postgres() -> Iterator[str]:
    """One migrated PostgreSQL schema for the session; ``store`` empties it per test."""
    base = postgres_base_url()
    schema = f"kit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    url = make_url(base).update_query_dict({"options": options}).render_as_string(False)
    Store.open(url).close()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on each backend: a new SQLite file, or the emptied PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "kit.sqlite3"
        path.write_bytes(request.getfixturevalue("empty_sqlite"))
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("shared_postgres")
    with Store.open(url) as opened:
        if request.param != "sqlite":
            with opened.engine.begin() as conn:
                tables = ", ".join(t.name for t in metadata.sorted_tables)
                conn.execute(sa.text(f"TRUNCATE {tables}"))
        yield opened


@pytest.fixture
def sqlite_store(sqlite_url: str, empty_sqlite: bytes) -> Iterator[Store]:
    """An empty store in the SQLite file at ``sqlite_url``."""
    Path(make_url(sqlite_url).database or "").write_bytes(empty_sqlite)
    with Store.open(sqlite_url) as opened:
        yield opened


SYSTEM = Actor.system()


@dataclass
class World:
    """A small collaborative: two teams, each with an aim, and the shared material."""

    store: Store
    collaborative: Collaborative
    north: Team
    south: Team
    shared_measure: Measure
    north_measure: Measure
    change_package: DriverDiagram
    north_aim: Aim
    south_aim: Aim

    @property
    def facilitator(self) -> Actor:
        return Actor.facilitator("Fay", collaborative_id=self.collaborative.id)

    @property
    def north_member(self) -> Actor:
        return Actor.participant(self.north.id, "Ana")

    @property
    def south_member(self) -> Actor:
        return Actor.participant(self.south.id, "Sol")


def build_world(store: Store) -> World:
    def add(record):  # type: ignore[no-untyped-def]
        return store.save(record, SYSTEM, expected_version=None).record

    collaborative = add(Collaborative(name="Safer Discharge"))
    north = add(Team(collaborative_id=collaborative.id, name="North Ward"))
    south = add(Team(collaborative_id=collaborative.id, name="South Ward"))
    shared = add(
        Measure(
            collaborative_id=collaborative.id,
            name="Discharges before noon",
            measure_kind="process",
            has_denominator=True,
            direction="up",
            chart="p",
        )
    )
    north_measure = add(
        Measure(
            collaborative_id=collaborative.id,
            team_id=north.id,
            name="Falls",
            measure_kind="outcome",
            direction="down",
            chart="c",
        )
    )
    package = add(DriverDiagram(collaborative_id=collaborative.id, aim_text="Home by noon"))
    north_aim = add(Aim(team_id=north.id, what="Earlier discharges", by_when=dt.date(2027, 6, 1)))
    south_aim = add(Aim(team_id=south.id, what="Fewer delays"))
    return World(
        store, collaborative, north, south, shared, north_measure, package, north_aim, south_aim
    )


@pytest.fixture
def world(store: Store) -> World:
    return build_world(store)


@pytest.fixture
def sqlite_world(sqlite_store: Store) -> World:
    return build_world(sqlite_store)
