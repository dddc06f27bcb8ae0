"""The funnel plot figure (kit/charts/funnel.py): what it draws and how it updates."""

from __future__ import annotations

import pytest
from bokeh.models import ColumnDataSource, HoverTool

from kit.charts import theme
from kit.charts.funnel import LIMITS, TARGET, TEAMS, funnel_chart, funnel_data, update_funnel
from kit.errors import KitInputError
from kit.spc.funnel import funnel


def sources(fig):
    return {s.name: s for s in fig.select({"type": ColumnDataSource}) if s.name}


def test_figure_draws_teams_limits_and_pooled_rate():
    result = funnel([1, 60, 30, 5], [100, 100, 100, 20], ["low", "high", "mid", "small"])
    fig = funnel_chart(result, direction="up")
    data = sources(fig)
    assert data[TEAMS].data["team"] == ["low", "high", "mid", "small"]
    assert set(data[LIMITS].data) >= {"x", "lower95", "upper95", "lower998", "upper998"}
    assert data[TARGET].data["y"] == [result.target, result.target]
    colours = dict(zip(data[TEAMS].data["team"], data[TEAMS].data["colour"], strict=True))
    assert colours["high"] == theme.VARIATION_COLOURS["improvement"]
    assert colours["low"] == theme.VARIATION_COLOURS["concern"]
    assert colours["mid"] == theme.VARIATION_COLOURS["common"]
    hover = fig.select_one({"type": HoverTool})
    assert ("team", "@team") in hover.tooltips
    assert "99.8%" in fig.select_one({"name": "kit-funnel-subtitle"}).text


def test_without_direction_outliers_are_special_cause():
    data = funnel_data(funnel([1, 60, 30], [100, 100, 100]))
    assert data["teams"]["colour"][0] == theme.VARIATION_COLOURS["special"]
    assert data["teams"]["marker"][0] == theme.VARIATION_MARKERS["special"]


def test_update_replaces_data_in_the_same_figure():
    fig = funnel_chart(funnel([3, 4], [30, 40], ["a", "b"]))
    before = sources(fig)[TEAMS]
    update_funnel(fig, funnel([5, 6, 7], [50, 60, 70], ["a", "b", "c"]))
    after = sources(fig)[TEAMS]
    assert after is before
    assert after.data["team"] == ["a", "b", "c"]


def test_update_refuses_a_foreign_figure():
    from bokeh.plotting import figure

    with pytest.raises(KitInputError, match="draw it anew"):
        update_funnel(figure(), funnel([1], [10]))
