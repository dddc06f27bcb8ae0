"""Bad workbook JSON is refused in words and changes nothing: truncated files, schema versions
this kit cannot read, another collaborative's ids, and records that break the kit's rules.

"Nothing changed" is checked on every table of the database, revisions included."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Aim, Collaborative, Team
from kit.store import Store
from kit.store.schema import metadata
from kit.store.workbook import export_workbook, import_workbook, read_workbook, write_workbook

from .conftest import SYSTEM, World


def _everything(store: Store) -> str:
    """Every row of every table, comparable with ==."""
    with store.engine.connect() as conn:
        return repr(
            {
                table.name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                for table in metadata.sorted_tables
            }
        )


def _workbook(world: World) -> dict[str, Any]:
    """The world's workbook with one edit and one new record, so that a partial import shows."""
    book = export_workbook(world.store, SYSTEM, world.collaborative.id)
    book["records"]["aim"][0]["what"] = "Changed by the import"
    book["records"]["aim"].insert(0, {"id": "aaa-new", "team_id": world.north.id, "version": 1})
    return book


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.95, 0.999])
def test_truncated_workbook_is_refused(world: World, tmp_path: Path, keep: float) -> None:
    path = write_workbook(tmp_path / "work.json", _workbook(world))
    text = path.read_bytes()
    path.write_bytes(text[: int(len(text) * keep)])
    before = _everything(world.store)
    with pytest.raises(
        KitInputError, match=r"'work.json' is not a workbook: it is not valid JSON \(line \d+"
    ):
        import_workbook(world.store, SYSTEM, read_workbook(path))
    assert _everything(world.store) == before


@pytest.mark.parametrize(
    ("version", "words"),
    [
        (2, "written by a newer Breakthrough Kit (workbook schema 2; this kit reads up to 1)"),
        (99, "Upgrade the kit to import it"),
        (0, "no valid schema_version; it may be damaged"),
        (-1, "no valid schema_version"),
        ("1", "no valid schema_version"),
        (1.5, "no valid schema_version"),
        (True, "no valid schema_version"),
        (None, "no valid schema_version"),
    ],
)
def test_wrong_schema_version_is_refused(
    world: World, tmp_path: Path, version: object, words: str
) -> None:
    book = _workbook(world)
    book["schema_version"] = version
    path = write_workbook(tmp_path / "work.json", book)
    before = _everything(world.store)
    with pytest.raises(KitInputError) as caught:
        import_workbook(world.store, SYSTEM, read_workbook(path))
    assert words in str(caught.value)
    assert _everything(world.store) == before


@pytest.fixture
def other(world: World) -> tuple[Collaborative, Team, Aim]:
    """A second collaborative in the same database, with a team and its aim."""
    save = world.store.save
    collaborative = save(Collaborative(name="Other Collaborative"), SYSTEM, expected_version=None)
    team = save(
        Team(collaborative_id=collaborative.record.id, name="Elsewhere"),
        SYSTEM,
        expected_version=None,
    )
    aim = save(Aim(team_id=team.record.id, what="Theirs"), SYSTEM, expected_version=None)
    return collaborative.record, team.record, aim.record


def _move_team(world: World, other: Any, book: dict[str, Any]) -> None:
    book["records"]["team"][0]["collaborative_id"] = other[0].id


def _borrow_aim_id(world: World, other: Any, book: dict[str, Any]) -> None:
    book["records"]["aim"].append(
        {"id": other[2].id, "team_id": world.north.id, "what": "Mine now", "version": 1}
    )


def _aim_for_their_team(world: World, other: Any, book: dict[str, Any]) -> None:
    book["records"]["aim"].append({"id": "aim-x", "team_id": other[1].id, "version": 1})


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_move_team, "belongs to another collaborative"),
        (_borrow_aim_id, "belongs to another collaborative"),
        (_aim_for_their_team, "belongs to another collaborative"),
    ],
)
def test_another_collaboratives_ids_are_refused(
    world: World,
    other: tuple[Collaborative, Team, Aim],
    damage: Callable[[World, Any, dict[str, Any]], None],
    words: str,
) -> None:
    book = _workbook(world)
    damage(world, other, book)
    before = _everything(world.store)
    with pytest.raises(PermissionDenied, match=words):
        import_workbook(world.store, world.facilitator, book)
    assert _everything(world.store) == before
    assert world.store.get(Aim, other[2].id, SYSTEM).record.what == "Theirs"


def test_another_collaboratives_workbook_is_refused_whole(
    world: World, other: tuple[Collaborative, Team, Aim]
) -> None:
    """A facilitator signed in to one collaborative imports the other's workbook."""
    book = export_workbook(world.store, SYSTEM, other[0].id)
    book["records"]["aim"][0]["what"] = "Changed from outside"
    before = _everything(world.store)
    with pytest.raises(PermissionDenied, match="sign in to that collaborative"):
        import_workbook(world.store, world.facilitator, book)
    assert _everything(world.store) == before


def _p_chart(book: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in book["records"]["measure"] if m["chart"] == "p")


def _first_observation(book: dict[str, Any], **changes: Any) -> None:
    book["observations"][0].update(changes)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: _first_observation(b, numerator=2.5), "the numerator of 'Discharges before noon' is 2.5"),
        (lambda b: _first_observation(b, numerator=30), "numerator (30) is larger than the denominator (12)"),
        (lambda b: _first_observation(b, numerator=-1), "Numerator cannot be below 0"),
        (lambda b: _first_observation(b, numerator=None, denominator=None, value=3), "has only a value"),
        (lambda b: _first_observation(b, period="March"), "Period must be a date"),
        (lambda b: _first_observation(b, note="a\x00b"), "NUL"),
        (lambda b: _p_chart(b).update(has_denominator=False), "needs a numerator and a denominator"),
        (lambda b: b["records"]["team"][0].update(name=""), "cannot be empty"),
        (lambda b: b["records"]["team"][0].update(name="x" * 5000), "too long"),
        (lambda b: b["records"]["aim"][1].update(version=0), "version must be a whole number"),
        (lambda b: b["records"]["aim"][1].update(version="2"), "version must be a whole number"),
        (lambda b: b["records"]["aim"].append("an aim"), "expected a record, found str"),
        (lambda b: b["collaborative"].update(name=None), "The collaborative"),
        (lambda b: b.update(observations={}), "observations are not a list"),
    ],
)  # fmt: skip
def test_records_that_break_validation_are_refused(
    world: World, damage: Callable[[dict[str, Any]], None], words: str
) -> None:
    from kit.qi import Observation

    world.store.put_observations(
        [
            Observation(
                measure_id=world.shared_measure.id,
                team_id=world.north.id,
                period=f"2026-0{m}-01",
                numerator=m,
                denominator=12,
            )
            for m in (1, 2)
        ],
        SYSTEM,
    )
    book = json.loads(json.dumps(_workbook(world)))
    damage(book)
    before = _everything(world.store)
    with pytest.raises((KitInputError, PermissionDenied)) as caught:
        import_workbook(world.store, SYSTEM, book)
    assert words in str(caught.value), str(caught.value)
    assert "Traceback" not in str(caught.value) and "pydantic" not in str(caught.value).lower()
    assert _everything(world.store) == before
