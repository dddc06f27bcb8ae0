"""Every file in the bad-observations corpus is refused in words a participant can act on,
nothing of it is imported, and the data already there is unchanged.

The corpus is ``tests/data/bad-observations/``: CSV files as committed, binary files checked
against the script that makes them, Excel files made by that script for the session, and two
files too big to commit (100,000 rows; over the upload limit) made here."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from kit.qi import Observation
from kit.store import Store
from kit.store.observation_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ObservationFileError,
    import_observations,
)

from .conftest import SYSTEM, World

CORPUS = Path(__file__).parents[1] / "data" / "bad-observations"

#: for each file, the words its refusal must contain
EXPECTED: dict[str, list[str]] = {
    # wrong and missing columns
    "count-wrong-columns.csv": ["columns are not right", "Missing: value", "'count'"],
    "count-missing-value-column.csv": ["columns are not right", "Missing: value"],
    "fraction-missing-denominator.csv": ["Missing: denominator", "numerator, denominator"],
    "fraction-value-instead-of-fraction.csv": ["Missing: numerator, denominator"],
    "count-no-header.csv": ["columns are not right", "the first row must name the columns"],
    "count-two-value-columns.csv": ["two 'value' columns", "keep one"],
    "count-misspelt-columns.csv": ["columns are not right", "'perod', 'valeu'"],
    "count-semicolons-wrong-columns.csv": ["columns are not right", "'monat', 'anzahl'"],
    "count-excel-wrong-columns.xlsx": ["columns are not right", "'when'"],
    # dates
    "count-mixed-date-formats.csv": ["could be day/month or month/day", "2026-03-01"],
    "count-mixed-date-text.csv": ["Row 4", "is not a date", "2026-03"],
    "count-impossible-date.csv": ["Row 3: '2026-13-01' is not a date"],
    "count-excel-ambiguous-date.xlsx": ["'01/02/2026' could be day/month or month/day"],
    "count-empty-period.csv": ["Row 3: the period is empty"],
    # text in number columns, decimal commas
    "count-text-in-value.csv": ["Row 3: 'three' in value is not a number"],
    "fraction-text-in-numerator.csv": ["Row 2: 'abc' in numerator is not a number"],
    "fraction-text-in-denominator.csv": ["Row 3: 'ten' in denominator is not a number"],
    "count-percent-sign.csv": ["'45%' in value is not a number"],
    "count-nan-and-infinity.csv": ["Row 2: 'nan' in value", "Row 3: 'inf' in value"],
    "count-excel-text-in-number.xlsx": ["Row 3: 'n/a' in value is not a number"],
    "count-decimal-comma-quoted.csv": ["'3,5' in value is not a number", "with a point (3.5)"],
    "count-decimal-comma-unquoted.csv": ["Row 2 has more cells than the header", "(3.5)"],
    "count-decimal-comma-semicolons.csv": ["Row 2: the value is 3,5", "whole number"],
    "fraction-empty-numerator.csv": ["Row 2: the numerator is empty"],
    # impossible numbers
    "fraction-numerator-above-denominator.csv": [
        "Row 3",
        "numerator (12) is larger than the denominator (10)",
    ],
    "fraction-excel-numerator-above-denominator.xlsx": ["numerator (11) is larger"],
    "fraction-negative-numerator.csv": ["the numerator is negative (-1)", "below zero"],
    "fraction-negative-denominator.csv": ["the denominator is negative (-10)", "below zero"],
    "count-negative-value.csv": ["Row 3: the value is negative (-4)", "C chart"],
    "fraction-zero-denominator.csv": ["Row 2: the denominator is 0"],
    # fractional counts
    "count-fractional-value.csv": ["Row 2: the value is 3.7", "a count is a whole number"],
    "fraction-fractional-numerator.csv": ["the numerator is 3.7", "a count is a whole number"],
    "fraction-fractional-denominator.csv": ["the denominator is 10.5", "whole number"],
    "fraction-excel-fractional-numerator.xlsx": ["the numerator is 2.5", "whole number"],
    # duplicate periods
    "count-duplicate-periods.csv": ["Row 4: Jan 2026 appears twice (also row 2)"],
    "count-duplicate-periods-different-forms.csv": ["Row 3: Mar 2026 appears twice"],
    "count-excel-duplicate-month.xlsx": ["Row 3: Jan 2026 appears twice (also row 2)"],
    # empty files
    "count-empty.csv": ["The file is empty"],
    "count-blank-lines.csv": ["The file is empty"],
    "count-header-only.csv": ["header row but no data"],
    "count-excel-empty.xlsx": ["The file is empty"],
    # not a spreadsheet at all
    "count-binary-renamed.csv": ["not a CSV or Excel file", "binary data"],
    "count-image-renamed.csv": ["not a CSV or Excel file"],
    "count-pdf-renamed.csv": ["not a CSV or Excel file"],
    "count-zip-renamed.csv": ["not an Excel file the kit can read", "save it as .xlsx or CSV"],
    "count-old-excel.xls": ["old-style Excel file (.xls)", "save it as .xlsx"],
    "count-broken-zip.xlsx": ["not an Excel file"],
    "count-csv-named-xlsx.xlsx": ["named like an Excel file but is not one"],
    # what spreadsheets do to data
    "count-excel-formulas.xlsx": ["Cell B2 holds a formula (=1+2)", "no result saved", "B3"],
    "count-excel-merged-cells.xlsx": ["merged cells (A2:A3)", "unmerge them"],
    "count-excel-several-sheets.xlsx": ["data on several sheets ('2025', '2026')", "one sheet"],
    # many problems at once are all listed
    "fraction-many-problems.csv": ["4 problems to fix", "Row 2", "Row 3", "Row 4", "Row 5"],
    # too big to commit: made by ``big_files``
    "count-100000-rows.csv": [f"more than {MAX_ROWS:,} rows", "split it up"],
    "count-over-the-upload-limit.csv": ["too large", f"the limit is {MAX_FILE_BYTES // 2**20} MB"],
}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_files", CORPUS / "make_files.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def big_files() -> dict[str, bytes]:
    rows = b"".join(
        b"%04d-%02d-01,%d\n" % (1000 + n // 12, n % 12 + 1, n % 7) for n in range(100_000)
    )
    over = b"period,value\n" + b"2026-01-01,1\n" * (MAX_FILE_BYTES // 13 + 1)
    assert len(over) > MAX_FILE_BYTES
    return {
        "count-100000-rows.csv": b"period,value\n" + rows,
        "count-over-the-upload-limit.csv": over,
    }


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole corpus in one folder: committed files, Excel files and the big ones."""
    folder = tmp_path_factory.mktemp("bad-observations")
    for path in CORPUS.iterdir():
        if path.name in EXPECTED:
            (folder / path.name).write_bytes(path.read_bytes())
    for name, content in (_script().excel_files() | big_files()).items():
        (folder / name).write_bytes(content)
    return folder


