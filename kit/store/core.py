"""The store's foundation: connections, transactions, stored rows, scopes and who saved.

Voilà gives every browser tab its own kernel, so the database is the only shared state. Each
call is one short transaction; every record carries a version that a save must name
(optimistic concurrency: a stale save raises ``Conflict`` and overwrites nothing); every save
also writes a revision row, so nothing a team typed is ever lost and any earlier state can be
restored. Who may read or write what is decided in the store, not in the apps (see
``kit/store/access.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, Literal, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import RECORD_TYPES, Observation, Record
from kit.qi.rooms import ROOM_RECORD_TYPES
from kit.qi.validation import check
from kit.store import access
from kit.store.access import Actor, Scope, check_read, check_write, kind_label
from kit.store.engine import (
    BEGIN_MODE,
    WriterQueue,
    default_database_url,
    make_engine,
    sqlite_file,
)
from kit.store.migrate import upgrade
from kit.store.schema import observations, records, revisions
from kit.store.sign_in_limit import DEFAULT_LIMIT

T = TypeVar("T", bound=Record)
Action = Literal["create", "update", "delete", "restore"]

#: a lock number for PostgreSQL's advisory lock around schema upgrades
_MIGRATION_LOCK = 72_104_017

# Statements on the hot path, built once: SQLAlchemy then reuses their compiled form.
_LOAD_RECORD = sa.select(records).where(
    records.c.kind == sa.bindparam("kind"), records.c.id == sa.bindparam("id")
)
_LOAD_OBSERVATION = sa.select(observations).where(observations.c.id == sa.bindparam("id"))
_INSERT_REVISION = revisions.insert()
_INSERT_RECORD = records.insert()
_INSERT_OBSERVATION = observations.insert()


class _Any:
    """Sentinel for "no team filter" (``team_id=None`` means collaborative-level records)."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()
#: ``_check_replace`` looks the actor's collaborative up itself
_LOOK_UP: Any = object()


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A record as stored: the version to pass back on the next save, and who saved it last."""

    record: T
    version: int
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class Revision(Generic[T]):
    """One saved state in a record's history; ``delete`` revisions hold the state deleted."""

    version: int
    record: T
    saved_at: dt.datetime
    saved_by: str
    action: Action


@dataclass
class _Row:
    """A stored record in either table, with its data as JSON-ready values."""

    id: str
    collaborative_id: str | None
    team_id: str | None
    version: int
    deleted: bool
    data: dict[str, Any]
    updated_at: dt.datetime
    updated_by: str

    @property
    def scope(self) -> Scope:
        return Scope(self.collaborative_id, self.team_id)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything the store writes is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _when(value: dt.datetime) -> str:
    return f"{_aware(value):%H:%M} UTC on {_aware(value):%d %b %Y}"


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_UPDATES: dict[tuple[str, tuple[str, ...]], sa.Update] = {}


