"""Bokeh run and control charts drawn from a :class:`kit.spc.SPCResult`.

Compute once, render many: the figure reads everything from a few named
``ColumnDataSource`` objects, and :func:`update_chart` refreshes a figure by replacing their
``.data`` wholesale, so a slider or a new month never rebuilds the figure (which is what
``jupyter_bokeh.BokehModel`` can push to the page). Bokeh is imported inside the functions:
``import kit.charts`` stays cheap.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.charts import theme
from kit.errors import KitInputError

if TYPE_CHECKING:  # pragma: no cover
    from bokeh.models import GridPlot
    from bokeh.plotting import figure as Figure

    from kit.spc import ManyResult, SPCResult

POINTS = "kit-points"
LINES = "kit-lines"
PHASES = "kit-phase-dividers"
BASELINE = "kit-baseline"
NOTES = "kit-annotations"
TARGET = "kit-target"
SUBTITLE = "kit-subtitle"
#: the tag of a chart drawn with ``read_only=True``, which ``update_chart`` refuses
READ_ONLY = "kit-read-only"

Annotation = Mapping[str, Any] | tuple[Any, str]


# --------------------------------------------------------------------------- data (no Bokeh)


def _x_axis(x: pd.Series) -> tuple[np.ndarray, str, dict[int, str] | None]:
    """Numeric x positions, the axis type, and tick labels for categorical periods."""
    if len(x) and isinstance(x.iloc[0], pd.Period):
        x = x.map(lambda p: p.to_timestamp())
    if pd.api.types.is_datetime64_any_dtype(x) or (len(x) and isinstance(x.iloc[0], pd.Timestamp)):
        ts = pd.to_datetime(x)
        ms = (ts - pd.Timestamp(0)) / pd.Timedelta(milliseconds=1)
        return ms.to_numpy(dtype=float), "datetime", None
    if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
        return x.to_numpy(dtype=float), "linear", None
    labels = {i: str(v) for i, v in enumerate(x.tolist())}
    return np.arange(len(x), dtype=float), "linear", labels


def _to_position(value: Any, x: pd.Series, xnum: np.ndarray, axis: str) -> float:
    """Where an annotation's x falls on the chart's x axis."""
    if axis == "datetime":
        if isinstance(value, pd.Period):
            value = value.to_timestamp()
        return float((pd.Timestamp(value) - pd.Timestamp(0)) / pd.Timedelta(milliseconds=1))
    if pd.api.types.is_numeric_dtype(x) and not isinstance(value, str):
        return float(value)
    hits = np.flatnonzero(x.astype(str).to_numpy() == str(value))
    if hits.size == 0:
        raise KitInputError(f"An annotation is placed at {value!r}, which is not a period here.")
    return float(xnum[hits[0]])


def _half_widths(xnum: np.ndarray, phase: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left and right edges of each point's slot, so limits can be drawn as steps."""
    n = xnum.size
    if n == 0:
        return xnum.copy(), xnum.copy()
    gaps = np.diff(xnum)
    default = float(np.median(gaps)) / 2 if gaps.size and np.median(gaps) > 0 else 0.5
    same = np.r_[False, phase[1:] == phase[:-1]] if n > 1 else np.zeros(1, bool)
    left_gap = np.full(n, np.nan)
    left_gap[1:] = gaps / 2
    left_gap[~same] = np.nan
    right_gap = np.full(n, np.nan)
    right_gap[:-1] = gaps / 2
    right_gap[np.r_[~same[1:], True]] = np.nan
    left_gap = np.where(
        np.isnan(left_gap), np.where(np.isnan(right_gap), default, right_gap), left_gap
    )
    right_gap = np.where(np.isnan(right_gap), left_gap, right_gap)
    return xnum - left_gap, xnum + right_gap


def _fmt(values: np.ndarray, digits: int = 4) -> list[str]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and not np.isfinite(v)):
            out.append("–")
        else:
            out.append(f"{float(v):.{digits}g}")
    return out


