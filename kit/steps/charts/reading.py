"""How one measure's chart is read: which chart, which points, which lines, in which words.

Pure functions over records (no store, no widgets, no Bokeh), so each rule is tested on its
own (``tests/steps/test_charts_model.py``): the chart recommended for the measure's kind of
data (``kit.spc.recommend_chart``), a run chart while there are too few points for limits,
the team's chart settings turned into ``kit.spc.analyze``'s phases, frozen baseline and
exclusions, the target line from the team's aim, and the PDSA cycles and observation notes
as annotations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kit.errors import KitInputError
from kit.qi.chart_settings import ChartSettings, ExcludedPoint
from kit.qi.pdsa import cycle_annotations
from kit.qi.records import Aim, Measure, PDSACycle
from kit.spc import recommend_chart

#: below this many points a control chart's limits are only trial limits: draw a run chart.
#: "about 15-20" in Provost & Murray, The Health Care Data Guide (2011), chapter 5 (the
#: reason ``kit.spc.recommend_chart("few_points")`` gives); the kit takes the lower end.
MIN_POINTS_FOR_LIMITS = 15

#: the kind of data a measure's chart implies, for ``kit.spc.recommend_chart``
_DATA_TYPES = {
    "p": "proportion",
    "pp": "proportion",
    "u": "rate",
    "up": "rate",
    "c": "count",
    "i": "continuous",
    "xbar": "subgroups",
    "g": "cases_between",
    "t": "time_between",
}

#: the rule sets a chart can be read with, in words (the names ``kit.spc`` prints on charts)
RULE_SETS = {
    "anhoej": "Anhøj rules",
    "ihi": "IHI rules",
    "nhs": "NHS Making Data Count rules",
    "western_electric": "Western Electric rules",
}


@dataclass(frozen=True)
class ChartChoice:
    """The chart drawn for a measure, and the reason in words, with its source."""

    chart: str
    data_type: str
    reason: str
    source: str
    too_few: bool = False

    @property
    def text(self) -> str:
        return f"{self.reason} (Source: {self.source}.)"


def data_type(measure: Measure) -> str:
    """The kind of data behind a measure: a proportion, a rate, a count, a measurement."""
    if measure.chart in _DATA_TYPES:
        return _DATA_TYPES[measure.chart]
    return "proportion" if measure.has_denominator else "continuous"


def choose_chart(measure: Measure, n_points: int) -> ChartChoice:
    """The recommended chart for the measure's data, or a run chart while points are few."""
    kind = data_type(measure)
    advice = recommend_chart(kind)
    if n_points < MIN_POINTS_FOR_LIMITS and advice.chart != "run":
        few = recommend_chart("few_points")
        reason = (
            f"There are {n_points} points so far. {few.reason} From "
            f"{MIN_POINTS_FOR_LIMITS} points this measure gets its "
            f"{advice.chart.upper()} chart: {advice.reason}"
        )
        return ChartChoice("run", kind, reason, few.source, too_few=True)
    chart = advice.chart
    if chart in ("p", "u") and not measure.has_denominator:
        chart = "i"  # without denominators there is nothing to divide: one value per period
    if chart == "xbar":
        chart = "i"  # the kit stores one value per period
    return ChartChoice(chart, kind, advice.reason, advice.source)


def direction_words(measure: Measure) -> str:
    """The measure's direction of improvement, as the explanation says it."""
    better = "higher" if measure.direction == "up" else "lower"
    return f"For {measure.name.lower()}, {better} is better."


def target_for(measure: Measure, aim: Aim | None) -> tuple[float | None, str]:
    """The target line: the team's aim when the aim is about this measure, else the measure's."""
    if aim is not None and aim.measure_id == measure.id and aim.target is not None:
        return aim.target, "the team's aim"
    if measure.target is not None:
        return measure.target, "the measure's definition"
    return None, ""


# --- the team's settings for one chart -------------------------------------------------------


def blank_settings(team_id: str, measure_id: str) -> ChartSettings:
    """A chart's settings before anyone changed them: one phase, no freeze, no exclusions."""
    return ChartSettings(
        id=f"chart-{team_id}-{measure_id}"[:64], team_id=team_id, measure_id=measure_id
    )


def _known(period: dt.date, periods: Sequence[dt.date]) -> dt.date:
    if period not in periods:
        raise KitInputError(
            f"{period:%b %Y} is not a period on this chart; pick one of its points."
        )
    return period


def add_phase(
    settings: ChartSettings, period: dt.date, periods: Sequence[dt.date]
) -> ChartSettings:
    """A new phase from ``period`` on: its own centre line and limits from that point."""
    _known(period, periods)
    if periods and period == periods[0]:
        raise KitInputError(
            "The first point already starts the chart; pick the first point of the new phase."
        )
    if period in settings.phase_starts:
        raise KitInputError(f"A phase already starts at {period:%b %Y}.")
    starts = sorted([*settings.phase_starts, period])
    return settings.model_copy(update={"phase_starts": starts})


