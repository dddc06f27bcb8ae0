"""A funnel plot drawn from a :class:`kit.spc.funnel.FunnelResult`.

Each team is a point at its denominator and rate; the pooled rate is the centre line; the 95%
limits are dashed and the 99.8% limits solid, so the two pairs differ by line style as well as
shade. Points outside the 99.8% limits are coloured and shaped as concern or improvement when
the measure's direction is known (``kit/charts/theme.py``), otherwise as special cause.
:func:`update_funnel` replaces the sources' data, so a new period redraws without a new figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kit.charts import theme
from kit.errors import KitInputError

if TYPE_CHECKING:  # pragma: no cover
    from bokeh.plotting import figure as Figure

    from kit.spc.funnel import FunnelResult

TEAMS = "kit-funnel-teams"
LIMITS = "kit-funnel-limits"
TARGET = "kit-funnel-target"
SUBTITLE = "kit-funnel-subtitle"


def _variation(outside: str, direction: str | None) -> str:
    if "99.8" not in outside:
        return "common"
    if direction not in ("up", "down"):
        return "special"
    high = outside.startswith("above")
    return "improvement" if high == (direction == "up") else "concern"


def funnel_data(result: FunnelResult, direction: str | None = None) -> dict[str, dict[str, Any]]:
    """The columns each source draws, without Bokeh (tested, and reused by reports)."""
    table = result.teams[np.isfinite(result.teams["rate"].to_numpy(dtype=float))]
    variation = [_variation(str(o), direction) for o in table["outside"]]
    teams = dict(
        x=table["denominator"].to_numpy(dtype=float),
        y=table["rate"].to_numpy(dtype=float),
        team=[str(t) for t in table["team"]],
        numerator=[f"{v:g}" for v in table["numerator"]],
        denominator=[f"{v:g}" for v in table["denominator"]],
        rate=[f"{v:.3g}" for v in table["rate"]],
        outside=[str(o) or "within the 95% limits" for o in table["outside"]],
        colour=[theme.VARIATION_COLOURS[v] for v in variation],
        marker=[theme.VARIATION_MARKERS[v] for v in variation],
        size=[theme.SIGNAL_POINT_SIZE if v != "common" else theme.POINT_SIZE for v in variation],
    )
    curve = result.curve
    limits = {c: curve[c].to_numpy(dtype=float) for c in curve.columns}
    limits["x"] = limits.pop("denominator")
    x = limits["x"]
    target = dict(x=[float(x.min()), float(x.max())], y=[result.target, result.target])
    return dict(teams=teams, limits=limits, target=target)


def _subtitle(result: FunnelResult) -> str:
    return f"Target: pooled rate {result.target:.3g} · {result.limits_name}"


def funnel_chart(
    result: FunnelResult,
    *,
    title: str = "Teams compared",
    direction: str | None = None,
    x_axis_label: str = "Denominator",
    y_axis_label: str = "Rate",
    width: int = 720,
    height: int = 400,
) -> Figure:
    """The funnel plot; hovering a team shows its numbers and where it falls."""
    from bokeh.models import ColumnDataSource, HoverTool, Title
    from bokeh.plotting import figure

    data = funnel_data(result, direction)
    fig = figure(
        width=width,
        height=height,
        title=title,
        tools="pan,wheel_zoom,box_zoom,reset,save",
        toolbar_location="right",
        name="kit-funnel",
    )
    fig.title.text_font_size = "12pt"
    fig.add_layout(
        Title(text=_subtitle(result), text_font_style="italic", text_font_size="10pt",
              name=SUBTITLE),
        "above",
    )  # fmt: skip
    fig.xaxis.axis_label = x_axis_label
    fig.yaxis.axis_label = y_axis_label
    fig.xgrid.grid_line_color = None
    limits = ColumnDataSource(data["limits"], name=LIMITS)
    for column, dash, label in (
        ("upper998", "solid", "99.8% limits"),
        ("lower998", "solid", None),
        ("upper95", "dashed", "95% limits"),
        ("lower95", "dashed", None),
    ):
        kwargs: dict[str, Any] = dict(
            x="x", y=column, source=limits, line_color=theme.LIMIT_LINE, line_dash=dash,
            line_width=1.5,
        )  # fmt: skip
        if label:
            kwargs["legend_label"] = label
        fig.line(**kwargs)
    target = ColumnDataSource(data["target"], name=TARGET)
    fig.line(
        x="x", y="y", source=target, line_color=theme.CENTRE_LINE, line_width=2,
        legend_label="Pooled rate",
    )  # fmt: skip
    teams = ColumnDataSource(data["teams"], name=TEAMS)
    points = fig.scatter(
        x="x", y="y", source=teams, marker="marker", size="size", fill_color="colour",
        line_color="colour", fill_alpha=0.8,
    )  # fmt: skip
    fig.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=[
                ("team", "@team"),
                ("rate", "@rate"),
                ("numerator", "@numerator"),
                ("denominator", "@denominator"),
                ("funnel", "@outside"),
            ],
        )
    )
    if fig.legend:
        legend = fig.legend[0]
        legend.orientation = "horizontal"
        legend.label_text_font_size = "8pt"
        legend.border_line_alpha = 0
        fig.add_layout(legend, "below")
    return fig


def update_funnel(fig: Figure, result: FunnelResult, *, direction: str | None = None) -> Figure:
    """Show another period's result in the same figure by replacing its sources' data."""
    from bokeh.models import ColumnDataSource, Title

    sources = {s.name: s for s in fig.select({"type": ColumnDataSource}) if s.name}
    if {TEAMS, LIMITS, TARGET} - set(sources):
        raise KitInputError("This figure was not made by kit.charts.funnel; draw it anew.")
    data = funnel_data(result, direction)
    sources[TEAMS].data = data["teams"]
    sources[LIMITS].data = data["limits"]
    sources[TARGET].data = data["target"]
    for sub in fig.select({"type": Title, "name": SUBTITLE}):
        sub.text = _subtitle(result)
    return fig
