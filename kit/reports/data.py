"""Reading one collaborative's records from a store for the dashboard and the reports.

Only the store's public API (``Store.find`` and ``Store.observations``) is used, so whoever
reads sees exactly what the actor may see: a facilitator the whole collaborative, the kit's
own command line (``Actor.system``) everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from kit.errors import KitInputError
from kit.qi.dashboard import CollaborativeRecords
from kit.qi.records import (
    Aim,
    Assessment,
    Collaborative,
    DriverDiagram,
    Measure,
    MonthlyReport,
    PDSACycle,
    Record,
    Team,
)

if TYPE_CHECKING:  # pragma: no cover
    from kit.store import Actor, Store

__all__ = ["find_collaborative", "load_records"]

R = TypeVar("R", bound=Record)


def find_collaborative(
    store: Store, actor: Actor, collaborative_id: str | None = None
) -> Collaborative:
    """The collaborative to read: the one asked for, or the only one the actor can see."""
    found = [s.record for s in store.find(Collaborative, actor)]
    if collaborative_id is not None:
        for collab in found:
            if collab.id == collaborative_id:
                return collab
        raise KitInputError(f"There is no collaborative with id {collaborative_id!r}.")
    if not found:
        raise KitInputError(
            "This database holds no collaborative yet; set one up first (bts-kit init or demo)."
        )
    if len(found) > 1:
        names = ", ".join(f"{c.name} ({c.id})" for c in found)
        raise KitInputError(f"This database holds several collaboratives; choose one of {names}.")
    return found[0]


def load_records(
    store: Store, *, actor: Actor | None = None, collaborative_id: str | None = None
) -> CollaborativeRecords:
    """Every record the dashboard and the reports read, for one collaborative."""
    from kit.store import Actor

    who = actor or Actor.system("reports")
    collab = find_collaborative(store, who, collaborative_id)

    def records(cls: type[R]) -> tuple[R, ...]:
        return tuple(s.record for s in store.find(cls, who, collaborative_id=collab.id))

    return CollaborativeRecords(
        collaborative=collab,
        teams=records(Team),
        aims=records(Aim),
        diagrams=records(DriverDiagram),
        measures=records(Measure),
        observations=store.observations(who, collaborative_id=collab.id),
        cycles=records(PDSACycle),
        assessments=records(Assessment),
        reports=records(MonthlyReport),
    )
