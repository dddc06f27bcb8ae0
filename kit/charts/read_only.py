"""What a read-only chart (``spc_chart(..., read_only=True)``: a storyboard's, the dashboard's)
draws differently from one that is updated in place: its three lines as one renderer, and a
shorter date axis. Kept apart from ``kit/charts/spc.py`` so that module stays one reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kit.charts import theme


def stacked_lines(lines: Mapping[str, Any]) -> dict[str, list]:
    """The upper limit, lower limit and centre line as rows of one table, for one renderer;
    steps without a value (a run chart's limits) are left out."""
    n = len(lines["x0"])
    y = np.concatenate([np.asarray(lines[k], dtype=float) for k in ("ucl", "lcl", "cl")])
    keep = np.isfinite(y)
    x0 = np.tile(np.asarray(lines["x0"], dtype=float), 3)[keep]
    x1 = np.tile(np.asarray(lines["x1"], dtype=float), 3)[keep]
    colour = np.array([theme.LIMIT_LINE] * (2 * n) + list(lines["cl_colour"]), dtype=object)
    width = np.repeat([theme.LIMIT_WIDTH, theme.LIMIT_WIDTH, theme.CENTRE_WIDTH], n)
    return {
        "x0": x0.tolist(),
        "x1": x1.tolist(),
        "y": y[keep].tolist(),
        "colour": colour[keep].tolist(),
        "width": width[keep].tolist(),
    }


def lean_date_axis(fig: Any) -> None:
    """A date axis for a chart that cannot be zoomed: ticks from weeks to years only.

    Why: Bokeh's default date axis carries twelve tickers (down to milliseconds, for zooming)
    and a formatter with two nested context formatters, 15 models per chart. The periods a
    measure is reported in are weeks or months, so six tickers read every span a report can
    show; month ticks name their year ("Mar 2025"), so no context line is needed. The hidden
    vertical grid goes too: it would keep the old ticker in the chart.
    """
    from bokeh.models import (
        DatetimeTicker,
        DatetimeTickFormatter,
        DaysTicker,
        MonthsTicker,
        YearsTicker,
    )

    ticker = DatetimeTicker(
        tickers=[
            DaysTicker(days=[1, 8, 15, 22]),
            DaysTicker(days=[1, 15]),
            MonthsTicker(months=list(range(12))),
            MonthsTicker(months=[0, 3, 6, 9]),
            MonthsTicker(months=[0, 6]),
            YearsTicker(),
        ]
    )
    fig.xaxis.ticker = ticker
    fig.xaxis.formatter = DatetimeTickFormatter(
        days="%d %b", months="%b %Y", years="%Y", context=None
    )
    fig.center = [item for item in fig.center if item not in fig.xgrid]
