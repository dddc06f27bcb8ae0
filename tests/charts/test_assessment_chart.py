"""The grid of assessment scores: one cell per month and level with a count, shaded by count,
the count written in each cell, and data replaced wholesale on update."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from kit.charts.assessment import distribution_chart, distribution_columns, update_distribution

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def test_columns_hold_one_cell_per_month_and_level_with_its_count():
    data, months = distribution_columns(
        {APRIL: Counter({2.0: 1, 2.5: 4}), MARCH: Counter({1.5: 2})}, {2.5: "Changes tested"}
    )
    assert months == ["Mar 2026", "Apr 2026"]
    assert list(zip(data["month"], data["score"], data["count"], strict=True)) == [
        ("Mar 2026", "1.5", 2),
        ("Apr 2026", "2.0", 1),
        ("Apr 2026", "2.5", 4),
    ]
    assert data["text"] == ["2", "1", "4"]  # the count is written: colour is not the only cue
    assert data["alpha"][2] == 1.0 and data["alpha"][1] < data["alpha"][0] < 1.0
    assert data["level"][2] == "Changes tested"


def test_no_scores_yet_still_draws_an_axis():
    data, months = distribution_columns({})
    assert months == ["(no scores yet)"] and data["count"] == []


def test_update_replaces_data_and_months():
    fig, source = distribution_chart({MARCH: Counter({1.5: 2})})
    assert list(fig.y_range.factors) == [f"{1.0 + i / 2:.1f}" for i in range(9)]
    update_distribution(fig, source, {MARCH: Counter({1.5: 2}), APRIL: Counter({3.0: 1})})
    assert list(fig.x_range.factors) == ["Mar 2026", "Apr 2026"]
    assert source.data["count"] == [2, 1]


def test_a_month_without_scores_is_an_empty_column_not_a_missing_one():
    _data, months = distribution_columns(
        {dt.date(2025, 12, 1): Counter({1.0: 1}), dt.date(2026, 2, 1): Counter({2.0: 1})}
    )
    assert months == ["Dec 2025", "Jan 2026", "Feb 2026"]
