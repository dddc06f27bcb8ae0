"""The store: every record of a collaborative, versioned, with its history and access rules.

Voilà gives every browser tab its own kernel, so the database is the only shared state. Each
call here is one short transaction; every record carries a version that a save must name
(optimistic concurrency: a stale save raises ``Conflict`` and overwrites nothing); every save
also writes a revision row, so nothing a team typed is ever lost and any earlier state can be
restored. Who may read or write what is decided here, not in the apps (see ``access``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import RECORD_TYPES, Measure, Observation, Record, new_id
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
from kit.store.schema import (
    facilitator_passcodes,
    join_codes,
    observations,
    records,
    revisions,
)

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T", bound=Record)
Action = Literal["create", "update", "delete", "restore"]

#: the columns of ``Store.observations()``, in order
OBSERVATION_COLUMNS = [
    "id",
    "measure_id",
    "team_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "note",
]
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


def is_proportion(measure: Measure) -> bool:
    """Numerator-and-denominator measures other than rates (U charts): a part of a whole.

    For these the numerator can never exceed the denominator; for a rate such as infections
    per 1,000 patient days it can.
    """
    return measure.has_denominator and measure.chart not in ("u", "up")


def _kind(cls: type[Record]) -> str:
    kind = getattr(cls, "kind", "")
    if RECORD_TYPES.get(kind) is not cls:
        raise KitInputError(f"The store does not keep records of type {cls.__name__}.")
    return kind


def _period(value: dt.date) -> str:
    return f"{value:%b %Y}"


class Store:
    """A collaborative's database: open with ``Store.open(url)``; close, or use ``with``."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._writers = WriterQueue(sqlite_file(engine))

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> Store:
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

    def __enter__(self) -> Store:
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

    def _check_observation(
        self, conn: Connection, obs: Observation, scope: Scope, measures: dict[str, Measure]
    ) -> None:
        """An observation's measure must exist for its team; proportions cannot exceed 1."""
        if "\x00" in obs.note:
            raise KitInputError(
                f"The note for {_period(obs.period)} contains an invisible NUL character; "
                "retype it."
            )
        measure = measures.get(obs.measure_id)
        if measure is None:
            row = self._live_record(conn, "measure", obs.measure_id)
            if row is None:
                raise KitInputError(f"Measure '{obs.measure_id}' not found; add the measure first.")
            measure = measures[obs.measure_id] = check(Measure, row.data)
        if measure.team_id not in (None, obs.team_id) or (
            measure.collaborative_id != scope.collaborative_id
        ):
            raise KitInputError(f"The measure '{measure.name}' is not one of this team's measures.")
        if measure.has_denominator:
            if obs.numerator is None:
                raise KitInputError(
                    f"'{measure.name}' is reported as a numerator and a denominator; "
                    f"the row for {_period(obs.period)} has only a value."
                )
            if is_proportion(measure):
                try:
                    obs.check_proportion()
                except ValueError as error:
                    raise KitInputError(str(error)) from None
        elif obs.value is None:
            raise KitInputError(
                f"'{measure.name}' is reported as one value per period; the row for "
                f"{_period(obs.period)} has a numerator and denominator instead."
            )

    def _check_period_free(self, conn: Connection, obs: Observation) -> None:
        clash = conn.execute(
            sa.select(observations.c.id).where(
                observations.c.measure_id == obs.measure_id,
                observations.c.team_id == obs.team_id,
                observations.c.period == obs.period,
                observations.c.deleted == sa.false(),
                observations.c.id != obs.id,
            )
        ).first()
        if clash is not None:
            raise KitInputError(
                f"There is already a value for {_period(obs.period)} for this measure; "
                "change that one instead."
            )

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
        self, conn, actor: Actor, cls, kind: str, existing, record, actor_collaborative=_LOOK_UP
    ):
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

    def get(self, cls: type[T], record_id: str, actor: Actor) -> Saved[T]:
        """The current state of one record."""
        kind = _kind(cls)
        with self._read() as conn:
            row = self._live_record(conn, kind, record_id)
            if row is None:
                raise self._not_found(kind, record_id)
            check_read(actor, kind, row.scope, self._actor_collaborative(conn, actor))
        return Saved(self._record(cls, row.data), row.version, row.updated_at, row.updated_by)

    def find(
        self,
        cls: type[T],
        actor: Actor,
        *,
        collaborative_id: str | None = None,
        team_id: str | None = ANY,
        **equals: Any,
    ) -> list[Saved[T]]:
        """The records of a kind the actor may see, oldest first, filtered by field values.

        ``team_id=None`` asks for collaborative-level records only (the change package, the
        collaborative's measures); leaving it out means "any team". Other keywords filter on
        the record's fields by equality.
        """
        kind = _kind(cls)
        unknown = sorted(set(equals) - set(cls.model_fields))
        if unknown:
            raise KitInputError(
                f"A {kind_label(kind)} has no field {', '.join(repr(u) for u in unknown)}."
            )
        table = self._table(kind)
        query = sa.select(table).where(table.c.deleted == sa.false())
        if table is records:
            query = query.where(table.c.kind == kind)
        with self._read() as conn:
            actor_collaborative = self._actor_collaborative(conn, actor)
            if actor.role != "system" and actor_collaborative:
                if collaborative_id not in (None, actor_collaborative):
                    raise PermissionDenied(
                        "That is another collaborative's work; sign in to that collaborative."
                    )
                collaborative_id = actor_collaborative
            if actor.role == "participant":
                if team_id not in (ANY, None, actor.team_id):
                    raise PermissionDenied(
                        "That is another team's work; each team sees only its own."
                    )
                query = query.where(
                    sa.or_(
                        table.c.team_id == actor.team_id,
                        sa.and_(
                            table.c.team_id.is_(None),
                            table.c.collaborative_id == actor_collaborative,
                        ),
                    )
                )
            if collaborative_id is not None:
                query = query.where(table.c.collaborative_id == collaborative_id)
            if team_id is not ANY:
                query = query.where(
                    table.c.team_id.is_(None) if team_id is None else table.c.team_id == team_id
                )
            python_filters = {}
            for name, wanted in equals.items():
                if table is observations and name in ("measure_id", "period", "id"):
                    query = query.where(table.c[name] == wanted)
                elif table is records and name == "id":
                    query = query.where(table.c.id == wanted)
                else:
                    python_filters[name] = wanted
            query = query.order_by(table.c.created_at, table.c.id)
            rows = [self._row(kind, r) for r in conn.execute(query).mappings()]
        found = []
        for row in rows:
            record = self._record(cls, row.data)
            if all(getattr(record, k) == v for k, v in python_filters.items()):
                found.append(Saved(record, row.version, row.updated_at, row.updated_by))
        return found

    def save(self, record: T, actor: Actor, *, expected_version: int | None) -> Saved[T]:
        """Create (``expected_version=None``) or update a record, keeping the old state.

        An update must name the version it started from; if someone saved since, ``Conflict``
        says who and when, and nothing is written.
        """
        cls = type(record)
        kind = _kind(cls)
        record = self._record(cls, record.model_dump(mode="json"))
        with self._write() as conn:
            now = _now()
            existing = self._load(conn, kind, record.id)
            scope = self._check_replace(conn, actor, cls, kind, existing, record)
            if isinstance(record, Observation):
                self._check_observation(conn, record, scope, {})
                self._check_period_free(conn, record)
            who = self._who(conn, actor)
            columns = self._columns(kind, record, scope)
            if expected_version is None:
                if existing is not None and not existing.deleted:
                    raise Conflict(
                        f"A {kind_label(kind)} with this id already exists (saved by "
                        f"{existing.updated_by} at {_when(existing.updated_at)}); your changes "
                        "were not saved; reload to see theirs."
                    )
                if existing is None:
                    self._insert(conn, kind, record, scope, who, now)
                    version = 1
                else:  # the id was deleted before: its history continues
                    columns["deleted"] = False
                    if not self._update(conn, kind, record.id, existing.version, columns, who, now):
                        raise self._conflict(kind, existing)
                    version = existing.version + 1
                action: Action = "create"
            else:
                if existing is None:
                    raise self._not_found(kind, record.id)
                if existing.deleted or existing.version != expected_version:
                    raise self._conflict(kind, existing)
                if not self._update(conn, kind, record.id, expected_version, columns, who, now):
                    raise self._conflict(kind, self._load(conn, kind, record.id) or existing)
                version = expected_version + 1
                action = "update"
            self._revision(
                conn, kind, record.id, version, action, record.model_dump(mode="json"), who, now
            )
        return Saved(record, version, now, who)

    def delete(
        self, cls: type[Record], record_id: str, actor: Actor, *, expected_version: int
    ) -> None:
        """Delete a record; its history stays, so ``restore`` can bring it back."""
        kind = _kind(cls)
        with self._write() as conn:
            now = _now()
            existing = self._load(conn, kind, record_id)
            if existing is None:
                raise self._not_found(kind, record_id)
            actor_collaborative = self._actor_collaborative(conn, actor)
            check_read(actor, kind, existing.scope, actor_collaborative)
            check_write(
                actor,
                kind,
                cls.model_construct(**existing.data),
                existing.scope,
                actor_collaborative,
            )
            if existing.deleted or existing.version != expected_version:
                raise self._conflict(kind, existing)
            who = self._who(conn, actor)
            if not self._update(
                conn, kind, record_id, expected_version, {"deleted": True}, who, now
            ):
                raise self._conflict(kind, existing)
            self._revision(
                conn, kind, record_id, expected_version + 1, "delete", existing.data, who, now
            )

    def revisions(self, cls: type[T], record_id: str, actor: Actor) -> list[Revision[T]]:
        """Every saved state of a record, oldest first (also for a deleted record)."""
        kind = _kind(cls)
        with self._read() as conn:
            row = self._load(conn, kind, record_id)
            if row is None:
                raise self._not_found(kind, record_id)
            check_read(actor, kind, row.scope, self._actor_collaborative(conn, actor))
            rows = (
                conn.execute(
                    sa.select(revisions)
                    .where(revisions.c.kind == kind, revisions.c.record_id == record_id)
                    .order_by(revisions.c.version)
                )
                .mappings()
                .all()
            )
        return [
            Revision(
                version=r["version"],
                record=self._record(cls, json.loads(r["data"])),
                saved_at=_aware(r["saved_at"]),
                saved_by=r["saved_by"],
                action=r["action"],
            )
            for r in rows
        ]

    def restore(
        self,
        cls: type[T],
        record_id: str,
        version: int,
        actor: Actor,
        *,
        expected_version: int,
    ) -> Saved[T]:
        """Make an earlier revision current again, as a new version (history is kept)."""
        kind = _kind(cls)
        with self._write() as conn:
            now = _now()
            existing = self._load(conn, kind, record_id)
            if existing is None:
                raise self._not_found(kind, record_id)
            old = conn.execute(
                sa.select(revisions.c.data).where(
                    revisions.c.kind == kind,
                    revisions.c.record_id == record_id,
                    revisions.c.version == version,
                )
            ).scalar_one_or_none()
            if old is None:
                raise KitInputError(f"This {kind_label(kind)} has no version {version}.")
            record = self._record(cls, json.loads(old))
            scope = self._check_replace(conn, actor, cls, kind, existing, record)
            if existing.version != expected_version:
                raise self._conflict(kind, existing)
            if isinstance(record, Observation):
                self._check_observation(conn, record, scope, {})
                self._check_period_free(conn, record)
            who = self._who(conn, actor)
            columns = self._columns(kind, record, scope) | {"deleted": False}
            if not self._update(conn, kind, record_id, expected_version, columns, who, now):
                raise self._conflict(kind, existing)
            self._revision(
                conn,
                kind,
                record_id,
                expected_version + 1,
                "restore",
                record.model_dump(mode="json"),
                who,
                now,
            )
        return Saved(record, expected_version + 1, now, who)

    def import_records(self, items: Sequence[tuple[Record, int]], actor: Actor) -> dict[str, int]:
        """Bring records (with the versions they had) into the store in one transaction.

        The workbook import uses this: a record that is new here is created at its version
        from the file (so exporting again gives the same file); one that differs from the
        stored record becomes its next version (the stored state stays in the revisions); an
        identical one is left alone. Any problem rolls back everything.
        """
        order = {"collaborative": 0, "team": 1, "measure": 2, "observation": 4}
        ranked = sorted(
            ((order.get(_kind(type(r)), 3), n, r, v) for n, (r, v) in enumerate(items)),
            key=lambda item: item[:2],
        )
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with self._write() as conn:
            now = _now()
            actor_collaborative = self._actor_collaborative(conn, actor)
            who = self._who(conn, actor)
            measures: dict[str, Measure] = {}
            for _rank, _n, given, version in ranked:
                cls = type(given)
                kind = _kind(cls)
                if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                    raise KitInputError(
                        f"The {kind_label(kind)} '{given.id}' has version {version!r}; "
                        "versions are whole numbers from 1."
                    )
                record = self._record(cls, given.model_dump(mode="json"))
                data = record.model_dump(mode="json")
                existing = self._load(conn, kind, record.id)
                if existing is not None and existing.data == data and not existing.deleted:
                    check_read(actor, kind, existing.scope, actor_collaborative)
                    counts["unchanged"] += 1
                    continue
                scope = self._check_replace(
                    conn, actor, cls, kind, existing, record, actor_collaborative
                )
                if isinstance(record, Observation):
                    self._check_observation(conn, record, scope, measures)
                    self._check_period_free(conn, record)
                if existing is None:
                    self._insert(conn, kind, record, scope, who, now, version=version)
                    action: Action = "create"
                    counts["created"] += 1
                else:
                    columns = self._columns(kind, record, scope) | {"deleted": False}
                    if not self._update(conn, kind, record.id, existing.version, columns, who, now):
                        raise self._conflict(kind, existing)
                    version = existing.version + 1
                    action = "create" if existing.deleted else "update"
                    counts["updated"] += 1
                self._revision(conn, kind, record.id, version, action, data, who, now)
        return counts

    # --- observations --------------------------------------------------------------------

    def put_observations(self, items: Sequence[Observation], actor: Actor) -> int:
        """Add or replace data points by (measure, team, period), all or nothing.

        Returns how many were added or changed; a point identical to the stored one is left
        alone (no new version), so re-importing the same file is harmless. Replaced values
        stay in the revisions.
        """
        if not items:
            return 0
        checked = [self._record(Observation, o.model_dump(mode="json")) for o in items]
        keys: dict[tuple[str, str, dt.date], Observation] = {}
        for obs in checked:
            key = (obs.measure_id, obs.team_id, obs.period)
            if key in keys:
                raise KitInputError(
                    f"Two data points are for {_period(obs.period)} of the same measure and team; "
                    "keep one."
                )
            keys[key] = obs
        with self._write() as conn:
            now = _now()
            actor_collaborative = self._actor_collaborative(conn, actor)
            measures: dict[str, Measure] = {}
            team_scopes: dict[str, Scope] = {}
            for obs in checked:
                scope = team_scopes.get(obs.team_id)
                if scope is None:
                    scope = team_scopes[obs.team_id] = self._scope(conn, "observation", obs)
                check_write(actor, "observation", obs, scope, actor_collaborative)
                self._check_observation(conn, obs, scope, measures)
            who = self._who(conn, actor)
            by_key: dict[tuple[str, str, dt.date], _Row] = {}
            for row in conn.execute(
                sa.select(observations).where(
                    observations.c.deleted == sa.false(),
                    observations.c.team_id.in_(sorted(team_scopes)),
                    observations.c.measure_id.in_(sorted(measures)),
                )
            ).mappings():
                by_key[(row["measure_id"], row["team_id"], row["period"])] = self._row(
                    "observation", row
                )
            by_id: dict[str, _Row] = {}
            ids = sorted({o.id for o in checked})
            for start in range(0, len(ids), 500):
                for row in conn.execute(
                    sa.select(observations).where(observations.c.id.in_(ids[start : start + 500]))
                ).mappings():
                    by_id[row["id"]] = self._row("observation", row)
            inserts: list[dict[str, Any]] = []
            new_revisions: list[dict[str, Any]] = []
            changed = 0
            for key, obs in keys.items():
                current = by_key.get(key) or by_id.get(obs.id)
                if current is not None and current.team_id != obs.team_id:
                    # an id already used by another team's data point: keep both, fresh id
                    current = None
                    obs = obs.model_copy(update={"id": new_id()})
                if current is None:
                    inserts.append(
                        self._columns("observation", obs, team_scopes[obs.team_id])
                        | {
                            "id": obs.id,
                            "version": 1,
                            "deleted": False,
                            "created_at": now,
                            "updated_at": now,
                            "updated_by": who,
                        }
                    )
                    version, action = 1, "create"
                else:
                    obs = obs.model_copy(update={"id": current.id})
                    data = obs.model_dump(mode="json")
                    if not current.deleted and data == current.data:
                        continue
                    values = self._columns("observation", obs, team_scopes[obs.team_id])
                    values["deleted"] = False
                    if not self._update(
                        conn, "observation", current.id, current.version, values, who, now
                    ):
                        raise self._conflict("observation", current)
                    version, action = current.version + 1, "update"
                changed += 1
                new_revisions.append(
                    {
                        "kind": "observation",
                        "record_id": obs.id,
                        "version": version,
                        "action": action,
                        "data": _dumps(obs.model_dump(mode="json")),
                        "saved_at": now,
                        "saved_by": who,
                    }
                )
            if inserts:
                conn.execute(observations.insert(), inserts)
            if new_revisions:
                conn.execute(revisions.insert(), new_revisions)
        return changed

    def observations(
        self,
        actor: Actor,
        *,
        measure_id: str | None = None,
        team_id: str | None = None,
        collaborative_id: str | None = None,
    ) -> pd.DataFrame:
        """Measure data as a tidy table, sorted by team, measure and period.

        Columns: id, measure_id, team_id, period (datetime64), value, numerator, denominator
        (floats, NaN when absent), note. A participant gets their own team's data only.
        """
        import pandas as pd

        table = observations
        query = sa.select(*(table.c[c] for c in OBSERVATION_COLUMNS)).where(
            table.c.deleted == sa.false()
        )
        with self._read() as conn:
            actor_collaborative = self._actor_collaborative(conn, actor)
            if actor.role != "system" and actor_collaborative:
                if collaborative_id not in (None, actor_collaborative):
                    raise PermissionDenied(
                        "That is another collaborative's data; sign in to that collaborative."
                    )
                collaborative_id = actor_collaborative
            if actor.role == "participant":
                if team_id not in (None, actor.team_id):
                    raise PermissionDenied(
                        "That is another team's data; each team sees only its own."
                    )
                team_id = actor.team_id
            if collaborative_id is not None:
                query = query.where(table.c.collaborative_id == collaborative_id)
            if team_id is not None:
                query = query.where(table.c.team_id == team_id)
            if measure_id is not None:
                query = query.where(table.c.measure_id == measure_id)
            query = query.order_by(table.c.team_id, table.c.measure_id, table.c.period)
            rows = conn.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=OBSERVATION_COLUMNS)
        frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
        for column in ("value", "numerator", "denominator"):
            frame[column] = frame[column].astype("float64")
        for column in ("id", "measure_id", "team_id", "note"):
            frame[column] = frame[column].astype(object)
        return frame

    # --- access --------------------------------------------------------------------------

    def _require_staff(self, actor: Actor, collaborative_id: str, what: str) -> None:
        if not actor.is_staff:
            raise PermissionDenied(f"Only the facilitator can {what}.")
        if actor.collaborative_id not in (None, collaborative_id):
            raise PermissionDenied(
                "That is another collaborative; sign in to that collaborative first."
            )

    def set_facilitator_passcode(self, collaborative_id: str, passcode: str, actor: Actor) -> None:
        """Set or change the passcode facilitators sign in with (stored as a scrypt hash)."""
        self._require_staff(actor, collaborative_id, "set the facilitator passcode")
        salt, digest, params = access.hash_passcode(passcode)
        with self._write() as conn:
            if self._live_record(conn, "collaborative", collaborative_id) is None:
                raise self._not_found("collaborative", collaborative_id)
            who = self._who(conn, actor)
            conn.execute(
                facilitator_passcodes.delete().where(
                    facilitator_passcodes.c.collaborative_id == collaborative_id
                )
            )
            conn.execute(
                facilitator_passcodes.insert().values(
                    collaborative_id=collaborative_id,
                    salt=salt,
                    hash=digest,
                    params=params,
                    updated_at=_now(),
                    updated_by=who,
                )
            )

    def sign_in_facilitator(self, collaborative_id: str, passcode: str, name: str = "") -> Actor:
        """A facilitator ``Actor`` for this collaborative, if the passcode is right."""
        with self._read() as conn:
            row = (
                conn.execute(
                    sa.select(facilitator_passcodes).where(
                        facilitator_passcodes.c.collaborative_id == collaborative_id
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise PermissionDenied(
                "No facilitator passcode has been set for this collaborative yet; "
                "set one with 'bts-kit init'."
            )
        if not access.passcode_matches(passcode or "", row["salt"], row["hash"], row["params"]):
            raise PermissionDenied(
                "That passcode is not right; check it with whoever set up the collaborative."
            )
        return Actor.facilitator(name, collaborative_id=collaborative_id)

    def issue_join_code(self, team_id: str, actor: Actor, *, code: str | None = None) -> str:
        """A new join code for a team (replacing its old one), shown as ``KXM-4Q7``.

        ``code`` chooses the code instead of drawing one at random: the demo collaborative
        uses memorable codes so that the README and workshops can print them.
        """
        with self._write() as conn:
            collaborative_id = self._team_collaborative(conn, team_id)
            self._require_staff(actor, collaborative_id, "issue join codes")
            who = self._who(conn, actor)
            taken = set(
                conn.execute(
                    sa.select(join_codes.c.code).where(join_codes.c.team_id != team_id)
                ).scalars()
            )
            if code is not None:
                code = access.normalise_join_code(code)
                if len(code) < 6:
                    raise KitInputError("A join code needs at least 6 letters or digits.")
                if code in taken:
                    raise KitInputError("Another team already has that join code.")
            else:
                code = access.new_join_code()
                while code in taken:
                    code = access.new_join_code()
            conn.execute(join_codes.delete().where(join_codes.c.team_id == team_id))
            conn.execute(
                join_codes.insert().values(
                    team_id=team_id,
                    collaborative_id=collaborative_id,
                    code=code,
                    issued_at=_now(),
                    issued_by=who,
                )
            )
        return access.show_join_code(code)

    def join(self, code: str, name: str = "") -> Actor:
        """The participant ``Actor`` for the team whose join code this is."""
        typed = access.normalise_join_code(code)
        if not typed:
            raise PermissionDenied("Type your team's join code; it looks like KXM-4Q7.")
        with self._read() as conn:
            row = (
                conn.execute(sa.select(join_codes).where(join_codes.c.code == typed))
                .mappings()
                .first()
            )
            team = None if row is None else self._live_record(conn, "team", row["team_id"])
        if row is None or team is None:
            raise PermissionDenied(
                f"'{code.strip()[:20]}' is not a join code we know; check it with your "
                "facilitator (codes look like KXM-4Q7)."
            )
        return Actor.participant(row["team_id"], name, collaborative_id=row["collaborative_id"])

    def join_codes(self, collaborative_id: str, actor: Actor) -> dict[str, str]:
        """Every team's current join code in a collaborative, for the facilitator to hand out."""
        self._require_staff(actor, collaborative_id, "see the join codes")
        with self._read() as conn:
            rows = conn.execute(
                sa.select(join_codes.c.team_id, join_codes.c.code)
                .where(join_codes.c.collaborative_id == collaborative_id)
                .order_by(join_codes.c.team_id)
            ).all()
        return {team_id: access.show_join_code(code) for team_id, code in rows}


__all__ = ["ANY", "OBSERVATION_COLUMNS", "Revision", "Saved", "Store"]
