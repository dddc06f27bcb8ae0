"""Exported spreadsheets run nothing: text that starts like a formula stays text in Excel and
CSV, and real numbers, negative ones too, stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest

from kit.qi import Measure, Observation, Team
from kit.store.workbook import (
    DATA_COLUMNS,
    FORMULA_START,
    export_observations_csv,
    export_observations_xlsx,
    formula_safe,
)

from .conftest import SYSTEM, World

PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _hostile_world(world: World) -> Measure:
    """Team and measure names and notes that start like formulas, and a negative number."""
    store = world.store
    team = store.get(Team, world.north.id, SYSTEM)
    store.save(team.record.model_copy(update={"name": PAYLOADS[1]}), SYSTEM,
               expected_version=team.version)  # fmt: skip
    measure = store.save(
        Measure(
            collaborative_id=world.collaborative.id,
            team_id=world.north.id,
            name=PAYLOADS[3],
            unit=PAYLOADS[2],
            measure_kind="balancing",
            direction="down",
            chart="i",
        ),
        SYSTEM,
        expected_version=None,
    ).record
    store.put_observations(
        [
            Observation(
                measure_id=measure.id,
                team_id=world.north.id,
                period=dt.date(2026, month, 1),
                value=value,
                note=note,
            )
            for month, (value, note) in enumerate(
                [(-3.5, PAYLOADS[0]), (-2.0, PAYLOADS[4]), (4.25, PAYLOADS[5]), (1.0, "-")],
                start=1,
            )
        ],
        SYSTEM,
    )
    return measure


def test_formula_safe_marks_text_only() -> None:
    assert [formula_safe(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert formula_safe(-3.5) == -3.5 and formula_safe(0) == 0 and formula_safe(None) is None
    assert formula_safe("Falls per 1,000 bed days") == "Falls per 1,000 bed days"


def test_excel_export_has_no_formulas_and_keeps_negative_numbers(
    world: World, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    _hostile_world(world)
    path = export_observations_xlsx(
        world.store, world.facilitator, tmp_path / "data.xlsx", world.collaborative.id
    )
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = load_workbook(path)
    risky = [
        cell
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)
    ]
    shown = {cell.value for cell in risky}
    assert {p for p in PAYLOADS if not p.startswith(("\t", "\r"))} <= shown
    for cell in risky:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
    values = [
        row[DATA_COLUMNS.index("value")]
        for row in book["Data"].iter_rows(min_row=2, values_only=True)
        if row[DATA_COLUMNS.index("value")] is not None
    ]
    assert -3.5 in values and -2 in values
    assert all(isinstance(v, int | float) for v in values)


def test_csv_export_marks_formula_text_and_keeps_negative_numbers(
    world: World, tmp_path: Path
) -> None:
    measure = _hostile_world(world)
    path = export_observations_csv(
        world.store, world.facilitator, tmp_path / "data.csv", world.collaborative.id
    )
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == DATA_COLUMNS
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or _is_number(cell), (cell, row)
    mine = [dict(zip(DATA_COLUMNS, row, strict=True)) for row in rows[1:]]
    mine = [r for r in mine if r["measure_id"] == measure.id]
    assert [r["value"] for r in mine] == ["-3.5", "-2", "4.25", "1"]
    assert [r["period"] for r in mine] == [f"2026-0{m}-01" for m in range(1, 5)]
    assert {r["team"] for r in mine} == {"'" + PAYLOADS[1]}
    assert {r["measure"] for r in mine} == {"'" + PAYLOADS[3]}
    notes = [r["note"] for r in mine]
    assert notes[0] == "'" + PAYLOADS[0] and notes[3] == "'-"
    assert all(note.startswith("'") for note in notes if note)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("which", ["xlsx", "csv"])
def test_a_participant_exports_only_their_team(world: World, tmp_path: Path, which: str) -> None:
    _hostile_world(world)
    export = export_observations_xlsx if which == "xlsx" else export_observations_csv
    path = export(
        world.store, world.north_member, tmp_path / f"north.{which}", world.collaborative.id,
        world.north.id,
    )  # fmt: skip
    assert path.exists()
    if which == "csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            teams = {row["team_id"] for row in csv.DictReader(file)}
        assert teams == {world.north.id}
