"""Importing measure data from CSV and Excel: every bad file is refused in plain words and
changes nothing; good files in the formats teams really use are read correctly."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from kit.errors import PermissionDenied
from kit.qi import Measure, Observation
from kit.store import Store
from kit.store.observation_import import (
    MAX_PROBLEMS_LISTED,
    ObservationFileError,
    import_observations,
    parse_observation_file,
)

from .conftest import SYSTEM, World

FRACTION = "shared"  # the P-chart measure: period, numerator, denominator
COUNT = "north"  # the C-chart measure: period, value


def xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _measure(world: World, which: str) -> Measure:
    return world.shared_measure if which == FRACTION else world.north_measure


def _snapshot(store: Store) -> str:
    """Every stored data point and the number of revisions, comparable with ==."""
    from kit.store.schema import revisions

    with store.engine.connect() as conn:
        history = conn.execute(revisions.select()).all()
    return store.observations(SYSTEM).to_json(date_format="iso") + f" revisions={len(history)}"


MALFORMED = [
    # (id, file name, content, measure, words the message must contain)
    ("wrong columns", "a.csv", csv("date,count", "2026-01,3"), COUNT,
     ["columns are not right", "period, value", "Missing: value", "'count'"]),
    ("missing denominator column", "a.csv", csv("period,numerator", "2026-01,3"), FRACTION,
     ["Missing: denominator", "period, numerator, denominator"]),
    ("value file for a fraction measure", "a.csv", csv("period,value", "2026-01,3"), FRACTION,
     ["Missing: numerator, denominator"]),
    ("no header at all", "a.csv", csv("2026-01,3", "2026-02,4"), COUNT,
     ["columns are not right"]),
    ("two value columns", "a.csv", csv("period,value,Value", "2026-01,3,4"), COUNT,
     ["two 'value' columns"]),
    ("text in numerator", "a.csv", csv("period,numerator,denominator", "2026-01,abc,10"),
     FRACTION, ["Row 2: 'abc' in numerator is not a number"]),
    ("text in value", "a.csv", csv("period,value", "2026-01,3", "2026-02,three"), COUNT,
     ["Row 3: 'three' in value is not a number"]),
    ("nan and infinity", "a.csv", csv("period,value", "2026-01,nan", "2026-02,inf"), COUNT,
     ["Row 2: 'nan' in value", "Row 3: 'inf' in value"]),
    ("percent sign", "a.csv", csv("period,value", "2026-01,45%"), COUNT,
     ["'45%' in value is not a number"]),
    ("numerator above denominator", "a.csv",
     csv("period,numerator,denominator", "2026-01,3,10", "2026-02,12,10"), FRACTION,
     ["Row 3", "numerator (12) is larger than the denominator (10)"]),
    ("negative numerator", "a.csv", csv("period,numerator,denominator", "2026-01,-1,10"),
     FRACTION, ["Row 2: the numerator is negative (-1)", "cannot be below zero"]),
    ("negative count", "a.csv", csv("period,value", "2026-01,-4"), COUNT,
     ["Row 2: the value is negative", "C chart"]),
    ("zero denominator", "a.csv", csv("period,numerator,denominator", "2026-01,0,0"), FRACTION,
     ["Row 2: the denominator is 0"]),
    ("empty numbers", "a.csv", csv("period,numerator,denominator", "2026-01,,10"), FRACTION,
     ["Row 2: the numerator is empty"]),
    ("empty period", "a.csv", csv("period,value", ",3"), COUNT, ["Row 2: the period is empty"]),
    ("duplicate periods", "a.csv", csv("period,value", "2026-01,1", "2026-02,2", "2026-01-15,3"),
     COUNT, ["Row 4: Jan 2026 appears twice (also row 2)"]),
    ("unparseable date", "a.csv", csv("period,value", "soon,1"), COUNT,
     ["Row 2: 'soon' is not a date", "2026-03"]),
    ("impossible date", "a.csv", csv("period,value", "2026-13-01,1"), COUNT,
     ["Row 2: '2026-13-01' is not a date"]),
    ("ambiguous date", "a.csv", csv("period,value", "01/03/2026,1"), COUNT,
     ["could be day/month or month/day", "2026-03-01"]),
    ("empty file", "a.csv", b"", COUNT, ["The file is empty"]),
    ("blank lines only", "a.csv", b"\n \n\t\n", COUNT, ["The file is empty"]),
    ("header only", "a.csv", csv("period,value"), COUNT, ["header row but no data"]),
    ("binary garbage", "a.csv", bytes(range(256)) * 8, COUNT, ["not a CSV or Excel file"]),
    ("an image", "chart.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, COUNT,
     ["not a CSV or Excel file"]),
    ("csv named xlsx", "a.xlsx", csv("period,value", "2026-01,1"), COUNT,
     ["named like an Excel file but is not one"]),
    ("broken zip", "a.xlsx", b"PK\x03\x04" + b"\x01" * 200, COUNT, ["not an Excel file"]),
    ("old excel", "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, COUNT,
     ["old-style Excel file (.xls)", "save it as .xlsx"]),
    ("too large", "a.csv", b"period,value\n" + b"2026-01-01,1\n" * 500_000, COUNT,
     ["too large", "limit is 5 MB"]),
    ("too many rows", "a.csv",
     b"period,value\n" + b"".join(b"%d-01-01,1\n" % (1000 + i) for i in range(10_001)), COUNT,
     ["10,000"]),
    ("excel text in number", "a.xlsx",
     xlsx([["Period", "Value"], [dt.datetime(2026, 1, 1), 1], [dt.datetime(2026, 2, 1), "n/a"]]),
     COUNT, ["Row 3: 'n/a' in value is not a number"]),
    ("excel duplicate month", "a.xlsx",
     xlsx([["period", "value"], ["2026-01", 1], [dt.datetime(2026, 1, 31), 2]]), COUNT,
     ["Row 3: Jan 2026 appears twice (also row 2)"]),
    ("excel wrong columns", "a.xlsx", xlsx([["when", "how many"], ["2026-01", 1]]), COUNT,
     ["columns are not right", "'when'"]),
    ("many problems at once", "a.csv",
     csv("period,numerator,denominator", "x,1,2", "2026-02,y,2", "2026-03,5,2", "2026-04,1,z"),
     FRACTION, ["4 problems to fix", "Row 2", "Row 3", "Row 4", "Row 5"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "which", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in MALFORMED],
)
def test_malformed_file_is_refused_and_changes_nothing(
    sqlite_world: World, tmp_path: Path, name: str, content: bytes, which: str, words: list[str]
) -> None:
    store = sqlite_world.store
    measure = _measure(sqlite_world, which)
    store.put_observations(
        [
            Observation(
                measure_id=measure.id,
                team_id=sqlite_world.north.id,
                period=dt.date(2025, 12, 1),
                **({"numerator": 1, "denominator": 2} if which == FRACTION else {"value": 9}),
            )
        ],
        SYSTEM,
    )
    before = _snapshot(store)
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ObservationFileError) as caught:
        import_observations(store, SYSTEM, path, measure.id, sqlite_world.north.id)
    message = str(caught.value)
    problems = caught.value.report.problems
    assert problems, "a refusal must say what is wrong"
    assert all(problem in message for problem in problems[:MAX_PROBLEMS_LISTED]), message
    assert message.startswith(f"'{name}' was not imported; nothing was changed."), message
    for word in words:
        assert word in message, message
    assert "Traceback" not in message and "pydantic" not in message.lower()
    assert _snapshot(store) == before


def test_malformed_files_are_refused_for_twenty_different_reasons(sqlite_world: World) -> None:
    """The corpus is not twenty copies of one mistake: the kit answers each in its own words."""
    reasons = set()
    for _case, name, content, which, _words in MALFORMED:
        with pytest.raises(ObservationFileError) as caught:
            parse_observation_file(
                content, measure=_measure(sqlite_world, which), team_id="t", filename=name
            )
        reasons.add(caught.value.report.problems[0])
    assert len(reasons) >= 20, sorted(reasons)


def test_report_is_attached(sqlite_world: World) -> None:
    with pytest.raises(ObservationFileError) as caught:
        parse_observation_file(
            csv("period,value", "x,1", "y,2"), measure=sqlite_world.north_measure, team_id="t"
        )
    report = caught.value.report
    assert report.rows_read == 2 and len(report.problems) == 2
    assert report.problems[0].startswith("Row 2:")


def _read(world: World, content: bytes, which: str = COUNT, name: str = "f.csv") -> list:
    observations = parse_observation_file(
        content, measure=_measure(world, which), team_id=world.north.id, filename=name
    )
    return [(o.period, o.value, o.numerator, o.denominator, o.note) for o in observations]


def test_common_date_formats(sqlite_world: World) -> None:
    content = csv(
        "period,value",
        "2026-01,1",
        "2026-02-01,2",
        "Mar 2026,3",
        "April 2026,4",
        "May-26,5",
        "2026/06/01,6",
        "07/2026,7",
        "2026-08-01T00:00:00,8",
        "1 Sep 2026,9",
    )
    rows = _read(sqlite_world, content)
    assert [r[0] for r in rows] == [dt.date(2026, m, 1) for m in range(1, 10)]
    assert [r[1] for r in rows] == [float(m) for m in range(1, 10)]


@pytest.mark.parametrize(
    ("dates", "months"),
    [
        (["01/03/2026", "01/04/2026", "01/05/2026"], [3, 4, 5]),  # day fixed: day first
        (["03/01/2026", "04/01/2026", "05/01/2026"], [3, 4, 5]),  # day fixed: month first
        (["13/03/2026", "02/04/2026"], [3, 4]),  # a day above 12: day first
        (["03/13/2026", "04/02/2026"], [3, 4]),  # a day above 12: month first
        (["31.03.2026", "30.04.2026"], [3, 4]),
    ],
)
def test_slash_dates_are_read_from_the_whole_column(
    sqlite_world: World, dates: list[str], months: list[int]
) -> None:
    rows = _read(sqlite_world, csv("period,value", *(f"{d},1" for d in dates)))
    assert [r[0] for r in rows] == [dt.date(2026, m, 1) for m in months]


def _measured_value(world: World) -> Measure:
    """An I chart measure: a measurement per period, which may have a fraction."""
    return world.store.save(
        Measure(
            collaborative_id=world.collaborative.id,
            team_id=world.north.id,
            name="Days to discharge letter",
            measure_kind="process",
            direction="down",
            chart="i",
        ),
        SYSTEM,
        expected_version=None,
    ).record


def test_bom_semicolons_decimal_commas_blank_rows_and_extra_columns(sqlite_world: World) -> None:
    content = "\ufeff Period ;Team;VALUE;Notes\n2026-01;North;3,5;first\n;;;\n\n2026-02;North;4;\n"
    observations = parse_observation_file(
        content.encode("utf-8"), measure=_measured_value(sqlite_world), team_id="t"
    )
    rows = [(o.period, o.value, o.numerator, o.denominator, o.note) for o in observations]
    assert rows == [
        (dt.date(2026, 1, 1), 3.5, None, None, "first"),
        (dt.date(2026, 2, 1), 4.0, None, None, ""),
    ]


def test_windows_encoding_and_thousands(sqlite_world: World) -> None:
    content = 'period,value,note\n2026-01,"1,234",caf\xe9\n'.encode("cp1252")
    assert _read(sqlite_world, content) == [(dt.date(2026, 1, 1), 1234.0, None, None, "café")]


def test_excel_with_real_dates_and_fractions(sqlite_world: World) -> None:
    content = xlsx(
        [
            ["period", "numerator", "denominator", "note"],
            [dt.datetime(2026, 1, 1), 3, 10, "checked by Kim"],
            [None, None, None, None],
            [dt.date(2026, 2, 1), 4.0, 10, None],
        ]
    )
    rows = _read(sqlite_world, content, FRACTION, "data.xlsx")
    assert rows == [
        (dt.date(2026, 1, 1), None, 3.0, 10.0, "checked by Kim"),
        (dt.date(2026, 2, 1), None, 4.0, 10.0, ""),
    ]


def test_import_end_to_end(world: World, tmp_path: Path) -> None:
    path = tmp_path / "north.csv"
    path.write_bytes(csv("period,numerator,denominator", "2026-01,3,10", "2026-02,4,10"))
    args = (world.shared_measure.id, world.north.id)
    assert import_observations(world.store, world.north_member, path, *args) == 2
    assert import_observations(world.store, world.north_member, path, *args) == 0
    path.write_bytes(csv("period,numerator,denominator", "2026-02,5,10", "2026-03,6,10"))
    assert import_observations(world.store, world.north_member, path, *args) == 2
    frame = world.store.observations(world.north_member, measure_id=world.shared_measure.id)
    assert frame["numerator"].tolist() == [3.0, 5.0, 6.0]
    with pytest.raises(PermissionDenied):
        import_observations(
            world.store, world.north_member, path, world.shared_measure.id, world.south.id
        )
    assert world.store.observations(SYSTEM, team_id=world.south.id).empty
