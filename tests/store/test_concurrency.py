"""Eight processes writing one SQLite file: every edit lands or conflicts; none is lost."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest
import sqlalchemy as sa

from kit.qi import Aim
from kit.store.schema import revisions

from .concurrent_worker import edit_many
from .conftest import SYSTEM, World

PROCESSES = 8
EDITS = 200
SHARED_AIMS = 8


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_eight_writers_lose_nothing(sqlite_world: World, sqlite_url: str) -> None:
    store = sqlite_world.store
    aims = [
        store.save(Aim(team_id=sqlite_world.north.id), SYSTEM, expected_version=None).record.id
        for _ in range(SHARED_AIMS)
    ]
    jobs = [(sqlite_url, w, aims, sqlite_world.north.id, EDITS) for w in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(edit_many, jobs)

    errors = [e for r in results for e in r["errors"]]
    assert errors == [], errors[:5]
    landed: dict[str, list[str]] = {a: [] for a in aims}
    for result in results:
        for aim_id, tokens in result["landed"].items():
            landed[aim_id].extend(tokens)
    conflicted = [t for r in results for t in r["conflicts"]]
    total_landed = sum(len(t) for t in landed.values())
    assert total_landed + len(conflicted) == PROCESSES * EDITS
    assert total_landed > 0

    with store.engine.connect() as conn:
        revision_rows = conn.execute(
            sa.select(sa.func.count()).where(
                revisions.c.kind == "aim", revisions.c.record_id.in_(aims)
            )
        ).scalar_one()
    version_increments = 0
    for aim_id in aims:
        final = store.get(Aim, aim_id, SYSTEM)
        version_increments += final.version - 1
        tokens = [t + ";" for t in final.record.free_text.split(";") if t]
        # exactly the landed edits, each once: none lost, none silently overwritten
        assert Counter(tokens) == Counter(landed[aim_id]), aim_id
        # and in the order the store versioned them
        history = store.revisions(Aim, aim_id, SYSTEM)
        assert [r.version for r in history] == list(range(1, final.version + 1))
    assert version_increments == total_landed
    assert revision_rows == total_landed + SHARED_AIMS  # one "create" row per aim
    assert not set(conflicted) & {t for ts in landed.values() for t in ts}


def test_threads_on_each_backend_lose_nothing(world: World) -> None:
    """The same guarantee on PostgreSQL (READ COMMITTED: the versioned UPDATE decides)."""
    from concurrent.futures import ThreadPoolExecutor

    from kit.errors import Conflict
    from kit.store import Store

    aim_id = world.north_aim.id

    def writer(worker: int) -> list[str]:
        landed = []
        with Store.open(world.store.url) as store:
            for edit in range(25):
                token = f"{worker}.{edit};"
                current = store.get(Aim, aim_id, SYSTEM)
                try:
                    store.save(
                        current.record.model_copy(
                            update={"free_text": current.record.free_text + token}
                        ),
                        SYSTEM,
                        expected_version=current.version,
                    )
                except Conflict:
                    continue
                landed.append(token)
        return landed

    with ThreadPoolExecutor(4) as pool:
        landed = [t for tokens in pool.map(writer, range(4)) for t in tokens]
    final = world.store.get(Aim, aim_id, SYSTEM)
    assert final.version - 1 == len(landed)
    assert Counter(t + ";" for t in final.record.free_text.split(";") if t) == Counter(landed)
    assert len(world.store.revisions(Aim, aim_id, SYSTEM)) == final.version
