"""Charts for the set-up and topic-selection app: the collaborative's timeline and the spread
of individual topic ratings.

Compute once, render many: each chart has a ``*_columns`` function that turns domain objects
into the columns of its ``ColumnDataSource``, a builder that draws the figure once, and an
``update_*`` function that assigns new columns (and factors) wholesale, so a widget can redraw
the chart without rebuilding it (``jupyter_bokeh.BokehModel`` syncs the change).

Colours come from the Okabe-Ito palette (safe for colour-blind readers), like the shared
``kit.charts.theme``; every colour is paired with a second cue (the bar's label, a marker's
shape).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Range1d
from bokeh.plotting import figure

from kit.charts.theme import CENTRE_LINE, POINT_SIZE
from kit.qi.records import Milestone

__all__ = [
    "MILESTONE_COLOURS",
    "ratings_chart",
    "ratings_columns",
    "timeline_chart",
    "timeline_columns",
    "update_ratings",
    "update_timeline",
]

#: one colour per kind of milestone (Okabe-Ito)
MILESTONE_COLOURS = {
    "prework": "#CC79A7",
    "learning_session": "#0072B2",
    "action_period": "#56B4E9",
    "closing_congress": "#009E73",
}
_EMPTY_TIMELINE = "(no dates yet)"
_EMPTY_RATINGS = ("No votes yet", "")
_DOT = "#0072B2"
_MINE = "#D55E00"
_MEAN = CENTRE_LINE


# --- timeline -------------------------------------------------------------------------------


def timeline_columns(milestones: Iterable[Milestone]) -> tuple[dict[str, list[Any]], list[str]]:
    """Columns for the timeline's bars, and its y factors (first event on top).

    A bar runs from the start of its first day to the end of its last day, so a one-day
    closing congress is still visible.
    """
    events = sorted(milestones, key=lambda m: (m.start, m.end))
    columns: dict[str, list[Any]] = {
        "label": [],
        "left": [],
        "right": [],
        "colour": [],
        "kind": [],
        "dates": [],
        "days": [],
    }
    for m in events:
        columns["label"].append(m.label)
        columns["left"].append(dt.datetime.combine(m.start, dt.time()))
        columns["right"].append(dt.datetime.combine(m.end + dt.timedelta(days=1), dt.time()))
        columns["colour"].append(MILESTONE_COLOURS[str(m.kind)])
        columns["kind"].append(str(m.kind).replace("_", " "))
        if m.start == m.end:
            columns["dates"].append(f"{m.start:%d %b %Y}")
        else:
            columns["dates"].append(f"{m.start:%d %b %Y} to {m.end:%d %b %Y}")
        columns["days"].append((m.end - m.start).days + 1)
    factors = list(reversed(columns["label"])) or [_EMPTY_TIMELINE]
    return columns, factors


def timeline_chart(milestones: Iterable[Milestone] = ()) -> figure:
    """Horizontal bars per milestone on a date axis: prework, LS1-3, action periods, congress."""
    columns, factors = timeline_columns(milestones)
    fig = figure(
        y_range=FactorRange(factors=factors),
        x_axis_type="datetime",
        height=280,
        width=760,
        sizing_mode="stretch_width",
        toolbar_location=None,
        title="The collaborative's timeline",
        name="kit-setup-timeline",
    )
    source = ColumnDataSource(columns, name="timeline")
    fig.hbar(
        y="label",
        left="left",
        right="right",
        height=0.7,
        color="colour",
        line_color="#1b2733",
        source=source,
    )
    fig.add_tools(
        HoverTool(tooltips=[("", "@label"), ("dates", "@dates"), ("days", "@days")], mode="mouse")
    )
    fig.ygrid.grid_line_color = None
    fig.xaxis.axis_label = "Date"
    return fig


def _source(fig: figure, name: str) -> ColumnDataSource:
    """The named data source of one of the figure's glyphs.

    Looked up through the renderers rather than ``figure.select_one``, which walks every model
    of the figure (17 ms per call, paid each time an app refreshes its chart).
    """
    for renderer in fig.renderers:
        source = getattr(renderer, "data_source", None)
        if source is not None and source.name == name:
            return source
    raise LookupError(f"the figure has no data source named {name!r}")


def update_timeline(fig: figure, milestones: Iterable[Milestone]) -> None:
    """Redraw the bars by assigning new data; the figure itself is kept."""
    columns, factors = timeline_columns(milestones)
    source = _source(fig, "timeline")
    fig.y_range.factors = factors
    source.data = columns


# --- spread of ratings ------------------------------------------------------------------------


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unique_titles(result: Any) -> dict[str, str]:
    """Candidate id -> axis label; two topics with the same title get a number."""
    counts: Counter[str] = Counter()
    labels = {}
    for candidate in result.candidates:
        title = _short(candidate.title, 40)
        counts[title] += 1
        labels[candidate.candidate_id] = (
            title if counts[title] == 1 else f"{title} ({counts[title]})"
        )
    return labels


def ratings_columns(
    result: Any,
    *,
    mine: Sequence[str] = (),
    hide_voters: bool = False,
    own_team_ballots: Sequence[str] = (),
) -> dict[str, Any]:
    """The dots (one per voter, topic and criterion) and the means, ready for the chart.

    ``result`` is a ``kit.qi.topics.TopicResult``. Dots with the same score in the same row are
    spread sideways around the score so that every vote stays visible (a deterministic
    jitter); the hover shows the score itself. ``mine`` names
    the ballot ids drawn as "your scores"; with ``hide_voters`` only ballots in
    ``own_team_ballots`` (and ``mine``) keep their voter's name in the hover text.
    """
    titles = _unique_titles(result)
    factors: list[tuple[str, str]] = []
    criterion_labels: dict[str, str] = {}
    for candidate in result.candidates:
        for summary in candidate.criteria:
            label = _short(summary.label)
            criterion_labels[summary.key] = label
            factors.append((titles[candidate.candidate_id], label))

    groups: dict[tuple[str, str, int], list[Any]] = defaultdict(list)
    for rating in result.ratings:
        if rating.candidate_id in titles:
            groups[(rating.candidate_id, rating.criterion, rating.score)].append(rating)
    dots: dict[str, list[Any]] = {
        "x": [],
        "score": [],
        "y": [],
        "voter": [],
        "topic": [],
        "criterion": [],
        "colour": [],
        "marker": [],
    }
    visible = set(mine) | set(own_team_ballots)
    for (candidate_id, key, score), ratings in groups.items():
        n = len(ratings)
        step = min(0.1, 0.7 / max(n, 1))
        for k, rating in enumerate(ratings):
            dots["x"].append(score + (k - (n - 1) / 2) * step)
            dots["score"].append(score)
            dots["y"].append((titles[candidate_id], criterion_labels[key]))
            is_mine = rating.ballot_id in mine
            shown = rating.voter if (not hide_voters or rating.ballot_id in visible) else "a voter"
            dots["voter"].append(f"{shown} (you)" if is_mine else shown)
            dots["topic"].append(rating.candidate)
            dots["criterion"].append(rating.criterion_label)
            dots["colour"].append(_MINE if is_mine else _DOT)
            dots["marker"].append("triangle" if is_mine else "circle")

    means: dict[str, list[Any]] = {"mean": [], "y": [], "label": [], "n": []}
    for candidate in result.candidates:
        for summary in candidate.criteria:
            if summary.mean is None:
                continue
            means["mean"].append(summary.mean)
            means["y"].append((titles[candidate.candidate_id], criterion_labels[summary.key]))
            means["label"].append(f"{summary.mean:.1f}")
            means["n"].append(summary.n_voters)
    # a categorical axis runs bottom to top: reverse it so the top-ranked topic reads first
    return {"dots": dots, "means": means, "factors": list(reversed(factors)) or [_EMPTY_RATINGS]}


def ratings_chart(result: Any, **options: Any) -> figure:
    """Every individual rating as a dot per topic and criterion, with the mean as a bar.

    Disagreement is information: a wide spread on "degree of belief" is worth a conversation
    before the vote is settled.
    """
    data = ratings_columns(result, **options)
    fig = figure(
        y_range=FactorRange(factors=data["factors"], group_padding=0.8),
        x_range=Range1d(0.5, 5.5),
        height=_ratings_height(data["factors"]),
        width=760,
        sizing_mode="stretch_width",
        toolbar_location=None,
        title="How each voter scored each topic (dots: one vote each; triangles: your ballot; black bar: the mean)",
        name="kit-setup-ratings",
    )
    dots = ColumnDataSource(data["dots"], name="ratings")
    means = ColumnDataSource(data["means"], name="rating_means")
    # the mean behind the dots and taller than them, so neither hides the other
    fig.scatter(
        x="mean",
        y="y",
        source=means,
        marker="dash",
        size=22,
        line_width=3,
        color=_MEAN,
        angle=1.5708,
    )
    renderer = fig.scatter(
        x="x",
        y="y",
        source=dots,
        marker="marker",
        size=POINT_SIZE,
        color="colour",
        alpha=0.85,
        line_color="white",
    )
    fig.add_tools(
        HoverTool(
            renderers=[renderer],
            tooltips=[
                ("voter", "@voter"),
                ("topic", "@topic"),
                ("", "@criterion"),
                ("score", "@score"),
            ],
        )
    )
    fig.xaxis.axis_label = "Score (1 weak to 5 strong)"
    fig.xaxis.ticker = [1, 2, 3, 4, 5]
    fig.yaxis.group_label_orientation = "horizontal"
    fig.yaxis.major_label_text_font_size = "9pt"
    fig.ygrid.grid_line_color = None
    return fig


def _ratings_height(factors: Sequence[Any]) -> int:
    return max(220, 80 + 24 * len(factors))


def update_ratings(fig: figure, result: Any, **options: Any) -> None:
    """Redraw the dots and means by assigning new data and factors."""
    data = ratings_columns(result, **options)
    fig.y_range.factors = data["factors"]
    fig.height = _ratings_height(data["factors"])
    _source(fig, "ratings").data = data["dots"]
    _source(fig, "rating_means").data = data["means"]
