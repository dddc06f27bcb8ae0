"""A run or control chart as a static SVG document, for pages that only read a chart.

Why a second renderer beside ``kit/charts/spc.py``: a monthly report (``kit/steps/report``)
shows the family's charts as part of a document the faculty read, print and keep; nothing on
it is zoomed or updated. Drawn by Bokeh, those charts cost the page BokehJS (about 0.3 s of
the browser's main thread on a 2-core machine, ``tests/benchmarks/bench_serving.py``) and the
kernel a figure per measure; as SVG they are text in the page, drawn at once, and they stay in
the report when it is saved as a file. Both renderers read the same :func:`kit.charts.spc.chart_data`
and colours from ``kit/charts/theme.py``, so a chart reads the same wherever it is drawn:
colour and marker shape per kind of variation, hollow excluded points, limits as steps, the
frozen baseline shaded, phase dividers, annotations and the target line. Hovering a point
shows its period, value, numerator, denominator and the rule that fired (an SVG ``<title>``).
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kit.charts import theme
from kit.charts.read_only import stacked_lines
from kit.charts.spc import Annotation, chart_data, chart_subtitle

if TYPE_CHECKING:  # pragma: no cover
    from kit.spc import SPCResult

#: room around the plot for the titles (top) and the axes' labels (left, bottom)
TOP, RIGHT, BOTTOM, LEFT = 42, 12, 24, 46
#: a value on an axis to its position on the page
Scale = Callable[[float], float]
GRID_LINE = "#E6E6E6"
AXIS_TEXT = "#444444"
#: an annotation's characters at 10 px (for cutting its text to the plot's height), and the
#: least room between two annotations' texts
NOTE_CHAR_WIDTH, NOTE_GAP = 5.6, 11
#: Bokeh's dash patterns, as SVG dash arrays
DASHED, DOTTED, DOT_DASH = "6 4", "2 3", "6 4 2 4"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values (steps of 1, 2 or 5 times a power of ten) from ``low`` to
    ``high``: axis labels a reader takes in at a glance."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = min(
        (m * power for m in (1, 2, 2.5, 5, 10)),
        key=lambda size: abs((high - low) / size - (count - 1)),
    )
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def month_ticks(low_ms: float, high_ms: float, count: int = 6) -> list[tuple[float, str]]:
    """Month starts between two dates (milliseconds since 1970, the x of ``chart_data``) every
    1, 2, 3, 6 or 12 months, so that at most ``count`` are labelled."""
    start, end = pd.Timestamp(low_ms, unit="ms"), pd.Timestamp(high_ms, unit="ms")
    months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
    months = months[months >= start]
    if len(months) == 0:
        return []
    step = next((s for s in (1, 2, 3, 6, 12) if math.ceil(len(months) / s) <= count), 12)
    if step >= 12:  # yearly ticks fall on January
        chosen = [m for m in months if m.month == 1] or [months[0]]
    else:
        chosen = list(months[::step])
    one_year = chosen[0].year == chosen[-1].year
    return [
        (
            float((m - pd.Timestamp(0)) / pd.Timedelta(milliseconds=1)),
            f"{m:%b}" if one_year and m is not chosen[0] else f"{m:%b %Y}",
        )
        for m in chosen
    ]


def _label(value: float) -> str:
    return f"{value:.4g}"


def _finite(values: Iterable[float]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _marker(shape: str, x: float, y: float, size: float) -> tuple[str, str]:
    """An SVG element and its attributes for one of ``theme.VARIATION_MARKERS``' shapes,
    ``size`` across (as Bokeh sizes its markers)."""
    r = size / 2
    if shape == "circle":
        return "circle", f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    if shape == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    elif shape == "triangle":
        points = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    else:  # inverted_triangle
        points = [(x, y + r), (x + r, y - r * 0.8), (x - r, y - r * 0.8)]
    return "polygon", 'points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"'


def spc_svg(
    result: SPCResult,
    *,
    title: str | None = None,
    target: float | None = None,
    annotations: Iterable[Annotation] | None = None,
    width: int = 380,
    height: int = 220,
) -> str:
    """The chart ``spc_chart(..., read_only=True)`` draws, as one ``<svg>`` element.

    Every text in it (title, annotations, periods) is escaped: they are typed by participants.
    """
    data = chart_data(result, annotations)
    points, lines = data["points"], data["lines"]
    xs = np.asarray(points["x"], dtype=float)
    ys = np.asarray(points["y"], dtype=float)
    stacked = stacked_lines(lines)

    x_values = _finite([*lines["x0"], *lines["x1"], *xs]) or [0.0, 1.0]
    x_low, x_high = min(x_values), max(x_values)
    if x_high <= x_low:
        x_low, x_high = x_low - 1, x_high + 1
    y_values = _finite([*ys, *stacked["y"], *([target] if target is not None else [])])
    y_values = y_values or [0.0, 1.0]
    y_low, y_high = min(y_values), max(y_values)
    pad = (y_high - y_low) * 0.08 or abs(y_high) * 0.1 or 1.0
    y_low, y_high = y_low - pad, y_high + pad
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def sx(value: float) -> float:
        return LEFT + (value - x_low) / (x_high - x_low) * plot_w

    def sy(value: float) -> float:
        return TOP + (y_high - value) / (y_high - y_low) * plot_h

    name = title or result.chart_name
    subtitle = chart_subtitle(result)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kit-svg-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(f"{name}: {subtitle}")}" font-family="{theme.FONT}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold" fill="{AXIS_TEXT}">'
        f"{html.escape(name)}</text>",
        f'<text x="{LEFT}" y="32" font-size="11" font-style="italic" fill="{AXIS_TEXT}">'
        f"{html.escape(subtitle)}</text>",
    ]
    out += _y_axis(nice_ticks(y_low, y_high), sx(x_low), sx(x_high), sy)
    out += _x_axis(data, x_low, x_high, sx, TOP + plot_h)
    for x0, x1 in zip(data["baseline"]["x0"], data["baseline"]["x1"], strict=True):
        out.append(
            f'<rect class="kit-svg-baseline" x="{sx(x0):.1f}" y="{TOP}" '
            f'width="{sx(x1) - sx(x0):.1f}" height="{plot_h}" fill="{theme.BASELINE_FILL}" '
            f'fill-opacity="{theme.BASELINE_ALPHA}"/>'
        )
    for x in data["dividers"]["x"]:
        out.append(_vertical(sx(x), TOP, TOP + plot_h, theme.PHASE_DIVIDER, 1, DASHED, "phase"))
    out += _step_lines(stacked, sx, sy)
    out += _data_line(xs, ys, sx, sy)
    out += _points(points, sx, sy)
    out += _notes(data["notes"], sx, TOP, TOP + plot_h)
    if target is not None and math.isfinite(float(target)):
        ty = sy(float(target))
        out.append(
            f'<line class="kit-svg-target" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="{theme.TARGET_LINE}" stroke-width="2" '
            f'stroke-dasharray="{DOT_DASH}"><title>target {_label(float(target))}</title></line>'
        )
    out.append("</svg>")
    return "".join(out)


def _vertical(
    x: float, y0: float, y1: float, colour: str, width: float, dash: str, kind: str
) -> str:
    return (
        f'<line class="kit-svg-{kind}" x1="{x:.1f}" x2="{x:.1f}" y1="{y0}" y2="{y1}" '
        f'stroke="{colour}" stroke-width="{width}" stroke-dasharray="{dash}"/>'
    )


def _notes(notes: dict[str, list], sx: Scale, top: float, bottom: float) -> list[str]:
    """Annotations as dotted lines with their text written up beside them: cut to the plot's
    height (the whole text is the tooltip), and moved apart when two fall in one period."""
    out, last = [], -math.inf
    fits = max(4, int((bottom - top - 8) / NOTE_CHAR_WIDTH))
    for x, text in sorted(zip(notes["x"], notes["text"], strict=True), key=lambda n: n[0]):
        px = sx(x)
        out.append(_vertical(px, top, bottom, theme.ANNOTATION_LINE, 1.5, DOTTED, "note"))
        at = max(px - 3, last + NOTE_GAP)
        last = at
        shown = text if len(text) <= fits else text[: fits - 1].rstrip() + "…"
        out.append(
            f'<text class="kit-svg-note-text" transform="translate({at:.1f},{bottom - 4})'
            f' rotate(-90)" font-size="10" fill="{theme.ANNOTATION_LINE}">'
            f"<title>{html.escape(text)}</title>{html.escape(shown)}</text>"
        )
    return out


def _y_axis(ticks: Sequence[float], left: float, right: float, sy: Scale) -> list[str]:
    out = []
    for tick in ticks:
        y = sy(tick)
        out.append(
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID_LINE}"/>'
            f'<text x="{left - 4:.1f}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
            f'fill="{AXIS_TEXT}">{_label(tick)}</text>'
        )
    return out


def _x_axis(data: dict, low: float, high: float, sx: Scale, bottom: float) -> list[str]:
    if data["labels"] is not None:  # periods named in words: a label every few points
        labels: dict[int, str] = data["labels"]
        step = max(1, len(labels) // 6)
        ticks = [(float(i), labels[i]) for i in range(0, len(labels), step)]
    elif data["axis"] == "datetime":
        ticks = month_ticks(low, high)
    else:
        ticks = [(t, _label(t)) for t in nice_ticks(low, high, 6)]
    out = [
        f'<line x1="{sx(low):.1f}" x2="{sx(high):.1f}" y1="{bottom:.1f}" y2="{bottom:.1f}" '
        f'stroke="{AXIS_TEXT}"/>'
    ]
    for value, text in ticks:
        x = sx(value)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom:.1f}" y2="{bottom + 4:.1f}" '
            f'stroke="{AXIS_TEXT}"/><text x="{x:.1f}" y="{bottom + 15:.1f}" font-size="10" '
            f'text-anchor="middle" fill="{AXIS_TEXT}">{html.escape(text)}</text>'
        )
    return out


def _step_lines(stacked: dict[str, list], sx: Scale, sy: Scale) -> list[str]:
    """The limits and centre line, one path per colour and width."""
    paths: dict[tuple[str, float], list[str]] = defaultdict(list)
    for x0, x1, y, colour, width in zip(
        stacked["x0"], stacked["x1"], stacked["y"], stacked["colour"], stacked["width"], strict=True
    ):
        paths[(colour, width)].append(f"M{sx(x0):.1f} {sy(y):.1f}H{sx(x1):.1f}")
    return [
        f'<path class="kit-svg-limits" d="{"".join(d)}" stroke="{colour}" '
        f'stroke-width="{width}" fill="none"/>'
        for (colour, width), d in paths.items()
    ]


def _data_line(xs: np.ndarray, ys: np.ndarray, sx: Scale, sy: Scale) -> list[str]:
    """The line joining the points, broken where a period has no value."""
    parts, pen_down = [], False
    for x, y in zip(xs, ys, strict=True):
        if not (math.isfinite(x) and math.isfinite(y)):
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{sx(x):.1f} {sy(y):.1f}")
        pen_down = True
    if not parts:
        return []
    return [
        f'<path class="kit-svg-data" d="{"".join(parts)}" stroke="{theme.DATA_LINE}" '
        'stroke-width="1.5" fill="none"/>'
    ]


def _points(points: dict, sx: Scale, sy: Scale) -> list[str]:
    out = []
    for i, (x, y) in enumerate(zip(points["x"], points["y"], strict=True)):
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        tag, attributes = _marker(points["marker"][i], sx(x), sy(y), float(points["size"][i]))
        tip = (
            f"{points['period'][i]}: {points['value'][i]} "
            f"({points['numerator'][i]} / {points['denominator'][i]}); "
            f"centre line {points['cl'][i]}; signal: {points['rule'][i]}"
        )
        out.append(
            f'<{tag} class="kit-svg-point" data-variation="{points["variation"][i]}" '
            f'{attributes} fill="{points["fill"][i]}" stroke="{points["colour"][i]}" '
            f'stroke-width="1.5"><title>{html.escape(tip)}</title></{tag}>'
        )
    return out


def warm_up() -> str:
    """Draw one small chart; the caller throws it away.

    Why: a preheated kernel runs this while it waits for its visitor (``kit.ui.app.preload``),
    so the SPC analysis and pandas paths behind the visitor's first report are already warm.
    """
    from kit.spc import analyze

    months = pd.date_range("2025-01-01", periods=14, freq="MS")
    result = analyze(
        [4, 5, 3, 6, 4, 5, 4, 2, 2, 1, 2, 1, 2, 1], n=[40] * 14, chart="p", x=months, freeze=8
    )
    return spc_svg(result, target=0.03, annotations=[(months[7], "warm-up")])
