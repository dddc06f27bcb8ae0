"""Measure data in the store: the observations table, its checks, bulk puts and tidy reads.

Observations live in a typed table of their own rather than as JSON records (see
``kit/store/schema.py``): charts read thousands of them at once, and one live row per
measure, team and period is a database constraint. Imports (``kit/store/observation_import.py``,
workbooks) add many in one transaction, so ``put_observations`` checks every point first and
writes all or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Connection

from kit.errors import Conflict, KitInputError, PermissionDenied
from kit.qi.records import Measure, Observation, new_id
from kit.qi.validation import check
from kit.store import changes
from kit.store.access import Actor, Scope, check_write
from kit.store.core import StoreCore, _dumps, _now, _period, _Row
from kit.store.schema import observations, revisions

if TYPE_CHECKING:
    import pandas as pd

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


def is_proportion(measure: Measure) -> bool:
    """Numerator-and-denominator measures other than rates (U charts): a part of a whole.

    For these the numerator can never exceed the denominator; for a rate such as infections
    per 1,000 patient days it can.
    """
    return measure.has_denominator and measure.chart not in ("u", "up")


def count_fields(measure: Measure) -> tuple[str, ...]:
    """The parts of a data point that count things, and so must be whole numbers.

    A proportion counts cases of a whole: its numerator and denominator are numbers of patients
    or discharges. A rate (U chart) counts events over an exposure: its numerator is a count,
    its denominator (1,000 patient days, say) may have a fraction. A C chart's value counts
    events and a G chart's counts cases between events; a T chart's time between events, an
    I chart's measurement and a run chart's value may have fractions. (Attribute and variables
    data: Provost and Murray, The Health Care Data Guide, 2011, chapter 5; the chart table in
    DOMAIN.md.)
    """
    if measure.has_denominator:
        return ("numerator", "denominator") if is_proportion(measure) else ("numerator",)
    return ("value",) if measure.chart in ("c", "g") else ()


def not_a_count(name: str) -> str:
    """Why a fraction is refused, in the words shown to the person entering data."""
    things = "events or cases" if name == "value" else "patients, cases or events"
    return f"the {name} counts {things}, and a count is a whole number (3 or 4, not 3.7)."


class ObservationStore(StoreCore):
    """The measure-data half of ``Store``: checks, all-or-nothing puts and tidy reads."""

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
        for name in count_fields(measure):
            number = getattr(obs, name)
            if number is not None and not float(number).is_integer():
                raise KitInputError(
                    f"For {_period(obs.period)} the {name} of '{measure.name}' is {number:g}; "
                    f"{not_a_count(name)}"
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

    # --- observations --------------------------------------------------------------------

    def put_observations(
        self,
        items: Sequence[Observation],
        actor: Actor,
        *,
        read_versions: Mapping[tuple[str, str, dt.date], int | None] | None = None,
    ) -> int:
        """Add or replace data points by (measure, team, period), all or nothing.

        Returns how many were added or changed; a point identical to the stored one is left
        alone (no new version), so re-importing the same file is harmless. Replaced values
        stay in the revisions.

        ``read_versions`` makes the put optimistic: for each (measure, team, period) key it
        names the version the person saw (None: no value then). When any of those points was
        saved, removed or added by someone else since, nothing is written and ``Conflict``
        names the periods and who saved them, so two people pasting into one measure at once
        cannot silently overwrite each other. Keys not named are not checked.
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
            if read_versions is not None:
                self._check_read_versions(keys, by_key, read_versions)
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
        if changed:
            changes.announce(self, "observation", {str(o.team_id) for o in items})
        return changed

    @staticmethod
    def _check_read_versions(
        keys: Mapping[tuple[str, str, dt.date], Observation],
        live: Mapping[tuple[str, str, dt.date], _Row],
        read_versions: Mapping[tuple[str, str, dt.date], int | None],
    ) -> None:
        """Refuse the put when a point it writes changed since the person read it."""
        stale: list[tuple[dt.date, str]] = []
        for key in sorted(keys, key=lambda k: k[2]):
            if key not in read_versions:
                continue
            row = live.get(key)
            if (row.version if row is not None else None) == read_versions[key]:
                continue
            stale.append((key[2], row.updated_by if row is not None else "someone"))
        if not stale:
            return
        periods = ", ".join(_period(p) for p, _ in stale[:6]) + (" ..." if len(stale) > 6 else "")
        who = ", ".join(sorted({name for _, name in stale}))
        raise Conflict(
            f"{who} changed the data for {periods} while you were pasting or uploading; "
            "nothing was saved. Reload to see their values, or keep yours to save over them."
        )

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
