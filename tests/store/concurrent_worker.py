"""The body of one writer process in ``test_concurrency`` (importable, as spawn requires)."""

from __future__ import annotations

import random

from kit.errors import Conflict
from kit.qi import Aim
from kit.store import Actor, Store


def edit_many(args: tuple[str, int, list[str], str, int]) -> dict[str, object]:
    """Make ``edits`` read-modify-write edits; report which landed and which conflicted.

    Each edit appends a token unique to this process and edit to a shared aim's text. An
    edit lands only if ``save`` returns; a ``Conflict`` means it must have changed nothing.
    Any other error (for example "database is locked") is returned and fails the test.
    """
    url, worker, aim_ids, team_id, edits = args
    rng = random.Random(worker)
    actor = Actor.participant(team_id, f"writer {worker}")
    landed: dict[str, list[str]] = {aim_id: [] for aim_id in aim_ids}
    conflicts: list[str] = []
    errors: list[str] = []
    with Store.open(url) as store:
        for edit in range(edits):
            aim_id = rng.choice(aim_ids)
            token = f"{worker}.{edit};"
            try:
                current = store.get(Aim, aim_id, actor)
                store.save(
                    current.record.model_copy(
                        update={"free_text": current.record.free_text + token}
                    ),
                    actor,
                    expected_version=current.version,
                )
            except Conflict:
                conflicts.append(token)
            except Exception as error:  # reported to the test, which fails on it
                errors.append(f"{token} {type(error).__name__}: {error}")
            else:
                landed[aim_id].append(token)
    return {"landed": landed, "conflicts": conflicts, "errors": errors}
