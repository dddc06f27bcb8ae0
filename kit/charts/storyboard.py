"""The collaborative summary's own charts: teams improving over time, and faculty scores.

Both read plain tables from ``kit.qi.dashboard`` and colour by ``kit/charts/theme.py``; like
every kit chart they are built once and updated by replacing their source's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from kit.charts import theme

if TYPE_CHECKING:  # pragma: no cover
    from bokeh.plotting import figure as Figure

IMPROVING = "kit-teams-improving"
SCORES = "kit-score-distribution"


def improvement_data(counts: pd.DataFrame, teams: int) -> dict[str, list]:
    """Columns for :func:`improvement_chart` from ``improvement_over_time``'s table."""
    periods = pd.to_datetime(counts["period"])
    return {
        "x": list(periods),
        "period": [f"{p:%b %Y}" for p in periods],
        "teams": [int(v) for v in counts["teams_improving"]],
        "share": [f"{int(v) / teams:.0%}" if teams else "–" for v in counts["teams_improving"]],
    }


def improvement_chart(
    counts: pd.DataFrame, teams: int, *, width: int = 680, height: int = 260
) -> Figure:
    """A step line: how many of the collaborative's teams show improvement by each month."""
    from bokeh.models import ColumnDataSource, HoverTool, Range1d, Span
    from bokeh.plotting import figure

    source = ColumnDataSource(improvement_data(counts, teams), name=IMPROVING)
    fig = figure(
        width=width, height=height, x_axis_type="datetime", title="Teams showing improvement",
        y_range=Range1d(0, max(teams, 1) * 1.05), toolbar_location=None, tools="",
    )  # fmt: skip
    fig.step("x", "teams", source=source, mode="after", line_width=2.5,
             line_color=theme.VARIATION_COLOURS["improvement"])  # fmt: skip
    fig.scatter("x", "teams", source=source, size=5, color=theme.VARIATION_COLOURS["improvement"])
    fig.add_layout(Span(location=teams, dimension="width", line_color=theme.CENTRE_LINE,
                        line_dash="dashed", line_width=1))  # fmt: skip
    fig.yaxis.axis_label = f"teams (of {teams})"
    fig.xgrid.grid_line_color = None
    fig.add_tools(HoverTool(tooltips=[("month", "@period"), ("teams", "@teams (@share)")]))
    return fig


def score_data(scores: Iterable[float], levels: Sequence[float]) -> dict[str, list]:
    """How many teams hold each score of the scale."""
    values = list(scores)
    labels = [f"{level:g}" for level in levels]
    return {"score": labels, "teams": [sum(v == level for v in values) for level in levels]}


def score_chart(
    scores: Iterable[float], levels: Sequence[float], *, title: str, width: int = 680,
    height: int = 240,
) -> Figure:  # fmt: skip
    """Bars: the number of teams at each level of the assessment scale."""
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.plotting import figure

    data = score_data(scores, levels)
    source = ColumnDataSource(data, name=SCORES)
    fig = figure(
        width=width, height=height, x_range=data["score"], title=title, toolbar_location=None,
        tools="",
    )  # fmt: skip
    fig.vbar(x="score", top="teams", source=source, width=0.8,
             fill_color=theme.VARIATION_COLOURS["improvement"], line_color=None)  # fmt: skip
    fig.xaxis.axis_label = "score on the assessment scale"
    fig.yaxis.axis_label = "teams"
    fig.y_range.start = 0
    fig.xgrid.grid_line_color = None
    fig.add_tools(HoverTool(tooltips=[("score", "@score"), ("teams", "@teams")]))
    return fig
