"""The charts app's figures: ``spc_chart`` plus what teaching needs on top of it.

Built on ``kit/charts/spc.py`` and updated with its ``update_chart`` (new data assigned to the
same sources, never a new figure, so a chart shown through ``jupyter_bokeh.BokehModel``
redraws in place). On top: a cross and a hover with the reason on every excluded point, a
target line that can appear and disappear, clicking a point to pick its period (a
``TapTool``: the points' selection is synced back to Python), the family of measures as small
charts, and the standalone HTML (BokehJS inline, offline) and PNG downloads, made the way the
change package app makes its own (``kit/charts/driver_diagram.py``).

``reading`` arguments are ``kit.steps.charts.model.Reading`` objects: the analysis is done
there; nothing here computes a statistic.
"""

from __future__ import annotations

from typing import Any

from kit.charts import theme
from kit.charts.spc import POINTS, TARGET, chart_data, named_models, spc_chart, update_chart
from kit.errors import KitInputError

EXCLUDED = "kit-excluded"
READING_TAG = "kit-teaching-chart"
#: the large chart's name, which browser tests look for in BokehJS's documents
MAIN = "kit-main-chart"


def _title(reading: Any) -> str:
    chart = reading.choice.chart
    name = "run chart" if chart == "run" else f"{chart.upper()} chart"
    return f"{reading.measure.name} ({name})"


def _excluded_data(reading: Any) -> dict[str, list[Any]]:
    """Where the excluded points are and why, for their crosses and hover."""
    xs, ys, reasons, periods = [], [], [], []
    if reading.result is not None and reading.reasons:
        data = chart_data(reading.result)["points"]
        for position, reason in sorted(reading.reasons.items()):
            xs.append(float(data["x"][position]))
            ys.append(float(data["y"][position]))
            reasons.append(reason)
            periods.append(data["period"][position])
    return {"x": xs, "y": ys, "reason": reasons, "period": periods}


def _annotations(reading: Any) -> list[dict[str, Any]]:
    return [{"x": m["x"], "text": m["text"]} for m in reading.annotations]


def teaching_chart(reading: Any, *, width: int = 720, height: int = 360, small: bool = False):
    """One measure's chart from a reading: points, lines, target, annotations, exclusions."""
    from bokeh.models import ColumnDataSource, HoverTool, Span, TapTool

    if reading.result is None:
        raise KitInputError("There are no data to draw for this measure yet.")
    fig = spc_chart(
        reading.result,
        title=_title(reading),
        target=reading.target,
        annotations=[] if small else _annotations(reading),
        width=width,
        height=height,
        show_legend=not small,
        y_axis_label=None if small else reading.measure.unit or None,
        toolbar=not small,
    )
    fig.tags = [*fig.tags, READING_TAG, *(["kit-small"] if small else [])]
    if reading.target is None:  # a line to show when a target is set later
        fig.add_layout(
            Span(
                location=0,
                dimension="width",
                line_color=theme.TARGET_LINE,
                line_dash="dotdash",
                line_width=2,
                name=TARGET,
                visible=False,
            )
        )
    source = ColumnDataSource(_excluded_data(reading), name=EXCLUDED)
    crosses = fig.scatter(
        x="x", y="y", source=source, marker="x", size=14, line_color="#444444", line_width=2
    )
    fig.add_tools(
        HoverTool(
            renderers=[crosses],
            tooltips=[("period", "@period"), ("excluded", "@reason")],
        )
    )
    if not small:
        fig.name = MAIN
        points = next(
            r
            for r in fig.renderers
            if type(getattr(r, "glyph", None)).__name__ == "Scatter"
            and r.data_source.name == POINTS
        )
        fig.add_tools(TapTool(renderers=[points]))
        for renderer in fig.renderers:  # a clicked point picks a period; nothing fades
            if getattr(renderer, "data_source", None) is points.data_source:
                renderer.nonselection_glyph = None
    return fig


def update_teaching_chart(fig: Any, reading: Any) -> Any:
    """Show a new reading in the same figure: data replaced, nothing rebuilt."""
    from bokeh.models import ColumnDataSource, Span

    if reading.result is None:
        raise KitInputError("There are no data to draw for this measure yet.")
    small = "kit-small" in fig.tags
    update_chart(
        fig,
        reading.result,
        annotations=None if small else _annotations(reading),
        target=reading.target,
    )
    for span in named_models(fig, Span, TARGET):
        span.visible = reading.target is not None
    for source in named_models(fig, ColumnDataSource, EXCLUDED):
        source.data = _excluded_data(reading)
    fig.title.text = _title(reading)
    return fig


def family_grid(readings: list[Any], *, ncols: int = 2) -> Any:
    """Small charts of every measure of the team, side by side, so a balancing measure is
    read beside its outcome. Measures without data yet are left out (the page lists them)."""
    from bokeh.layouts import gridplot

    figs = []
    for reading in readings:
        if reading.result is None:
            continue
        fig = teaching_chart(reading, width=360, height=220, small=True)
        fig.title.text = f"{reading.measure.measure_kind.title()}: {reading.measure.name}"
        fig.title.text_font_size = "9pt"
        fig.toolbar_location = None
        figs.append(fig)
    if not figs:
        raise KitInputError("None of this team's measures has data yet.")
    return gridplot(figs, ncols=ncols, toolbar_location=None)


def to_html(fig: Any, title: str) -> str:
    """A standalone page with BokehJS inline: it opens offline, in any browser."""
    from bokeh.embed import file_html
    from bokeh.resources import INLINE

    return file_html(fig, INLINE, title)


def to_png(page: str, *, width: int, height: int, timeout: float = 60) -> bytes:
    """A PNG of a standalone chart page (``kit/charts/screenshot.py``)."""
    from kit.charts.screenshot import page_to_png

    return page_to_png(page, width=width, height=height, what="chart", timeout=timeout)


def export_chart(reading: Any) -> tuple[str, bytes | None, str]:
    """(standalone HTML, PNG or None, why there is no PNG) for one measure's chart."""
    fig = teaching_chart(reading, width=900, height=440)
    fig.toolbar_location = None
    page = to_html(fig, f"{reading.measure.name} – {reading.rule_set_name}")
    try:
        picture: bytes | None = to_png(page, width=940, height=520)
        why = ""
    except KitInputError as error:
        picture, why = None, str(error)
    return page, picture, why
