"""Workbooks are lossless: export -> import into an empty database -> export is identical."""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.errors import KitInputError, PermissionDenied
from kit.qi import (
    Aim,
    Assessment,
    ChangeIdea,
    Collaborative,
    DriverDiagram,
    Measure,
    Member,
    MonthlyReport,
    Observation,
    PDSACycle,
    PrimaryDriver,
    Record,
    SecondaryDriver,
    Team,
    TopicBallot,
    TopicCandidate,
)
from kit.store import Actor, Store
from kit.store.workbook import (
    FORMAT,
    export_observations_xlsx,
    export_workbook,
    import_workbook,
    read_workbook,
    write_workbook,
)

from .conftest import SYSTEM, World

# --- generated collaboratives ----------------------------------------------------------------

words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
names = st.tuples(st.sampled_from("AbÇdЖ東🚑"), words).map(lambda t: (t[0] + t[1]).strip())
numbers = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=500).map(float)
months = st.integers(min_value=0, max_value=35).map(
    lambda n: dt.date(2025 + n // 12, n % 12 + 1, 1)
)


@st.composite
def collaboratives(draw: st.DrawFn) -> list[tuple[Record, int]]:
    """A collaborative's records in saving order, each with how many times it is re-saved."""
    out: list[tuple[Record, int]] = []
    edits = st.integers(min_value=0, max_value=2)
    collaborative = Collaborative(name=draw(names), topic=draw(words), aim=draw(words))
    out.append((collaborative, draw(edits)))
    c = collaborative.id
    out.append((TopicCandidate(collaborative_id=c, title=draw(names)), 0))
    shared = [
        Measure(
            collaborative_id=c,
            name=draw(names),
            measure_kind=draw(st.sampled_from(["outcome", "process", "balancing"])),
            has_denominator=fraction,
            chart="p" if fraction else draw(st.sampled_from(["run", "i", "c"])),
            direction=draw(st.sampled_from(["up", "down"])),
            baseline=draw(st.none() | numbers),
        )
        for fraction in draw(st.lists(st.booleans(), min_size=1, max_size=2))
    ]
    out += [(m, draw(edits)) for m in shared]
    primary = PrimaryDriver(text=draw(names))
    out.append(
        (DriverDiagram(collaborative_id=c, aim_text=draw(words), primary_drivers=[primary]), 0)
    )
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        team = Team(
            collaborative_id=c,
            name=draw(names),
            organisation=draw(words),
            members=[Member(name=draw(names), role="day_to_day_leader")],
        )
        t = team.id
        out.append((team, draw(edits)))
        own = Measure(
            collaborative_id=c,
            team_id=t,
            name=draw(names),
            measure_kind="process",
            direction="up",
            chart="run",
        )
        out.append((own, 0))
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            out.append(
                (Aim(team_id=t, what=draw(words), baseline=draw(st.none() | numbers)), draw(edits))
            )
        secondary = SecondaryDriver(text=draw(names), primary_ids=[primary.id])
        idea = ChangeIdea(text=draw(names), secondary_ids=[secondary.id])
        out.append(
            (
                DriverDiagram(
                    collaborative_id=c,
                    team_id=t,
                    primary_drivers=[primary],
                    secondary_drivers=[secondary],
                    change_ideas=[idea],
                ),
                draw(edits),
            )
        )
        if draw(st.booleans()):
            out.append((PDSACycle(team_id=t, title=draw(names), change_idea_id=idea.id), 0))
        if draw(st.booleans()):
            out.append(
                (
                    Assessment(
                        team_id=t,
                        month=draw(months),
                        score=draw(st.integers(min_value=2, max_value=10)) / 2,
                        rated_by=draw(st.sampled_from(["faculty", "team"])),
                        rater=draw(names),
                        rated_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
                    ),
                    0,
                )
            )
        if draw(st.booleans()):
            out.append((MonthlyReport(team_id=t, month=draw(months), challenges=draw(words)), 0))
        if draw(st.booleans()):
            out.append((TopicBallot(collaborative_id=c, team_id=t, voter=draw(names)), 0))
        for measure in [*shared, own]:
            for period in draw(st.lists(months, max_size=4, unique=True)):
                if measure.has_denominator:
                    denominator = draw(counts)
                    numerator = float(draw(st.integers(min_value=0, max_value=int(denominator))))
                    point = Observation(
                        measure_id=measure.id,
                        team_id=t,
                        period=period,
                        numerator=numerator,
                        denominator=denominator,
                        note=draw(words),
                    )
                else:
                    value = draw(counts if measure.chart == "c" else numbers)  # C: a count
                    point = Observation(
                        measure_id=measure.id, team_id=t, period=period, value=value
                    )
                out.append((point, draw(edits)))
    return out


def _fill(store: Store, plan: list[tuple[Record, int]]) -> str:
    for record, edits in plan:
        saved = store.save(record, SYSTEM, expected_version=None)
        for _ in range(edits):
            saved = store.save(saved.record, SYSTEM, expected_version=saved.version)
    return plan[0][0].id


@functools.cache
def _empty_database() -> bytes:
    """An empty database at the newest migration, copied per example (migrating is slow)."""
    with tempfile.TemporaryDirectory() as folder:
        Store.open(f"sqlite:///{folder}/empty.db").close()
        return (Path(folder) / "empty.db").read_bytes()


def _fresh_store(folder: str, name: str) -> Store:
    path = Path(folder) / name
    path.write_bytes(_empty_database())
    return Store.open(f"sqlite:///{path}")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=collaboratives())