def test_the_corpus_and_the_expectations_name_the_same_files() -> None:
    committed = {p.name for p in CORPUS.iterdir() if p.name != "make_files.py"}
    made = set(_script().excel_files()) | set(big_files())
    assert committed.isdisjoint(made)
    assert committed | made == set(EXPECTED)
    assert len(EXPECTED) >= 40


def test_committed_binary_files_are_what_the_script_makes() -> None:
    for name, content in _script().binary_files().items():
        assert (CORPUS / name).read_bytes() == content, name


def _snapshot(store: Store) -> str:
    """Every stored data point and every revision, comparable with ==."""
    from kit.store.schema import observations, revisions

    with store.engine.connect() as conn:
        points = conn.execute(observations.select().order_by(observations.c.id)).all()
        history = conn.execute(
            revisions.select().order_by(
                revisions.c.kind, revisions.c.record_id, revisions.c.version
            )
        ).all()
    return repr(points) + repr(history)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_is_refused_in_words_and_changes_nothing(
    sqlite_world: World, corpus: Path, name: str
) -> None:
    store = sqlite_world.store
    fraction = name.startswith("fraction-")
    measure = sqlite_world.shared_measure if fraction else sqlite_world.north_measure
    store.put_observations(
        [
            Observation(
                measure_id=measure.id,
                team_id=sqlite_world.north.id,
                period=dt.date(2026, month, 1),
                **({"numerator": 1, "denominator": 2} if fraction else {"value": 9}),
            )
            for month in (1, 2)  # periods the files would replace
        ],
        SYSTEM,
    )
    before = _snapshot(store)
    with pytest.raises(ObservationFileError) as caught:
        import_observations(store, SYSTEM, corpus / name, measure.id, sqlite_world.north.id)
    message = str(caught.value)
    assert message.startswith(f"'{name}' was not imported; nothing was changed."), message
    for words in EXPECTED[name]:
        assert words in message, message
    assert "Traceback" not in message and "pydantic" not in message.lower()
    assert "Error" not in message  # no exception names
    assert _snapshot(store) == before
