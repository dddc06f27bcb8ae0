"""Optimistic puts of measure data: a paste or upload saved over what the person read.

Two people pasting into one measure at once must not silently overwrite each other
(issue 13): ``Store.put_observations(read_versions=...)`` refuses, all or nothing, when a
period it writes was saved, added or removed by someone else since it was read."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import Conflict
from kit.qi import Observation

from .conftest import World

JAN, FEB, MAR = (dt.date(2026, m, 1) for m in (1, 2, 3))


def point(world: World, period: dt.date, value: float) -> Observation:
    return Observation(
        measure_id=world.north_measure.id, team_id=world.north.id, period=period, value=value
    )


def key(world: World, period: dt.date) -> tuple[str, str, dt.date]:
    return (world.north_measure.id, world.north.id, period)


def values(world: World) -> dict[dt.date, float]:
    frame = world.store.observations(world.north_member, measure_id=world.north_measure.id)
    return {p.date(): v for p, v in zip(frame["period"], frame["value"], strict=True)}


def test_a_put_over_the_versions_read_saves(world: World) -> None:
    ana = world.north_member
    world.store.put_observations([point(world, JAN, 1)], ana)
    read = {key(world, JAN): 1, key(world, FEB): None}
    changed = world.store.put_observations(
        [point(world, JAN, 2), point(world, FEB, 3)], ana, read_versions=read
    )
    assert changed == 2
    assert values(world) == {JAN: 2, FEB: 3}


def test_a_period_changed_since_it_was_read_refuses_the_whole_put(world: World) -> None:
    ana = world.north_member
    world.store.put_observations([point(world, JAN, 1)], ana)
    read = {key(world, JAN): 1, key(world, FEB): None}
    # someone else saves January while Ana previews her block
    world.store.put_observations([point(world, JAN, 5)], world.facilitator)
    with pytest.raises(
        Conflict, match=r"Fay \(facilitator\) changed the data for Jan 2026.*nothing was saved"
    ):
        world.store.put_observations(
            [point(world, JAN, 2), point(world, FEB, 3)], ana, read_versions=read
        )
    assert values(world) == {JAN: 5}  # theirs kept, and February not written either


def test_a_period_added_or_removed_since_it_was_read_is_a_conflict(world: World) -> None:
    ana = world.north_member
    world.store.put_observations([point(world, JAN, 1)], ana)
    world.store.put_observations([point(world, MAR, 4)], world.facilitator)  # added
    with pytest.raises(Conflict, match="Mar 2026"):
        world.store.put_observations(
            [point(world, MAR, 7)], ana, read_versions={key(world, MAR): None}
        )
    saved = world.store.find(Observation, ana, measure_id=world.north_measure.id)
    january = next(s for s in saved if s.record.period == JAN)
    world.store.delete(
        Observation, january.record.id, world.facilitator, expected_version=january.version
    )
    with pytest.raises(Conflict, match="Jan 2026"):
        world.store.put_observations(
            [point(world, JAN, 2)], ana, read_versions={key(world, JAN): 1}
        )
    assert values(world) == {MAR: 4}


def test_without_read_versions_a_put_replaces_as_before(world: World) -> None:
    ana = world.north_member
    world.store.put_observations([point(world, JAN, 1)], ana)
    world.store.put_observations([point(world, JAN, 5)], world.facilitator)
    assert world.store.put_observations([point(world, JAN, 2)], ana) == 1
    assert values(world) == {JAN: 2}