def remove_phase(settings: ChartSettings, period: dt.date) -> ChartSettings:
    """Join the phase that starts at ``period`` to the one before it."""
    if period not in settings.phase_starts:
        raise KitInputError(f"No phase starts at {period:%b %Y}.")
    return settings.model_copy(
        update={"phase_starts": [p for p in settings.phase_starts if p != period]}
    )


def freeze_baseline(
    settings: ChartSettings, period: dt.date | None, periods: Sequence[dt.date]
) -> ChartSettings:
    """Freeze the centre line and limits on the points up to ``period`` (None: unfreeze)."""
    if period is not None:
        _known(period, periods)
    return settings.model_copy(update={"baseline_end": period})


def exclude_point(
    settings: ChartSettings, period: dt.date, reason: str, periods: Sequence[dt.date]
) -> ChartSettings:
    """Leave one point out of the centre line and limits; the reason is shown on the chart."""
    _known(period, periods)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise KitInputError(
            "Say why this point is left out (for example 'ward closed for refurbishment'): "
            "everyone who reads the chart sees the reason."
        )
    kept = [e for e in settings.excluded if e.period != period]
    item = ExcludedPoint(period=period, reason=reason[:200])
    return settings.model_copy(update={"excluded": sorted([*kept, item], key=lambda e: e.period)})


def include_point(settings: ChartSettings, period: dt.date) -> ChartSettings:
    """Put an excluded point back into the centre line and limits."""
    if all(e.period != period for e in settings.excluded):
        raise KitInputError(f"{period:%b %Y} is not excluded.")
    return settings.model_copy(
        update={"excluded": [e for e in settings.excluded if e.period != period]}
    )


@dataclass(frozen=True)
class AnalysisInput:
    """The settings as ``kit.spc.analyze`` takes them: positions of the points shown."""

    phase_starts: list[int] = field(default_factory=list)
    freeze: int | None = None
    exclude: list[int] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)


def analysis_input(settings: ChartSettings, periods: Sequence[dt.date]) -> AnalysisInput:
    """Dates to positions; a setting whose period has no data (deleted since) is skipped."""
    where = {p: i for i, p in enumerate(periods)}
    starts = sorted(where[p] for p in settings.phase_starts if p in where and where[p] > 0)
    freeze = None
    if settings.baseline_end is not None:
        first_phase_end = starts[0] if starts else len(periods)
        freeze = sum(1 for p in periods[:first_phase_end] if p <= settings.baseline_end) or None
        if freeze is not None and freeze >= first_phase_end:
            freeze = None  # the baseline is the whole first phase: nothing is judged against it
    reasons = {where[e.period]: e.reason for e in settings.excluded if e.period in where}
    return AnalysisInput(starts, freeze, sorted(reasons), reasons)


# --- annotations -------------------------------------------------------------------------------


def annotations(
    measure: Measure,
    cycles: Iterable[PDSACycle],
    notes: Iterable[tuple[dt.date, str]],
    periods: Sequence[dt.date],
) -> list[dict[str, Any]]:
    """PDSA cycles linked to the measure and the data's notes, as marks on the time axis.

    A mark outside the chart's periods is left out (it would stretch the axis to no point).
    """
    if not periods:
        return []
    first, last = periods[0], periods[-1]
    marks: list[dict[str, Any]] = []
    for mark in cycle_annotations(cycles, measure.id):
        if first <= mark.day <= _month_end(last):
            marks.append({"x": mark.day, "text": mark.label, "kind": "pdsa"})
    for day, text in notes:
        text = " ".join(str(text or "").split())
        if text and first <= day <= last:
            marks.append({"x": day, "text": f"Note: {text[:60]}", "kind": "note"})
    return sorted(marks, key=lambda m: (m["x"], m["text"]))


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def period_of_click(index: int | None, periods: Sequence[dt.date]) -> dt.date:
    """The period of the point clicked on the chart (Bokeh's selection gives its index)."""
    if index is None or not 0 <= int(index) < len(periods):
        raise KitInputError("Click on one of the chart's points to pick its period.")
    return periods[int(index)]


#: a period's numbers as typed and not yet saved: (value or numerator, denominator or None),
#: or None when the row was emptied
Typed = tuple[float, float | None] | None


def with_typed(
    periods: Sequence[dt.date],
    values: Sequence[float],
    denominators: Sequence[float] | None,
    typed: dict[dt.date, Typed],
) -> tuple[list[dt.date], list[float], list[float] | None]:
    """The series with the values a person is typing laid over the stored ones.

    The data page draws its chart from what the boxes hold before the save (which waits for
    typing to pause), so the chart follows each keystroke; an emptied row leaves the series.
    """
    rows: dict[dt.date, tuple[float, float | None]] = {
        p: (v, denominators[i] if denominators is not None else None)
        for i, (p, v) in enumerate(zip(periods, values, strict=True))
    }
    for period, numbers in typed.items():
        if numbers is None:
            rows.pop(period, None)
        else:
            rows[period] = numbers
    order = sorted(rows)
    out_values = [rows[p][0] for p in order]
    if denominators is None:
        return order, out_values, None
    return order, out_values, [float(rows[p][1] or 0.0) for p in order]
