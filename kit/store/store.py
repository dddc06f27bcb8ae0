"""The store: every record of a collaborative, versioned, with its history and access rules.

``Store`` is assembled from parts along their seams: ``StoreCore`` (``kit/store/core.py``)
opens the database and keeps the rows, scopes and transactions; ``ObservationStore``
(``kit/store/observations.py``) holds the measure data; ``CredentialStore``
(``kit/store/credentials.py``) the passcodes and join codes. This module adds the records
themselves: read, find, save, delete, history, restore and the all-or-nothing import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import Measure, Observation, Record
from kit.store import changes
from kit.store.access import Actor, check_read, check_write, kind_label
from kit.store.core import (
    ANY,
    Action,
    Revision,
    Saved,
    T,
    _aware,
    _kind,
    _now,
    _when,
)
from kit.store.credentials import CredentialStore
from kit.store.observations import OBSERVATION_COLUMNS, ObservationStore, is_proportion
from kit.store.schema import observations, records, revisions


class Store(ObservationStore, CredentialStore):
    """A collaborative's database: open with ``Store.open(url)``; close, or use ``with``."""

    # --- records -------------------------------------------------------------------------
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
        changes.announce(self, kind, {scope.team_id} if scope.team_id else set())
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


__all__ = ["ANY", "OBSERVATION_COLUMNS", "Revision", "Saved", "Store", "is_proportion"]
