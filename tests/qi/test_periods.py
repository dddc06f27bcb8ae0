"""The period helpers shared by file import, paste and the data-entry grid."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.qi.periods import (
    day_first,
    expected_periods,
    file_period,
    missing_periods,
    parse_number,
    parse_period,
)

D = dt.date


@pytest.mark.parametrize(
    ("frequency", "first", "last", "expected"),
    [
        (
            "monthly",
            D(2025, 11, 15),
            D(2026, 2, 3),
            [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)],
        ),
        (
            "quarterly",
            D(2025, 11, 15),
            D(2026, 4, 3),
            [D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1)],
        ),
        ("weekly", D(2026, 3, 2), D(2026, 3, 20), [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)]),
        ("monthly", D(2026, 3, 1), D(2026, 2, 1), []),
    ],
)
def test_expected_periods(
    frequency: str, first: dt.date, last: dt.date, expected: list[dt.date]
) -> None:
    assert expected_periods(frequency, first, last) == expected


@pytest.mark.parametrize(
    ("have", "bounds", "expected"),
    [
        ([D(2026, 1, 1), D(2026, 4, 1)], {}, [D(2026, 2, 1), D(2026, 3, 1)]),
        (
            [D(2026, 2, 1)],
            {"first": D(2026, 1, 1), "last": D(2026, 3, 31)},
            [D(2026, 1, 1), D(2026, 3, 1)],
        ),
        ([], {"first": D(2026, 1, 1), "last": D(2026, 2, 1)}, [D(2026, 1, 1), D(2026, 2, 1)]),
        ([], {}, []),
        ([D(2026, 1, 1)], {}, []),
    ],
)
def test_missing_periods_for_the_grid(
    have: list[dt.date], bounds: dict[str, dt.date], expected: list[dt.date]
) -> None:
    assert missing_periods(have, "monthly", **bounds) == expected


def test_the_moved_parsers_behave_as_file_import_documents() -> None:
    assert parse_period("Mar-26", None) == D(2026, 3, 1)
    with pytest.raises(LookupError):
        parse_period("05/03/2026", None)
    assert day_first(["13/01/2026", "05/02/2026"]) is True
    assert parse_number("1,250", decimal_comma=False) == 1250
    assert parse_number("12,5", decimal_comma=True) == 12.5
    assert file_period(D(2026, 5, 17), "quarterly") == D(2026, 4, 1)
