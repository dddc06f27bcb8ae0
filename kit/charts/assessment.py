"""The spread of assessment scores over the months, as a heat grid: months across, the nine
levels up, each cell's shade and number the count of teams at that level that month.

A grid reads better than stacked bars once a collaborative has more than a handful of levels
in use: the climb of the teams up the scale is the diagonal. Colour is never the only cue:
every cell carries its count. Compute once, render many: ``distribution_columns`` turns the
model's counts into columns, ``distribution_chart`` draws once, ``update_distribution``
replaces the data (``jupyter_bokeh.BokehModel`` syncs it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from bokeh.models import ColumnDataSource, FactorRange, HoverTool
from bokeh.plotting import figure

from kit.charts.theme import FONT

__all__ = ["distribution_chart", "distribution_columns", "update_distribution"]

#: Okabe-Ito blue: the shade of a cell grows with its count
CELL = "#0072B2"
SCORES = [f"{1.0 + i / 2:.1f}" for i in range(9)]


def _every_month(months: list[dt.date]) -> list[dt.date]:
    """The months from the first to the last, with none skipped (a month nobody was rated in
    is an empty column, not a missing one)."""
    if not months:
        return []
    out, (year, month) = [], (months[0].year, months[0].month)
    while dt.date(year, month, 1) <= months[-1]:
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def distribution_columns(
    counts: Mapping[dt.date, Counter[float]], labels: Mapping[float, str] | None = None
) -> tuple[dict[str, list[Any]], list[str]]:
    """Columns for the grid's cells (one per month and level with a count) and the months."""
    months = _every_month(sorted(counts))
    top = max((n for c in counts.values() for n in c.values()), default=1)
    labels = labels or {}
    data: dict[str, list[Any]] = {
        k: [] for k in ("month", "score", "count", "text", "alpha", "level", "ink")
    }
    for month in months:
        for score, count in sorted(counts.get(month, Counter()).items()):
            alpha = 0.15 + 0.85 * count / top
            data["month"].append(f"{month:%b %Y}")
            data["score"].append(f"{score:.1f}")
            data["count"].append(count)
            data["text"].append(str(count))
            data["alpha"].append(alpha)
            data["level"].append(labels.get(score, ""))
            data["ink"].append("white" if alpha > 0.55 else "#222222")
    return data, [f"{m:%b %Y}" for m in months] or ["(no scores yet)"]


def distribution_chart(
    counts: Mapping[dt.date, Counter[float]],
    labels: Mapping[float, str] | None = None,
    *,
    title: str = "Faculty scores: number of teams at each level, by month",
) -> tuple[Any, ColumnDataSource]:
    """The grid, drawn once; returns the figure and its source for updates."""
    data, months = distribution_columns(counts, labels)
    source = ColumnDataSource(data)
    fig = figure(
        x_range=FactorRange(*months),
        y_range=FactorRange(*SCORES),
        height=320,
        width=760,
        sizing_mode="stretch_width",
        title=title,
        toolbar_location=None,
        tools="",
    )
    fig.rect(
        "month",
        "score",
        0.95,
        0.95,
        source=source,
        fill_color=CELL,
        fill_alpha="alpha",
        line_color=None,
    )
    fig.text(
        "month",
        "score",
        text="text",
        source=source,
        text_align="center",
        text_baseline="middle",
        text_font_size="9pt",
        text_color="ink",
    )
    fig.add_tools(
        HoverTool(tooltips=[("Month", "@month"), ("Score", "@score @level"), ("Teams", "@count")])
    )
    fig.xaxis.major_label_orientation = 0.9
    fig.yaxis.axis_label = "Score"
    fig.grid.grid_line_color = None
    fig.title.text_font = FONT
    return fig, source


def update_distribution(
    fig: Any,
    source: ColumnDataSource,
    counts: Mapping[dt.date, Counter[float]],
    labels: Mapping[float, str] | None = None,
) -> None:
    """Replace the grid's data and months wholesale."""
    data, months = distribution_columns(counts, labels)
    fig.x_range.factors = months
    source.data = data