def _update_statement(table: sa.Table, columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE table SET ... WHERE id = ? AND version = ? [AND kind = ?]``, built once."""
    key = (table.name, columns)
    statement = _UPDATES.get(key)
    if statement is None:
        where = [table.c.id == sa.bindparam("w_id"), table.c.version == sa.bindparam("w_version")]
        if table is records:
            where.append(table.c.kind == sa.bindparam("w_kind"))
        statement = _UPDATES[key] = (
            table.update().where(*where).values({c: sa.bindparam(f"v_{c}") for c in columns})
        )
    return statement


def _kind(cls: type[Record]) -> str:
    kind = getattr(cls, "kind", "")
    if (RECORD_TYPES.get(kind) or ROOM_RECORD_TYPES.get(kind)) is not cls:
        raise KitInputError(f"The store does not keep records of type {cls.__name__}.")
    return kind


def _period(value: dt.date) -> str:
    return f"{value:%b %Y}"


class StoreCore:
    """Opening, transactions, rows and scopes: what every part of the ``Store`` builds on.

    ``Store`` (``kit/store/store.py``) adds records, ``ObservationStore``
    (``kit/store/observations.py``) the measure data and ``CredentialStore``
    (``kit/store/credentials.py``) passcodes and join codes; they share these helpers.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._writers = WriterQueue(sqlite_file(engine))
        #: the time sign-in limits are judged by; tests replace it instead of sleeping
        self.clock: Callable[[], dt.datetime] = _now
        #: wrong passcodes and join codes allowed per client (``kit/store/sign_in_limit.py``)
        self.sign_in_limit = DEFAULT_LIMIT

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> Self:
        """Open (creating or upgrading the schema) the database at ``url`` or the default."""
        url = url or default_database_url()
        engine = make_engine(url)
        shown = engine.url.render_as_string(hide_password=True)
        try:
            with engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
                    upgrade(conn)
        except OperationalError as error:
            engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise KitInputError(f"Could not open the database at {shown}: {reason}") from None
        except Exception as error:
            engine.dispose()
            if "Can't locate revision" in str(error):
                raise KitInputError(
                    f"The database at {shown} was written by a newer Breakthrough Kit; "
                    "upgrade the kit to open it."
                ) from None
            raise
        return cls(engine, url)

    def close(self) -> None:
        """Return every connection; a closed store cannot be used again."""
        self.engine.dispose()
        self._writers.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            conn.info["kit_teams"] = {}
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One short write transaction; on SQLite it takes the write lock up front."""
        with self._writers.hold(), self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
            try:
                with conn.begin():
                    conn.info["kit_teams"] = {}
                    yield conn
            except IntegrityError:
                raise Conflict(
                    "Someone else saved this at the same moment; your changes were not saved; "
                    "reload to see theirs."
                ) from None

    # --- rows ----------------------------------------------------------------------------

    @staticmethod
    def _table(kind: str) -> sa.Table:
        return observations if kind == "observation" else records

    def _load(self, conn: Connection, kind: str, record_id: str) -> _Row | None:
        """The stored row for a record, deleted or not."""
        if kind == "observation":
            result = conn.execute(_LOAD_OBSERVATION, {"id": record_id})
        else:
            result = conn.execute(_LOAD_RECORD, {"kind": kind, "id": record_id})
        row = result.mappings().first()
        return None if row is None else self._row(kind, row)

    @staticmethod
    def _row(kind: str, row: Any) -> _Row:
        if kind == "observation":
            data = {
                "id": row["id"],
                "measure_id": row["measure_id"],
                "team_id": row["team_id"],
                "period": row["period"].isoformat(),
                "value": row["value"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "note": row["note"],
            }
        else:
            data = json.loads(row["data"])
        return _Row(
            id=row["id"],
            collaborative_id=row["collaborative_id"],
            team_id=row["team_id"],
            version=row["version"],
            deleted=bool(row["deleted"]),
            data=data,
            updated_at=_aware(row["updated_at"]),
            updated_by=row["updated_by"],
        )

    @staticmethod
    def _record(cls: type[T], data: dict[str, Any]) -> T:
        return check(cls, data)

    @staticmethod
    def _columns(kind: str, record: Record, scope: Scope) -> dict[str, Any]:
        """The table's columns for a record (without version and bookkeeping)."""
        if isinstance(record, Observation):
            return {
                "measure_id": record.measure_id,
                "team_id": record.team_id,
                "collaborative_id": scope.collaborative_id,
                "period": record.period,
                "value": record.value,
                "numerator": record.numerator,
                "denominator": record.denominator,
                "note": record.note,
            }
        return {
            "collaborative_id": scope.collaborative_id,
            "team_id": scope.team_id,
            "data": _dumps(record.model_dump(mode="json")),
        }

    def _insert(
        self,
        conn: Connection,
        kind: str,
        record: Record,
        scope: Scope,
        who: str,
        now: dt.datetime,
        version: int = 1,
    ) -> None:
        table = self._table(kind)
        values = self._columns(kind, record, scope) | {
            "id": record.id,
            "version": version,
            "deleted": False,
            "created_at": now,
            "updated_at": now,
            "updated_by": who,
        }
        if table is records:
            values["kind"] = kind
        conn.execute(_INSERT_RECORD if table is records else _INSERT_OBSERVATION, values)
        conn.info.get("kit_teams", {}).pop(record.id, None)

    def _update(
        self,
        conn: Connection,
        kind: str,
        record_id: str,
        expected_version: int,
        values: dict[str, Any],
        who: str,
        now: dt.datetime,
    ) -> bool:
        """``UPDATE ... WHERE version = expected``: False when someone got there first."""
        table = self._table(kind)
        values = values | {"version": expected_version + 1, "updated_at": now, "updated_by": who}
        statement = _update_statement(table, tuple(sorted(values)))
        params = {f"v_{k}": v for k, v in values.items()}
        params |= {"w_id": record_id, "w_version": expected_version, "w_kind": kind}
        conn.info.get("kit_teams", {}).pop(record_id, None)
        return conn.execute(statement, params).rowcount == 1

    @staticmethod
    def _revision(
        conn: Connection,
        kind: str,
        record_id: str,
        version: int,
        action: Action,
        data: dict[str, Any],
        who: str,
        now: dt.datetime,
    ) -> None:
        conn.execute(
            _INSERT_REVISION,
            {
                "kind": kind,
                "record_id": record_id,
                "version": version,
                "action": action,
                "data": _dumps(data),
                "saved_at": now,
                "saved_by": who,
            },
        )

    # --- scope and access ----------------------------------------------------------------

    def _live_record(self, conn: Connection, kind: str, record_id: str) -> _Row | None:
        if kind == "team":  # looked up several times per call: once per transaction is enough
            teams = conn.info.setdefault("kit_teams", {})
            if record_id not in teams:
                teams[record_id] = self._load(conn, kind, record_id)
            row = teams[record_id]
        else:
            row = self._load(conn, kind, record_id)
        return row if row is not None and not row.deleted else None

    def _team_collaborative(self, conn: Connection, team_id: str) -> str:
        row = self._live_record(conn, "team", team_id)
        if row is None:
            raise KitInputError(f"Team '{team_id}' not found; add the team first.")
        return str(row.data["collaborative_id"])

    def _scope(self, conn: Connection, kind: str, record: Record) -> Scope:
        """Where a record belongs; teams and collaboratives it names must exist."""
        team = access.owner_team(kind, record)
        collaborative = record.id if kind == "collaborative" else None
        collaborative = collaborative or getattr(record, "collaborative_id", None)
        team_field = getattr(record, "team_id", None)
        if team_field:
            team_collaborative = self._team_collaborative(conn, team_field)
            if collaborative and collaborative != team_collaborative:
                raise KitInputError(
                    f"This {kind_label(kind)} names a team from another collaborative."
                )
            collaborative = team_collaborative
        elif (
            collaborative
            and kind != "collaborative"
            and self._live_record(conn, "collaborative", collaborative) is None
        ):
            raise KitInputError(
                f"Collaborative '{collaborative}' not found; create the collaborative first."
            )
        return Scope(collaborative, team)

    def _actor_collaborative(self, conn: Connection, actor: Actor) -> str | None:
        """The collaborative an actor works in (a participant's is their team's)."""
        if actor.role != "participant":
            return actor.collaborative_id
        row = self._live_record(conn, "team", str(actor.team_id))
        if row is None:
            raise PermissionDenied(
                "Your team is no longer part of this collaborative; ask your facilitator."
            )
        team_collaborative = str(row.data["collaborative_id"])
        if actor.collaborative_id and actor.collaborative_id != team_collaborative:
            raise PermissionDenied("Your team belongs to another collaborative; join it again.")
        return team_collaborative

    def _who(self, conn: Connection, actor: Actor) -> str:
        """How the history names the person saving: "Ana (North Clinic)", "the facilitator"."""
        if actor.role == "facilitator":
            return f"{actor.name} (facilitator)" if actor.name else "the facilitator"
        if actor.role == "system":
            return actor.name or "Breakthrough Kit"
        team = self._live_record(conn, "team", str(actor.team_id))
        team_name = team.data.get("name", actor.team_id) if team else actor.team_id
        return f"{actor.name} ({team_name})" if actor.name else f"the {team_name} team"

    def _conflict(self, kind: str, row: _Row) -> Conflict:
        verb = "deleted" if row.deleted else "saved"
        return Conflict(
            f"{row.updated_by} {verb} this {kind_label(kind)} at {_when(row.updated_at)} "
            "while you were editing; your changes were not saved; reload to see theirs."
        )

    @staticmethod
    def _not_found(kind: str, record_id: str) -> KitInputError:
        return KitInputError(
            f"{kind_label(kind).capitalize()} '{record_id}' not found; it may have been deleted."
        )

    # --- records -------------------------------------------------------------------------

    def _check_replace(
        self,
        conn: Connection,
        actor: Actor,
        cls: type[Record],
        kind: str,
        existing: _Row | None,
        record: Record,
        actor_collaborative: str | None = _LOOK_UP,
    ) -> Scope:
        """May ``actor`` put ``record`` where ``existing`` stands (if anything does)?

        Both sides are checked: the stored record may not belong to someone else, and the
        new one may not be moved into someone else's scope. Returns the new record's scope.
        An import passes the actor's collaborative, looked up once for all its records.
        """
        if actor_collaborative is _LOOK_UP:
            actor_collaborative = self._actor_collaborative(conn, actor)
        if existing is not None:  # deleted or not, it may not be someone else's
            check_read(actor, kind, existing.scope, actor_collaborative)
            check_write(
                actor,
                kind,
                cls.model_construct(**existing.data),
                existing.scope,
                actor_collaborative,
            )
        scope = self._scope(conn, kind, record)
        check_write(actor, kind, record, scope, actor_collaborative)
        return scope
