"""A one-page storyboard per team: the poster a team brings to a storyboard round.

A storyboard shows the team and organisation, the aim, the driver diagram, the family of
measures as charts with the PDSA cycles marked on them, the cycles' highlights, the lessons
and the latest assessment (DOMAIN.md, "Storyboard contents", after IHI's Breakthrough Series
white paper). The known complaint about storyboards is that they are crowded and wordy, so
the data get the space: charts first, words short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.errors import KitInputError
from kit.qi.aims import compose_aim
from kit.qi.dashboard import CollaborativeRecords, TeamStatus, analyze_measure
from kit.qi.pdsa import cycle_annotations, scale_label, stage
from kit.qi.records import Measure, PDSACycle
from kit.qi.reporting import assessment_levels, period_label
from kit.reports.render import CHART_HEIGHT, CHART_WIDTH, Paper, embed, render

__all__ = ["ChartBlock", "MeasureCharts", "measure_charts", "storyboard_html"]

KIND_ORDER = {"outcome": 0, "process": 1, "balancing": 2}
STAGE_WORDS = {
    "plan": "planning",
    "do": "ready to run",
    "study": "studying the result",
    "act": "deciding",
    "done": "decided",
}
#: how much of each kind of text a storyboard shows (a crowded storyboard is read by nobody)
MAX_CYCLES = 6
MAX_LESSONS = 4
MAX_SENTENCES = 3
RECENT_POINTS = 6


@dataclass(frozen=True)
class MeasureCharts:
    """Every team's chart of every measure, computed once (``kit.qi.dashboard.analyze_measure``)."""

    results: dict[str, Any] = field(default_factory=dict)  # measure id -> ManyResult | None

    def series(self, measure_id: str, team_id: str) -> Any | None:
        many = self.results.get(measure_id)
        if many is None or team_id not in set(many.points[many.by]):
            return None
        return many.series(team_id)


def measure_charts(records: CollaborativeRecords, *, rules: str = "anhoej") -> MeasureCharts:
    """Analyse each measure once for all teams: the storyboards then only draw.

    A measure whose data cannot be charted (``KitInputError``) is left off the storyboards
    rather than stopping every report.
    """
    results: dict[str, Any] = {}
    for measure in records.measures:
        try:
            results[measure.id] = analyze_measure(measure, records.observations, rules=rules)
        except KitInputError:
            results[measure.id] = None
    return MeasureCharts(results)


@dataclass(frozen=True)
class ChartBlock:
    """One measure's chart on a storyboard, with its words and its latest numbers."""

    measure: Measure
    kind: str
    figure: Any
    sentences: tuple[str, ...]
    recent: tuple[tuple[str, str], ...]


def _recent(result: Any) -> tuple[tuple[str, str], ...]:
    pts = result.points.dropna(subset=["y"]).tail(RECENT_POINTS)
    return tuple(
        (f"{pd.Timestamp(x):%b %Y}", f"{float(y):.3g}")
        for x, y in zip(pts["x"], pts["y"], strict=True)
    )


def _chart_blocks(
    records: CollaborativeRecords, team_id: str, charts: MeasureCharts
) -> list[ChartBlock]:
    from kit.charts.spc import spc_chart

    cycles = [c for c in records.cycles if c.team_id == team_id]
    family = sorted(records.family_of(team_id), key=lambda m: KIND_ORDER[str(m.measure_kind)])
    blocks = []
    for measure in family:
        result = charts.series(measure.id, team_id)
        if result is None:
            continue
        marks = [
            (pd.Timestamp(a.day), a.label) for a in cycle_annotations(cycles, measure.id)
        ]  # fmt: skip
        first, last = result.points["x"].min(), result.points["x"].max()
        marks = [(day, text) for day, text in marks if first <= day <= last]
        fig = spc_chart(
            result,
            title=f"{measure.name} ({measure.measure_kind})",
            target=measure.target,
            annotations=marks,
            y_axis_label=measure.unit or None,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
            read_only=True,
        )
        blocks.append(
            ChartBlock(
                measure=measure,
                kind=str(measure.measure_kind),
                figure=fig,
                sentences=tuple(result.explain()[:MAX_SENTENCES]),
                recent=_recent(result),
            )
        )
    return blocks


def _cycle_row(cycle: PDSACycle, ideas: dict[str, str]) -> dict[str, str]:
    when = f"{cycle.start:%d %b %Y}" if cycle.start else "not dated"
    return {
        "title": cycle.title,
        "idea": ideas.get(cycle.change_idea_id or "", ""),
        "when": when,
        "scale": scale_label(cycle.scale),
        "stage": STAGE_WORDS[stage(cycle)],
        "act": cycle.act or "",
        "prediction_held": cycle.prediction_held or "",
        "study": cycle.study_notes,
    }


def _lessons(records: CollaborativeRecords, team_id: str) -> list[tuple[str, str]]:
    settings = records.collaborative.reporting
    sent = sorted(
        (r for r in records.reports if r.team_id == team_id and r.submitted and r.learned),
        key=lambda r: (r.month, r.version_number),
        reverse=True,
    )
    lessons: list[tuple[str, str]] = []
    for report in sent:
        if all(text != report.learned for _, text in lessons):
            lessons.append((period_label(settings, report.month), report.learned))
        if len(lessons) == MAX_LESSONS:
            break
    return lessons


def storyboard_context(
    records: CollaborativeRecords,
    status: TeamStatus,
    charts: MeasureCharts,
) -> dict[str, Any]:
    """Everything the storyboard template shows for one team, figures included."""
    team = records.team(status.team_id)
    aim = records.aim_of(team.id)
    diagram = records.diagram_of(team.id)
    figures: list[Any] = []
    diagram_index = None
    if diagram is not None and diagram.primary_drivers:
        from kit.charts.driver_diagram import driver_diagram_figure

        fig = driver_diagram_figure(diagram)
        fig.toolbar_location = None
        diagram_index = len(figures)
        figures.append(fig)
    blocks = _chart_blocks(records, team.id, charts)
    figures.extend(b.figure for b in blocks)
    ideas = {i.id: i.text for i in diagram.change_ideas} if diagram else {}
    cycles = sorted(
        (c for c in records.cycles if c.team_id == team.id),
        key=lambda c: (c.start or dt.date.min, c.title),
        reverse=True,
    )[:MAX_CYCLES]
    levels = {level.score: level.label for level in assessment_levels()}
    return {
        "team": team,
        "collaborative": records.collaborative,
        "aim_sentence": (compose_aim(aim, placeholders=False) or aim.free_text) if aim else "",
        "aim": aim,
        "diagram_index": diagram_index,
        "blocks": blocks,
        "figures": figures,
        "cycles": [_cycle_row(c, ideas) for c in cycles],
        "cycle_count": status.cycles,
        "lessons": _lessons(records, team.id),
        "assessment": status.assessment,
        "levels": levels,
        "status": status,
    }


def storyboard_html(
    records: CollaborativeRecords,
    status: TeamStatus,
    charts: MeasureCharts,
    *,
    paper: Paper = "A3",
    generated: str = "",
    rules_name: str = "Anhøj rules",
) -> str:
    """One team's storyboard as a standalone HTML page (A3 landscape poster by default)."""
    context = storyboard_context(records, status, charts)
    script, divs = embed(context["figures"])
    return render(
        "storyboard.html.j2",
        paper,
        divs=divs,
        bokeh_script=script,
        chart_width=CHART_WIDTH,
        generated=generated,
        rules_name=rules_name,
        **context,
    )
