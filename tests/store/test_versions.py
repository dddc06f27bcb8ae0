"""Optimistic concurrency and history: a stale save overwrites nothing; nothing is lost."""

from __future__ import annotations

import pytest

from kit.errors import Conflict, KitInputError
from kit.qi import Aim, DriverDiagram, PrimaryDriver
from kit.store import Actor

from .conftest import SYSTEM, World


def test_stale_save_raises_conflict_and_overwrites_nothing(world: World) -> None:
    store = world.store
    ana, ben = Actor.participant(world.north.id, "Ana"), Actor.participant(world.north.id, "Ben")
    loaded_by_ana = store.get(Aim, world.north_aim.id, ana)
    loaded_by_ben = store.get(Aim, world.north_aim.id, ben)
    store.save(
        loaded_by_ben.record.model_copy(update={"what": "Ben's words"}),
        ben,
        expected_version=loaded_by_ben.version,
    )
    with pytest.raises(Conflict) as caught:
        store.save(
            loaded_by_ana.record.model_copy(update={"what": "Ana's words"}),
            ana,
            expected_version=loaded_by_ana.version,
        )
    message = str(caught.value)
    assert "Ben (North Ward) saved this aim at" in message
    assert "UTC" in message
    assert "your changes were not saved; reload to see theirs" in message
    current = store.get(Aim, world.north_aim.id, ana)
    assert current.record.what == "Ben's words"
    assert current.version == 2
    assert len(store.revisions(Aim, world.north_aim.id, ana)) == 2


def test_creating_an_existing_record_conflicts(world: World) -> None:
    with pytest.raises(Conflict, match="already exists"):
        world.store.save(world.north_aim, SYSTEM, expected_version=None)
    assert world.store.get(Aim, world.north_aim.id, SYSTEM).version == 1


def test_update_of_missing_record_is_not_found(world: World) -> None:
    with pytest.raises(KitInputError, match="not found"):
        world.store.save(Aim(team_id=world.north.id), SYSTEM, expected_version=1)


def test_revisions_and_restore(world: World) -> None:
    store, me = world.store, world.north_member
    aim_id = world.north_aim.id
    texts = ["first draft", "second draft", "third draft"]
    version = 1
    for text in texts:
        current = store.get(Aim, aim_id, me)
        version = store.save(
            current.record.model_copy(update={"what": text}), me, expected_version=version
        ).version
    history = store.revisions(Aim, aim_id, me)
    assert [r.version for r in history] == [1, 2, 3, 4]
    assert [r.action for r in history] == ["create", "update", "update", "update"]
    assert [r.record.what for r in history] == ["Earlier discharges", *texts]
    assert history[1].saved_by == "Ana (North Ward)"
    assert history[0].saved_at <= history[-1].saved_at

    with pytest.raises(Conflict):
        store.restore(Aim, aim_id, 2, me, expected_version=3)
    restored = store.restore(Aim, aim_id, 2, me, expected_version=4)
    assert restored.version == 5
    assert restored.record.what == "first draft"
    assert store.get(Aim, aim_id, me).record.what == "first draft"
    history = store.revisions(Aim, aim_id, me)
    assert [r.action for r in history][-1] == "restore"
    assert len(history) == 5
    with pytest.raises(KitInputError, match="no version 42"):
        store.restore(Aim, aim_id, 42, me, expected_version=5)


def test_delete_keeps_history_and_restore_brings_it_back(world: World) -> None:
    store, me = world.store, world.north_member
    aim_id = world.north_aim.id
    with pytest.raises(Conflict):
        store.delete(Aim, aim_id, me, expected_version=7)
    store.delete(Aim, aim_id, me, expected_version=1)
    with pytest.raises(KitInputError, match="not found"):
        store.get(Aim, aim_id, me)
    assert aim_id not in [s.record.id for s in store.find(Aim, me)]
    history = store.revisions(Aim, aim_id, me)
    assert [(r.version, r.action) for r in history] == [(1, "create"), (2, "delete")]
    assert history[-1].record.what == "Earlier discharges"
    with pytest.raises(Conflict, match="deleted this aim"):
        store.save(world.north_aim, me, expected_version=1)
    back = store.restore(Aim, aim_id, 1, me, expected_version=2)
    assert back.version == 3
    assert store.get(Aim, aim_id, me).record == world.north_aim


def test_create_after_delete_continues_history(world: World) -> None:
    store = world.store
    store.delete(Aim, world.north_aim.id, SYSTEM, expected_version=1)
    again = store.save(world.north_aim, SYSTEM, expected_version=None)
    assert again.version == 3
    assert [r.action for r in store.revisions(Aim, world.north_aim.id, SYSTEM)] == [
        "create",
        "delete",
        "create",
    ]


def test_nested_records_restore_exactly(world: World) -> None:
    store = world.store
    diagram = DriverDiagram(
        collaborative_id=world.collaborative.id,
        team_id=world.north.id,
        primary_drivers=[PrimaryDriver(text="A")],
    )
    store.save(diagram, SYSTEM, expected_version=None)
    edited = diagram.model_copy(update={"primary_drivers": []})
    store.save(edited, SYSTEM, expected_version=1)
    store.restore(DriverDiagram, diagram.id, 1, SYSTEM, expected_version=2)
    assert store.get(DriverDiagram, diagram.id, SYSTEM).record == diagram