def chart_data(result: SPCResult, annotations: Iterable[Annotation] | None = None) -> dict:
    """Everything a chart draws, as plain dicts of columns (one per named source).

    Separate from Bokeh so that it can be tested and reused (small multiples, reports).
    """
    pts = result.points
    x = pts["x"]
    xnum, axis, labels = _x_axis(x)
    phase = pts["phase"].to_numpy()
    y = pts["y"].to_numpy(dtype=float)
    variation = pts["variation"].astype(object).where(pts["variation"].notna(), "common")
    variation = variation.astype(str).to_numpy()
    excluded = pts["excluded"].to_numpy(bool)
    signal = pts["signal"].to_numpy(bool)
    colour = np.array([theme.VARIATION_COLOURS[v] for v in variation], dtype=object)
    marker = np.array([theme.VARIATION_MARKERS[v] for v in variation], dtype=object)
    legend = np.array([theme.VARIATION_LABELS[v] for v in variation], dtype=object)
    fill = np.where(excluded, theme.EXCLUDED_FILL, colour)
    size = np.where(signal, theme.SIGNAL_POINT_SIZE, theme.POINT_SIZE)
    rule = pts["rule"].astype(object).where(pts["rule"].notna(), "none").astype(str).to_numpy()
    rule = np.where(excluded, np.char.add(rule.astype(str), " (excluded from the limits)"), rule)
    period = [
        pd.Timestamp(v).strftime("%Y-%m-%d")
        if isinstance(v, pd.Timestamp | np.datetime64)
        else str(v)
        for v in x.tolist()
    ]
    points = dict(
        x=xnum,
        y=y,
        period=period,
        value=_fmt(y),
        numerator=_fmt(pts["numerator"].to_numpy(dtype=float)),
        denominator=_fmt(pts["n"].to_numpy(dtype=float)),
        cl=_fmt(pts["cl"].to_numpy(dtype=float)),
        rule=rule.tolist(),
        variation=variation.tolist(),
        legend=legend.tolist(),
        colour=colour.tolist(),
        fill=fill.tolist(),
        marker=marker.tolist(),
        size=size.astype(float),
    )
    x0, x1 = _half_widths(xnum, phase)
    runs_signal = (
        pts["phase"].map(result.phases.set_index("phase")["runs_signal"]).fillna(False)
        if len(result.phases)
        else pd.Series(False, index=pts.index)
    ).to_numpy(bool)
    lines = dict(
        x0=x0,
        x1=x1,
        cl=pts["cl"].to_numpy(dtype=float),
        ucl=pts["ucl"].to_numpy(dtype=float),
        lcl=pts["lcl"].to_numpy(dtype=float),
        cl_colour=np.where(runs_signal, theme.CENTRE_LINE_SIGNAL, theme.CENTRE_LINE).tolist(),
    )
    starts = np.flatnonzero(np.r_[False, phase[1:] != phase[:-1]]) if phase.size else []
    dividers = dict(x=[float(x0[i]) for i in starts])
    # Shade the baseline of each phase when later points are judged against it.
    base = pts["baseline"].to_numpy(bool)
    judged_later = (~base) & np.isfinite(y) & ~excluded
    b0, b1 = [], []
    for ph in np.unique(phase):
        in_phase = phase == ph
        if (judged_later & in_phase).any() and (base & in_phase).any():
            rows = np.flatnonzero(base & in_phase)
            b0.append(float(x0[rows[0]]))
            b1.append(float(x1[rows[-1]]))
    baseline = dict(x0=b0, x1=b1)
    notes_x, notes_text = [], []
    for item in annotations or []:
        if isinstance(item, Mapping):
            at, text = item.get("x"), str(item.get("text", ""))
        else:
            at, text = item
        notes_x.append(_to_position(at, x, xnum, axis))
        notes_text.append(str(text))
    notes = dict(x=notes_x, text=notes_text)
    return dict(
        points=points,
        lines=lines,
        dividers=dividers,
        baseline=baseline,
        notes=notes,
        axis=axis,
        labels=labels,
    )


