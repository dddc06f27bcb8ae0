"""The collaborative summary report for the closing congress.

What the whole collaborative achieved, on a few pages: the collaborative's aim and timeline,
how many teams reached each milestone, how many show improvement over time, each shared
measure pooled over all teams and compared across teams in a funnel plot for the latest
period (Spiegelhalter 2005, so that small teams' noisy rates are not read as failure), the
faculty's latest scores, every team's status, and the all-teach-all-learn suggestions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kit.qi.dashboard import (
    BASELINE_POINTS,
    CollaborativeRecords,
    TeamStatus,
    chart_for,
    improvement_over_time,
    pooled_measure,
)
from kit.qi.definitions import is_rate
from kit.qi.presenters import Suggestion
from kit.qi.records import Measure
from kit.qi.reporting import assessment_levels
from kit.reports.render import CHART_HEIGHT, CHART_WIDTH, Paper, embed, render

__all__ = ["MeasureSection", "summary_html"]


@dataclass(frozen=True)
class MeasureSection:
    """One shared measure: its pooled chart and its funnel plot for the period."""

    measure: Measure
    pooled: Any | None
    funnel: Any | None
    funnel_words: tuple[str, ...]


def _pooled_figure(measure: Measure, observations: pd.DataFrame) -> Any | None:
    from kit.charts.spc import spc_chart
    from kit.spc import analyze

    pooled = pooled_measure(measure, observations)
    if pooled.empty:
        return None
    freeze = BASELINE_POINTS if len(pooled) > BASELINE_POINTS else None
    x = pd.to_datetime(pooled["period"])
    if measure.has_denominator and measure.chart in ("p", "pp", "u", "up"):
        result = analyze(
            pooled["numerator"], pooled["denominator"], x=x, chart=measure.chart,
            direction=measure.direction, multiply=measure.multiply, freeze=freeze,
        )  # fmt: skip
    else:
        # values, or each month's pooled ratio of a measure charted without its denominator
        result = analyze(
            pooled["value"], x=x, chart=chart_for(measure), direction=measure.direction,
            freeze=freeze, multiply=measure.multiply,
        )  # fmt: skip
    fig = spc_chart(
        result, title=f"{measure.name}: all teams pooled", target=measure.target,
        y_axis_label=measure.unit or None, width=CHART_WIDTH, height=CHART_HEIGHT,
        read_only=True,
    )  # fmt: skip
    return fig


def _funnel(
    measure: Measure, records: CollaborativeRecords, period: Any
) -> tuple[Any | None, tuple[str, ...]]:
    from kit.charts.funnel import funnel_chart
    from kit.errors import KitInputError
    from kit.spc.funnel import funnel_for_period

    if not measure.has_denominator:
        return None, ("A funnel plot needs a numerator and a denominator.",)
    obs = records.observations
    rows = obs[obs["measure_id"] == measure.id]
    names = {t.id: t.name for t in records.teams}
    rows = rows.assign(team=rows["team_id"].map(names).fillna(rows["team_id"]))
    try:
        result = funnel_for_period(
            rows, pd.Timestamp(period), by="team", kind="rate" if is_rate(measure) else "proportion",
            multiply=measure.multiply,
        )  # fmt: skip
    except KitInputError as error:
        return None, (str(error),)
    fig = funnel_chart(
        result, title=f"{measure.name}: teams compared, {pd.Timestamp(period):%B %Y}",
        direction=measure.direction, x_axis_label=measure.definition.denominator or "Denominator",
        y_axis_label=measure.unit or "Rate", width=CHART_WIDTH, height=CHART_HEIGHT + 40,
    )  # fmt: skip
    fig.toolbar_location = None
    counts = result.teams["outside"].value_counts()
    words = [
        f"{int(counts.get('above 99.8%', 0))} team(s) above and "
        f"{int(counts.get('below 99.8%', 0))} below the 99.8% limits; the rest differ from the "
        f"pooled rate ({result.target:.3g}) by no more than chance allows.",
        *result.messages,
    ]
    return fig, tuple(words)


def summary_html(
    records: CollaborativeRecords,
    statuses: Sequence[TeamStatus],
    suggestions: Sequence[Suggestion],
    *,
    links: Mapping[str, str] | None = None,
    paper: Paper = "A4",
    generated: str = "",
    rules_name: str = "Anhøj rules",
) -> str:
    """The collaborative summary as one standalone HTML page.

    ``links`` maps a team id to its storyboard's file name, written beside the summary.
    """
    period = statuses[0].period if statuses else None
    months = sorted(
        {pd.Timestamp(p).date() for p in pd.to_datetime(records.observations["period"])}
    )
    from kit.charts.storyboard import improvement_chart, score_chart

    figures: list[Any] = []
    improving_index = None
    if months:
        counts = improvement_over_time(statuses, months)
        improving_index = len(figures)
        figures.append(improvement_chart(counts, len(statuses), width=CHART_WIDTH))
    levels = [level.score for level in assessment_levels()]
    faculty = [s.faculty_score for s in statuses if s.faculty_score is not None]
    scores_index = None
    if faculty:
        scores_index = len(figures)
        figures.append(
            score_chart(faculty, levels, title="Latest faculty scores", width=CHART_WIDTH)
        )
    sections = []
    positions = []
    for measure in records.measures:
        if measure.team_id is not None:
            continue  # a team's own measure belongs on its storyboard
        pooled = _pooled_figure(measure, records.observations)
        funnel, words = _funnel(measure, records, period) if period else (None, ())
        spots = []
        for fig in (pooled, funnel):
            spots.append(len(figures) if fig is not None else None)
            if fig is not None:
                figures.append(fig)
        positions.append(tuple(spots))
        sections.append(MeasureSection(measure, pooled, funnel, words))
    script, divs = embed(figures)
    overview = {
        "teams": len(statuses),
        "aim": sum(s.aim_set for s in statuses),
        "diagram": sum(s.driver_diagram for s in statuses),
        "data": sum(s.data_current for s in statuses),
        "overdue": sum(s.overdue_reports > 0 for s in statuses),
        "improving": sum(s.improving for s in statuses),
    }
    return render(
        "summary.html.j2",
        paper,
        collaborative=records.collaborative,
        statuses=sorted(statuses, key=lambda s: s.name.casefold()),
        suggestions=list(suggestions),
        sections=list(zip(sections, positions, strict=True)),
        overview=overview,
        improving_index=improving_index,
        scores_index=scores_index,
        divs=divs,
        bokeh_script=script,
        links=dict(links or {}),
        period_label=statuses[0].period_label if statuses else "",
        baseline_points=BASELINE_POINTS,
        chart_width=CHART_WIDTH,
        generated=generated,
        rules_name=rules_name,
    )
