"""The report's static SVG chart (``kit/charts/svg.py``): it says what the Bokeh chart says.

Read as XML, as a browser or a screen reader reads it: one marker per point with the variation's
shape and colour, hollow excluded points, limits only where there are limits, phase dividers,
annotations, the target line, and every participant-typed text escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from kit.charts import theme
from kit.charts.svg import month_ticks, nice_ticks, spc_svg
from kit.spc import analyze
from tests.charts.shift_data import X, p_result

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything a browser would not read as SVG


def of_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == name]


def test_one_marker_per_point_with_the_variation_s_shape_and_colour():
    result = p_result()
    root = parse(spc_svg(result, title="Bundle compliance"))
    points = of_class(root, "kit-svg-point")
    assert len(points) == len(result.points)
    variations = result.points["variation"].fillna("common").tolist()
    assert [p.get("data-variation") for p in points] == variations
    for point, variation in zip(points, variations, strict=True):
        shape = "circle" if theme.VARIATION_MARKERS[variation] == "circle" else "polygon"
        assert point.tag == f"{{{NS['svg']}}}{shape}"
        assert point.get("stroke") == theme.VARIATION_COLOURS[variation]
    assert "improvement" in variations  # the second phase's shift is marked, not only grey


def centre(point: ET.Element) -> tuple[float, float]:
    """Where a marker is drawn: a circle's centre, or the middle of a polygon's corners."""
    if point.get("cx") is not None:
        return float(point.get("cx")), float(point.get("cy"))
    corners = [tuple(map(float, c.split(","))) for c in point.get("points").split()]
    xs, ys = zip(*corners, strict=True)
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def test_a_higher_value_is_drawn_higher_and_time_runs_left_to_right():
    root = parse(spc_svg(analyze([1, 5, 3, 9], chart="i", x=X[:4])))
    xs, ys = zip(*(centre(p) for p in of_class(root, "kit-svg-point")), strict=True)
    assert list(xs) == sorted(xs)
    assert np.argsort(ys).tolist() == [3, 1, 2, 0]  # SVG's y grows downwards


def test_excluded_points_are_hollow_and_the_tooltip_names_the_exclusion():
    root = parse(spc_svg(p_result(exclude=[3])))
    fourth = of_class(root, "kit-svg-point")[3]
    assert fourth.get("fill") == theme.EXCLUDED_FILL
    assert "excluded from the limits" in fourth.find("svg:title", NS).text


def test_limits_are_drawn_for_a_control_chart_and_not_for_a_run_chart():
    control = parse(spc_svg(p_result()))
    colours = {p.get("stroke") for p in of_class(control, "kit-svg-limits")}
    assert theme.LIMIT_LINE in colours
    run = parse(spc_svg(analyze([3, 4, 5, 4, 6], chart="run", x=X[:5])))
    colours = {p.get("stroke") for p in of_class(run, "kit-svg-limits")}
    assert colours and theme.LIMIT_LINE not in colours  # the median only


def test_phases_annotations_baseline_and_target():
    root = parse(spc_svg(p_result(), target=60, annotations=[(X[6], "PDSA 1: reminder card")]))
    assert len(of_class(root, "kit-svg-phase")) == 1  # one new phase, at month 13
    assert len(of_class(root, "kit-svg-note")) == 1
    assert "".join(of_class(root, "kit-svg-note-text")[0].itertext()).endswith(
        "PDSA 1: reminder card"
    )
    assert of_class(root, "kit-svg-baseline")  # the frozen baseline is shaded
    (target,) = of_class(root, "kit-svg-target")
    points = [centre(p)[1] for p in of_class(root, "kit-svg-point")]
    # 60% is above every first-phase point (about 30%) on the chart
    assert float(target.get("y1")) < min(points[:12])
    assert not of_class(parse(spc_svg(p_result())), "kit-svg-target")


def test_the_chart_names_itself_for_a_screen_reader():
    root = parse(spc_svg(p_result(), title="Bundle compliance"))
    assert root.get("role") == "img"
    label = root.get("aria-label")
    assert label.startswith("Bundle compliance: P chart") and "higher is better" in label


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", 'a "quoted" & <b>bold</b> idea'])
def test_typed_text_is_escaped_everywhere(text):
    svg = spc_svg(p_result(), title=text, annotations=[(X[2], text)])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert of_class(root, "kit-svg-note-text")[0].find("svg:title", NS).text == text
    assert root.get("aria-label").startswith(text)


def test_a_month_without_data_breaks_the_line():
    root = parse(spc_svg(analyze([3, 4, None, 5, 6, 4], chart="i", x=X[:6])))
    (line,) = of_class(root, "kit-svg-data")
    assert line.get("d").count("M") == 2
    assert len(of_class(root, "kit-svg-point")) == 5


def test_round_ticks_on_the_value_axis():
    assert nice_ticks(0, 0.23) == [0, 0.05, 0.1, 0.15, 0.2]
    assert nice_ticks(12, 97) == [20, 40, 60, 80]
    assert nice_ticks(5, 5) == [5]


def test_month_ticks_fall_on_month_starts_and_name_the_year_once():
    def ms(day: str) -> float:
        return (pd.Timestamp(day) - pd.Timestamp(0)) / pd.Timedelta(milliseconds=1)

    ticks = month_ticks(ms("2024-12-20"), ms("2026-05-10"))
    assert 3 <= len(ticks) <= 6
    days = [pd.Timestamp(at, unit="ms") for at, _ in ticks]
    assert all(d.day == 1 for d in days) and days[0] >= pd.Timestamp("2024-12-20")
    assert ticks[0][1] == f"{days[0]:%b %Y}"
    short = month_ticks(ms("2025-01-01"), ms("2025-03-01"))
    assert [label for _, label in short] == ["Jan 2025", "Feb", "Mar"]


def test_long_annotations_are_cut_to_the_plot_and_two_in_one_month_move_apart():
    long = "PDSA 3: a pre-round review of sedatives for every patient on the ward, nights included"
    root = parse(spc_svg(p_result(), annotations=[(X[20], long), (X[20], "PDSA 4: alarms")]))
    texts = of_class(root, "kit-svg-note-text")
    first = next(t for t in texts if t.find("svg:title", NS).text == long)
    assert first.find("svg:title", NS).tail.endswith("…")  # cut, the whole text on hover
    assert len(first.find("svg:title", NS).tail) < len(long)
    at = [float(t.get("transform").split("(")[1].split(",")[0]) for t in texts]
    assert abs(at[1] - at[0]) >= 10  # side by side, not on top of each other
