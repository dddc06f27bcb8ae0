"""Bokeh charts from ``kit.spc`` results: renderers, rule set on the chart, in-place updates."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from bokeh.embed import json_item
from bokeh.models import ColumnDataSource, HoverTool, Span, Title

from kit.charts import chart_data, small_multiples, spc_chart, theme, update_chart
from kit.charts.spc import BASELINE, LINES, NOTES, PHASES, POINTS
from kit.errors import KitInputError
from kit.spc import analyze, analyze_many
from tests.charts.shift_data import NUM, X, p_result


def sources(fig) -> dict[str, ColumnDataSource]:
    return {s.name: s for s in fig.select({"type": ColumnDataSource}) if s.name}


def subtitle(fig) -> str:
    return " ".join(t.text for t in fig.select({"type": Title}))


def test_figure_has_expected_renderers():
    fig = spc_chart(p_result(), target=60, annotations=[(X[6], "PDSA 1: reminder")])
    glyphs = [type(r.glyph).__name__ for r in fig.renderers]
    assert glyphs.count("Segment") == 3  # centre line, upper and lower limits
    assert {"Scatter", "Line", "VStrip", "VSpan"} <= set(glyphs)
    assert set(sources(fig)) == {POINTS, LINES, PHASES, BASELINE, NOTES}
    assert any(s.name == "kit-target" and s.location == 60 for s in fig.select({"type": Span}))
    json_item(fig)  # serialisable: it can be shown in a notebook or Voila


@pytest.mark.parametrize(
    "rules,name",
    [
        ("anhoej", "Anhøj rules"),
        ("ihi", "IHI rules"),
        ("nhs", "NHS Making Data Count rules"),
        ("western_electric", "Western Electric rules"),
    ],
)
def test_rule_set_named_on_the_chart(rules, name):
    fig = spc_chart(p_result(rules=rules), title="Bundle compliance")
    assert name in subtitle(fig)
    assert "P chart" in subtitle(fig)
    assert fig.title.text == "Bundle compliance"


def test_signals_use_colour_and_shape():
    res = p_result()
    data = chart_data(res)["points"]
    assert res.points.signal.any()
    for variation, colour, marker in zip(
        data["variation"], data["colour"], data["marker"], strict=True
    ):
        assert colour == theme.VARIATION_COLOURS[variation]
        assert marker == theme.VARIATION_MARKERS[variation]
    assert len(set(theme.VARIATION_MARKERS.values())) == len(theme.VARIATION_MARKERS)
    assert "improvement" in data["variation"]


def test_hover_shows_numerator_denominator_and_rule():
    fig = spc_chart(p_result())
    hover = fig.select_one({"type": HoverTool})
    fields = dict(hover.tooltips)
    assert {"numerator", "denominator", "signal"} <= set(fields)
    data = sources(fig)[POINTS].data
    assert data["numerator"][0] == str(NUM[0])
    assert data["denominator"][0] == "50"
    assert any(r != "none" for r in data["rule"])


def test_limits_are_stepped_when_they_vary_and_phases_divided():
    res = analyze([3, 5, 2, 8, 4, 6], [20, 50, 10, 80, 30, 60], chart="p", phase_starts=[3])
    data = chart_data(res)
    lines = data["lines"]
    assert len(set(np.round(lines["ucl"], 9))) > 2  # one step per denominator
    assert np.all(lines["x0"] < lines["x1"])
    assert data["dividers"]["x"] == [2.5]


def test_baseline_shaded_only_when_frozen():
    assert chart_data(p_result())["baseline"]["x0"]  # frozen: shaded
    assert not chart_data(p_result(freeze=None))["baseline"]["x0"]


def test_excluded_points_are_hollow():
    res = analyze([10, 11, 10, 12, 11, 50, 10, 11], chart="i", exclude=[5])
    data = chart_data(res)["points"]
    assert data["fill"][5] == theme.EXCLUDED_FILL
    assert "excluded" in data["rule"][5]


def test_update_replaces_source_data_without_rebuilding():
    fig = spc_chart(p_result())
    src = sources(fig)
    renderers_before = list(fig.renderers)
    points_before = src[POINTS].data
    new = analyze(NUM[:18], [50] * 18, chart="p", x=X[:18], rules="nhs")
    assert update_chart(fig, new) is fig
    assert list(fig.renderers) == renderers_before  # same renderers, same sources
    assert sources(fig)[POINTS] is src[POINTS]
    assert src[POINTS].data is not points_before
    assert len(src[POINTS].data["y"]) == 18
    assert "NHS Making Data Count rules" in subtitle(fig)
    assert not src[PHASES].data["x"]  # the new result has one phase


def test_update_rejects_foreign_figures():
    from bokeh.plotting import figure

    with pytest.raises(KitInputError):
        update_chart(figure(), p_result())


def test_categorical_periods_get_tick_labels():
    fig = spc_chart(analyze([1, 3, 2, 4], x=["Q1", "Q2", "Q3", "Q4"]))
    assert fig.xaxis[0].major_label_overrides == {0: "Q1", 1: "Q2", 2: "Q3", 3: "Q4"}


def test_annotation_outside_periods_is_a_clear_error():
    with pytest.raises(KitInputError, match="not a period"):
        spc_chart(analyze([1, 3, 2], x=["a", "b", "c"]), annotations=[("z", "note")])


@pytest.mark.parametrize("chart", ["run", "i", "mr", "c", "g", "t", "u"])
def test_every_chart_draws(chart):
    y = [3, 5, 2, 8, 4, 6, 5, 7]
    n = [2, 3, 2, 4, 3, 3, 2, 4] if chart == "u" else None
    fig = spc_chart(analyze(y, n, chart=chart))
    assert len(sources(fig)[POINTS].data["y"]) == len(y)


def test_empty_and_one_point_results_draw():
    assert len(sources(spc_chart(analyze([], chart="i")))[POINTS].data["y"]) == 0
    assert len(sources(spc_chart(analyze([4], chart="i")))[POINTS].data["y"]) == 1


def test_small_multiples_share_axes():
    frame = pd.DataFrame(
        {
            "team": np.repeat(list("ABCDE"), 12),
            "period": np.tile(np.arange(12), 5),
            "value": np.random.default_rng(2).normal(10, 2, 60),
        }
    )
    grid = small_multiples(analyze_many(frame, chart="i"), ncols=3)
    figs = [child[0] for child in grid.children]
    assert len(figs) == 5
    assert len({id(f.x_range) for f in figs}) == 1
    assert len({id(f.y_range) for f in figs}) == 1
    assert [f.title.text for f in figs] == list("ABCDE")


def test_importing_kit_charts_does_not_import_bokeh():
    code = "import sys, kit.charts; print('bokeh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_update_refuses_another_kind_of_axis():
    fig = spc_chart(p_result())  # monthly periods: a date axis
    with pytest.raises(KitInputError, match="draw the chart anew"):
        update_chart(fig, analyze([1, 2, 3], x=["a", "b", "c"]))


def test_update_from_labels_to_numbers_clears_the_labels():
    fig = spc_chart(analyze([1, 3, 2, 4], x=["Q1", "Q2", "Q3", "Q4"]))
    update_chart(fig, analyze([1, 3, 2, 4, 5]))
    assert fig.xaxis[0].major_label_overrides == {}


# --- read-only charts (a report's, a storyboard's): drawn once, fewer models ---------------


def model_count(fig) -> int:
    return len(list(fig.references()))


def test_read_only_chart_draws_the_same_lines_with_fewer_models():
    res = p_result(freeze=None, phase_starts=None)  # no baseline shading, no phase divider
    full = spc_chart(res, toolbar=False, show_legend=False)
    lean = spc_chart(res, read_only=True, show_legend=False)
    assert model_count(lean) <= 0.65 * model_count(full)
    # the three lines are one renderer whose rows are the upper limit, lower limit, centre
    (segment,) = [r for r in lean.renderers if type(r.glyph).__name__ == "Segment"]
    rows = segment.data_source.data
    lines = chart_data(res)["lines"]
    n = len(lines["x0"])
    assert rows["y"] == [*lines["ucl"], *lines["lcl"], *lines["cl"]]
    assert rows["width"] == [1.5] * (2 * n) + [2.0] * n
    assert rows["colour"][2 * n :] == list(lines["cl_colour"])
    # the layers with nothing to draw are left out; the points and their hover stay
    assert not {PHASES, BASELINE, NOTES} & set(sources(lean))
    assert lean.select_one({"type": HoverTool}).renderers
    assert lean.toolbar_location is None
    json_item(lean)


def test_read_only_chart_keeps_the_layers_it_has_data_for():
    lean = spc_chart(p_result(), read_only=True, annotations=[(X[6], "PDSA 1: reminder")])
    named = sources(lean)
    assert named[PHASES].data["x"] and named[BASELINE].data["x0"]
    assert named[NOTES].data["text"] == ["PDSA 1: reminder"]


def test_read_only_chart_leaves_out_a_run_charts_missing_limits():
    lean = spc_chart(analyze([3, 5, 4, 6, 5, 7], chart="run"), read_only=True)
    (segment,) = [r for r in lean.renderers if type(r.glyph).__name__ == "Segment"]
    assert len(segment.data_source.data["y"]) == 6  # the median only


def test_read_only_date_axis_names_months_with_their_year():
    from bokeh.models import DatetimeTicker, DatetimeTickFormatter, Grid

    lean = spc_chart(p_result(), read_only=True)
    formatter = lean.xaxis[0].formatter
    assert isinstance(formatter, DatetimeTickFormatter) and formatter.context is None
    assert formatter.months == "%b %Y"
    assert isinstance(lean.xaxis[0].ticker, DatetimeTicker)
    assert len(lean.xaxis[0].ticker.tickers) == 6
    # no model still points at the axis's old ticker (the hidden vertical grid did)
    assert len([m for m in lean.references() if isinstance(m, DatetimeTicker)]) == 1
    assert [g.dimension for g in lean.select({"type": Grid})] == [1]


def test_update_refuses_a_read_only_chart():
    with pytest.raises(KitInputError, match="read only"):
        update_chart(spc_chart(p_result(), read_only=True), p_result())