def chart_subtitle(result: SPCResult) -> str:
    """The line under the title: chart, rule set, direction, baseline.

    For example "P chart · Anhøj rules · higher is better · frozen baseline":
    whoever sees a screenshot knows which rules were read.
    """
    parts = [
        result.chart_name if hasattr(result, "chart_name") else result.chart,
        result.rule_set_name,
    ]
    if result.direction:
        parts.append("higher is better" if result.direction == "up" else "lower is better")
    pts = result.points
    if len(pts) and bool((~pts["baseline"] & pts["y"].notna() & ~pts["excluded"]).any()):
        parts.append("frozen baseline")
    return " · ".join(parts)


# --------------------------------------------------------------------------- Bokeh


def spc_chart(
    result: SPCResult,
    *,
    title: str | None = None,
    target: float | None = None,
    annotations: Iterable[Annotation] | None = None,
    y_axis_label: str | None = None,
    width: int = 720,
    height: int = 360,
    x_range: Any = None,
    y_range: Any = None,
    show_legend: bool = True,
    toolbar: bool = True,
    read_only: bool = False,
) -> Figure:
    """A run or control chart for one measure, with the rule set named under the title.

    Draws the centre line (coloured when the phase's runs analysis signals), limits as steps
    when they vary, phase dividers, the frozen baseline shaded, a target line, annotations
    (PDSA cycles, notes) and the points: colour *and* marker shape say common cause,
    improvement, concern or special cause; hollow points are excluded. Hovering a point shows
    its numerator, denominator and the rule that fired.

    ``toolbar=False`` leaves out the pan, zoom and save tools and the toolbar, which spares
    their models; hovering still works. ``read_only=True`` is for a chart that is drawn once
    and never updated (a storyboard's, the dashboard's; the monthly report draws SVG instead,
    ``kit/charts/svg.py``): besides having no toolbar, it leaves out the layers with nothing
    to draw (phase dividers, baseline shading, annotations) and reads its dates with a shorter
    axis, so it is about a third fewer models for the kernel to serialise and the page to
    build; :func:`update_chart` refuses it.
    """
    from bokeh.models import (
        ColumnDataSource,
        FixedTicker,
        HoverTool,
        LabelSet,
        Span,
        Title,
    )
    from bokeh.plotting import figure

    from kit.charts.read_only import lean_date_axis, stacked_lines

    data = chart_data(result, annotations)
    toolbar = toolbar and not read_only

    def drawn(layer: str) -> bool:
        """Whether a layer is drawn: always on a chart that may be updated, since
        ``update_chart`` fills the named sources it finds; only with data on a read-only one."""
        return not read_only or any(len(column) for column in data[layer].values())

    kwargs: dict[str, Any] = dict(
        width=width,
        height=height,
        x_axis_type=data["axis"],
        title=title or result.chart_name,
        toolbar_location="right" if toolbar else None,
        tools="pan,wheel_zoom,box_zoom,reset,save" if toolbar else "",
    )
    if x_range is not None:
        kwargs["x_range"] = x_range
    if y_range is not None:
        kwargs["y_range"] = y_range
    fig = figure(**kwargs)
    # update_chart checks the axis kind is unchanged, and that the chart may be updated
    fig.tags = [f"kit-axis:{data['axis']}", *([READ_ONLY] if read_only else [])]
    fig.add_layout(
        Title(
            text=chart_subtitle(result),
            text_font_style="italic",
            text_font_size="10pt",
            name=SUBTITLE,
        ),
        "above",
    )
    fig.title.text_font_size = "12pt"
    fig.xgrid.grid_line_color = None
    if y_axis_label:
        fig.yaxis.axis_label = y_axis_label

    if drawn("baseline"):
        fig.vstrip(
            x0="x0",
            x1="x1",
            source=ColumnDataSource(data["baseline"], name=BASELINE),
            fill_color=theme.BASELINE_FILL,
            fill_alpha=theme.BASELINE_ALPHA,
            line_alpha=0,
        )
    if drawn("dividers"):
        fig.vspan(
            x="x",
            source=ColumnDataSource(data["dividers"], name=PHASES),
            line_color=theme.PHASE_DIVIDER,
            line_dash="dashed",
            line_width=1,
        )
    if read_only:  # one renderer for the three lines: nothing will replace their data
        fig.segment(
            x0="x0",
            x1="x1",
            y0="y",
            y1="y",
            source=ColumnDataSource(stacked_lines(data["lines"]), name=LINES),
            line_color="colour",
            line_width="width",
        )
    else:
        line_src = ColumnDataSource(data["lines"], name=LINES)
        for y, colour, line_width in (
            ("ucl", theme.LIMIT_LINE, theme.LIMIT_WIDTH),
            ("lcl", theme.LIMIT_LINE, theme.LIMIT_WIDTH),
            ("cl", "cl_colour", theme.CENTRE_WIDTH),
        ):
            fig.segment(
                x0="x0",
                x1="x1",
                y0=y,
                y1=y,
                source=line_src,
                line_color=colour,
                line_width=line_width,
            )
    pt_src = ColumnDataSource(data["points"], name=POINTS)
    fig.line(x="x", y="y", source=pt_src, line_color=theme.DATA_LINE, line_width=1.5)
    scatter_kwargs: dict[str, Any] = dict(
        x="x",
        y="y",
        source=pt_src,
        marker="marker",
        size="size",
        fill_color="fill",
        line_color="colour",
        line_width=1.5,
    )
    if show_legend:
        scatter_kwargs["legend_field"] = "legend"
    points = fig.scatter(**scatter_kwargs)
    if drawn("notes"):
        note_src = ColumnDataSource(data["notes"], name=NOTES)
        fig.vspan(
            x="x",
            source=note_src,
            line_color=theme.ANNOTATION_LINE,
            line_dash="dotted",
            line_width=1.5,
        )
        fig.add_layout(
            LabelSet(
                x="x",
                y=5,
                y_units="screen",
                text="text",
                source=note_src,
                text_font_size="8pt",
                text_color=theme.ANNOTATION_LINE,
                angle=np.pi / 2,
                x_offset=-3,
            )
        )
    if target is not None:
        fig.add_layout(
            Span(
                location=float(target),
                dimension="width",
                line_color=theme.TARGET_LINE,
                line_dash="dotdash",
                line_width=2,
                name=TARGET,
            )
        )
    fig.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=[
                ("period", "@period"),
                ("value", "@value"),
                ("numerator", "@numerator"),
                ("denominator", "@denominator"),
                ("centre line", "@cl"),
                ("signal", "@rule"),
            ],
        )
    )
    if data["labels"] is not None:
        _set_labels(fig, data["labels"], FixedTicker)
    elif read_only and data["axis"] == "datetime":
        lean_date_axis(fig)
    if show_legend and fig.legend:
        legend = fig.legend[0]
        legend.orientation = "horizontal"
        legend.label_text_font_size = "8pt"
        legend.border_line_alpha = 0
        fig.add_layout(legend, "below")  # below the plot: it never hides a point
    _without_fading_copies(fig)
    return fig