def test_export_import_export_is_identical(plan: list[tuple[Record, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with _fresh_store(folder, "a.db") as first:
            collaborative_id = _fill(first, plan)
            exported = export_workbook(first, SYSTEM, collaborative_id)
        path = write_workbook(Path(folder) / "work.json", exported)
        with _fresh_store(folder, "b.db") as second:
            summary = import_workbook(second, SYSTEM, read_workbook(path))
            again = export_workbook(second, SYSTEM, collaborative_id)
            # importing the same workbook again changes nothing
            assert import_workbook(second, SYSTEM, again).unchanged == summary.created
        assert again == exported
        assert write_workbook(Path(folder) / "again.json", again).read_bytes() == path.read_bytes()
        assert summary.created == len(plan) and summary.updated == 0


# --- workbook behaviour ----------------------------------------------------------------------


def _observations(world: World) -> None:
    world.store.put_observations(
        [
            Observation(
                measure_id=world.shared_measure.id,
                team_id=team.id,
                period=dt.date(2026, m, 1),
                numerator=m,
                denominator=12,
                note='=HYPERLINK("http://evil")' if m == 1 else "",
            )
            for team in (world.north, world.south)
            for m in (1, 2, 3)
        ],
        SYSTEM,
    )


def test_team_workbook_holds_shared_material_and_only_that_team(
    world: World, tmp_path: Path
) -> None:
    _observations(world)
    book = export_workbook(world.store, world.north_member, world.collaborative.id, world.north.id)
    assert book["format"] == FORMAT and book["schema_version"] == 1
    assert [t["id"] for t in book["records"]["team"]] == [world.north.id]
    assert [a["id"] for a in book["records"]["aim"]] == [world.north_aim.id]
    assert {m["id"] for m in book["records"]["measure"]} == {
        world.shared_measure.id,
        world.north_measure.id,
    }
    assert {o["team_id"] for o in book["observations"]} == {world.north.id}
    with pytest.raises(PermissionDenied):
        export_workbook(world.store, world.north_member, world.collaborative.id, world.south.id)
    # a team workbook is self-contained: it imports into an empty database
    with Store.open(f"sqlite:///{tmp_path / 'fresh.db'}") as fresh:
        summary = import_workbook(fresh, SYSTEM, book)
        assert summary.created == 1 + sum(len(v) for v in book["records"].values()) + 3
        again = export_workbook(fresh, SYSTEM, world.collaborative.id, world.north.id)
    assert again == book


def test_import_over_existing_work_keeps_history(world: World) -> None:
    book = export_workbook(world.store, SYSTEM, world.collaborative.id)
    edited = json.loads(json.dumps(book))
    aim = next(a for a in edited["records"]["aim"] if a["id"] == world.north_aim.id)
    aim["what"] = "Imported words"
    summary = import_workbook(world.store, SYSTEM, edited)
    assert (summary.created, summary.updated) == (0, 1)
    assert str(summary) == f"0 created, 1 updated, {summary.unchanged} unchanged"
    history = world.store.revisions(Aim, world.north_aim.id, SYSTEM)
    assert [r.record.what for r in history] == ["Earlier discharges", "Imported words"]


def test_participant_import_cannot_touch_other_teams(world: World) -> None:
    book = export_workbook(world.store, SYSTEM, world.collaborative.id)
    south = next(a for a in book["records"]["aim"] if a["id"] == world.south_aim.id)
    south["what"] = "overwritten by north"
    with pytest.raises(PermissionDenied):
        import_workbook(world.store, world.north_member, book)
    assert world.store.get(Aim, world.south_aim.id, SYSTEM).record.what == "Fewer delays"


def _count(store: Store) -> int:
    from kit.qi import RECORD_TYPES

    return sum(len(store.find(cls, SYSTEM)) for cls in RECORD_TYPES.values())


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: b["records"]["aim"][0].update(by_when="2020-01-01", baseline_period_end="2021-01-01"),
         "Aim 1"),
        (lambda b: b["records"]["aim"][0].update(colour="red"), "not a field"),
        (lambda b: b["records"]["aim"][0].pop("version"), "version must be a whole number"),
        (lambda b: b["records"].update(gizmo=[]), "kind this kit does not know: gizmo"),
        (lambda b: b["records"]["aim"].append(dict(b["records"]["aim"][0])), "twice"),
        (lambda b: b["records"]["aim"].append(
            {"id": "new", "team_id": "ghost", "version": 1}), "Team 'ghost' not found"),
        (lambda b: b["observations"].append(
            {"id": "o", "measure_id": "ghost", "team_id": "x", "period": "2026-01-01",
             "value": 1, "version": 1}), "not found"),
        (lambda b: b.pop("collaborative"), "no collaborative"),
        (lambda b: b.update(records=[]), "not in the expected form"),
    ],
)  # fmt: skip
def test_bad_workbook_changes_nothing(world: World, damage: Any, words: str) -> None:
    book = export_workbook(world.store, SYSTEM, world.collaborative.id)
    # a new record in the same workbook must not be written when another one is bad
    book["records"]["aim"].insert(0, {"id": "aaa-new", "team_id": world.north.id, "version": 1})
    damage(book)
    before = _count(world.store)
    with pytest.raises(KitInputError, match=words):
        import_workbook(world.store, SYSTEM, book)
    assert _count(world.store) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a Breakthrough Kit workbook"),
        (b'{"format": "something-else"}', "not a Breakthrough Kit workbook"),
        (b'{"format": "bts-kit-workbook"}', "no valid schema_version"),
        (b'{"format": "bts-kit-workbook", "schema_version": 7}', "newer Breakthrough Kit"),
    ],
)
def test_read_workbook_refuses_what_is_not_one(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "file.json"
    path.write_bytes(content)
    with pytest.raises(KitInputError, match=words):
        read_workbook(path)


def test_read_missing_workbook(tmp_path: Path) -> None:
    with pytest.raises(KitInputError, match="There is no file"):
        read_workbook(tmp_path / "nope.json")


def test_excel_export(world: World, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _observations(world)
    path = export_observations_xlsx(
        world.store, world.facilitator, tmp_path / "data.xlsx", world.collaborative.id
    )
    book = load_workbook(path)
    assert book.sheetnames == ["Data", "Measures", "Teams"]
    rows = list(book["Data"].iter_rows(values_only=True))
    assert rows[0][:7] == ("team", "measure", "period", "value", "numerator", "denominator", "note")
    assert len(rows) == 7
    assert rows[1][:6] == (
        "North Ward",
        "Discharges before noon",
        dt.datetime(2026, 1, 1),
        None,
        1,
        12,
    )
    # hostile text stays text, never a formula
    assert rows[1][6] == '=HYPERLINK("http://evil")'
    assert book["Data"]["G2"].data_type == "s"
    measures = list(book["Measures"].iter_rows(values_only=True))
    assert {m[0] for m in measures[1:]} == {"Discharges before noon", "Falls"}
    team_only = export_observations_xlsx(
        world.store, world.north_member, tmp_path / "north.xlsx", world.collaborative.id,
        world.north.id,
    )  # fmt: skip
    north_rows = list(load_workbook(team_only)["Data"].iter_rows(values_only=True))
    assert {r[0] for r in north_rows[1:]} == {"North Ward"}


def test_actor_for_workbook_tests_is_system() -> None:
    assert Actor.system().is_staff