def _without_fading_copies(fig: Any) -> None:
    """Drop the faded copies of each glyph that ``bokeh.plotting`` makes for selection and
    muting: these charts have neither a selection tool nor a muting legend, so the copies are
    never drawn, yet each is a model the kernel serialises and the page builds (a sixth of a
    chart's models). A chart that adds a selection tool sets its own (``kit.charts.teaching``).
    """
    from bokeh.models import GlyphRenderer

    for renderer in fig.renderers:
        if isinstance(renderer, GlyphRenderer):
            renderer.nonselection_glyph = None
            renderer.muted_glyph = None


def _set_labels(fig: Any, labels: dict[int, str], ticker_cls: Any) -> None:
    step = max(1, len(labels) // 12)
    fig.xaxis.ticker = ticker_cls(ticks=list(range(0, len(labels), step)))
    fig.xaxis.major_label_overrides = {i: t for i, t in labels.items()}


#: each updated figure's named models, found once: walking a figure's whole model graph
#: (``fig.select``) costs tens of milliseconds, several times per update, and a chart that
#: follows typing (``kit/steps/measures/view/chart.py``) is updated on every keystroke
_NAMED: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()


def named_models(fig: Any, cls: type, name: str | None = None) -> list[Any]:
    """The models of type ``cls`` (and ``name``, if given) in a figure, by name.

    Looked up once per figure, on its first update: an update replaces data and never adds
    or removes models, so the figure's named models stay the same objects."""
    found = _NAMED.get(fig)
    if found is None:
        found = _NAMED[fig] = [m for m in fig.references() if getattr(m, "name", None)]
    return [m for m in found if isinstance(m, cls) and (name is None or m.name == name)]


def _sources(fig: Any) -> dict[str, Any]:
    from bokeh.models import ColumnDataSource

    return {s.name: s for s in named_models(fig, ColumnDataSource)}


def update_chart(
    fig: Figure,
    result: SPCResult,
    *,
    annotations: Iterable[Annotation] | None = None,
    target: float | None = None,
) -> Figure:
    """Show a new result in an existing chart by replacing each source's data wholesale.

    The figure, its renderers and its tools stay the same objects, so a chart shown through
    ``jupyter_bokeh.BokehModel`` updates in place.
    """
    from bokeh.models import BasicTicker, FixedTicker, Span, Title

    if READ_ONLY in fig.tags:
        raise KitInputError("This chart was drawn to be read only; draw it anew.")
    data = chart_data(result, annotations)
    sources = _sources(fig)
    missing = {POINTS, LINES, PHASES, BASELINE, NOTES} - set(sources)
    if missing:
        raise KitInputError("This figure was not made by kit.charts.spc_chart; draw it anew.")
    if f"kit-axis:{data['axis']}" not in fig.tags:
        raise KitInputError(
            "The new periods are of another kind (dates versus labels) than the chart's axis; "
            "draw the chart anew with spc_chart()."
        )
    sources[POINTS].data = data["points"]
    sources[LINES].data = data["lines"]
    sources[PHASES].data = data["dividers"]
    sources[BASELINE].data = data["baseline"]
    if annotations is not None:
        sources[NOTES].data = data["notes"]
    for sub in named_models(fig, Title, SUBTITLE):
        sub.text = chart_subtitle(result)
    if target is not None:
        for span in named_models(fig, Span, TARGET):
            span.location = float(target)
    if data["labels"] is not None:
        _set_labels(fig, data["labels"], FixedTicker)
    elif fig.xaxis[0].major_label_overrides:  # labels before, plain numbers now
        fig.xaxis.major_label_overrides = {}
        fig.xaxis.ticker = BasicTicker()
    return fig


def small_multiples(
    many: ManyResult,
    *,
    keys: Sequence[Any] | None = None,
    ncols: int = 4,
    width: int = 260,
    height: int = 190,
    target: float | None = None,
    share_y: bool = True,
) -> GridPlot:
    """One small chart per team, sharing x and y axes so that teams compare at a glance."""
    from bokeh.layouts import gridplot
    from bokeh.models import DataRange1d, Title

    keys = list(many.keys if keys is None else keys)
    if not keys:
        raise KitInputError("There are no teams to draw.")
    x_range = DataRange1d()
    y_range = DataRange1d() if share_y else None
    figs = []
    for key in keys:
        fig = spc_chart(
            many.series(key),
            title=str(key),
            target=target,
            width=width,
            height=height,
            x_range=x_range,
            y_range=y_range,
            show_legend=False,
            toolbar=False,
        )
        fig.title.text_font_size = "10pt"
        for sub in fig.select({"type": Title, "name": SUBTITLE}):
            sub.text_font_size = "7pt"
        fig.xaxis.ticker.desired_num_ticks = 3
        figs.append(fig)
    # read at a glance, not explored: hovering a point still names it
    return gridplot(figs, ncols=ncols, toolbar_location=None)


def warm_up() -> Any:
    """Draw one small chart and serialise it as a page would; the caller throws it away.

    Why: Bokeh computes each model class's property defaults, and jupyter_bokeh its
    serialisation paths, the first time they are used. A preheated kernel does that while it
    waits for its visitor (``kit.ui.app.preload``), so the visitor's first chart is drawn with
    warm caches.
    """
    from jupyter_bokeh import BokehModel

    from kit.spc import analyze, explain

    months = pd.date_range("2025-01-01", periods=14, freq="MS")
    result = analyze(
        [4, 5, 3, 6, 4, 5, 4, 2, 2, 1, 2, 1, 2, 1], n=[40] * 14, chart="p", x=months, freeze=8
    )
    explain(result)
    return BokehModel(spc_chart(result, target=0.03))
