"""The generator hits the parameters it declares, over several seeds, within sampling tolerance.

The declared values are in kit/datasets/topics.py (with their published sources) and in
kit.datasets.Settings; the tolerances below are a few standard errors for the sizes used.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from kit.datasets import TOPICS, Settings, generate
from kit.datasets.simulate import PROCESS_RAMP
from kit.errors import KitInputError

SEEDS = (11, 12, 13)


def _big(topic: str, seed: int):
    return generate(Settings(topic=topic, teams=100, months=30, baseline_months=12, seed=seed))


@pytest.fixture(scope="module", params=sorted(TOPICS))
def runs(request):
    return [_big(request.param, seed) for seed in SEEDS]


def _pooled(g, measure: str, months: slice, stories: tuple[str, ...]) -> float:
    data = g.simulation.data
    teams = g.truth.loc[g.truth["story"].isin(stories), "team_id"]
    rows = data[
        (data["measure_id"] == measure)
        & data["team_id"].isin(teams)
        & data["month_index"].between(months.start, months.stop - 1)
    ]
    return rows["numerator"].sum() / rows["denominator"].sum()


def test_baseline_rates_match_the_topic(runs) -> None:
    """Across teams, the baseline-year rate sits at the topic's declared baseline.

    Team baselines are drawn log-normal (rates) or logit-normal (proportions) around the
    declared value, so the pooled rate is within about 15% of it; the answer key agrees with
    the data within 5%.
    """
    g0 = runs[0]
    for spec in g0.topic.measures:
        pooled = np.mean(
            [_pooled(g, spec.id, slice(0, 12), ("improves", "slips", "never")) for g in runs]
        )
        if spec.denominator == "parent":
            parent = np.mean(
                [
                    _pooled(g, str(spec.parent), slice(0, 12), ("improves", "slips", "never"))
                    for g in runs
                ]
            )
            pooled = pooled / parent  # the declared baseline is a share of the parent's events
        assert pooled == pytest.approx(spec.baseline, rel=0.15), spec.id
        median = np.median(np.concatenate([g.truth[f"{spec.id}:baseline"] for g in runs]))
        assert median == pytest.approx(spec.baseline, rel=0.08), spec.id


def test_improving_teams_reach_the_declared_effect_and_others_stay(runs) -> None:
    g0 = runs[0]
    last = slice(24, 30)  # every improving team's change is complete by then
    for spec in g0.topic.measures:
        before = np.mean([_pooled(g, spec.id, slice(0, 12), ("improves",)) for g in runs])
        after = np.mean([_pooled(g, spec.id, last, ("improves",)) for g in runs])
        never_before = np.mean([_pooled(g, spec.id, slice(0, 12), ("never",)) for g in runs])
        never_after = np.mean([_pooled(g, spec.id, last, ("never",)) for g in runs])
        assert never_after == pytest.approx(never_before, rel=0.15), spec.id
        if spec.chart == "u" and spec.denominator != "parent":
            assert after / before == pytest.approx(1 - spec.effect, abs=0.08), spec.id
        elif spec.improved is not None and spec.kind == "process":
            assert after == pytest.approx(spec.improved, abs=0.06), spec.id
        elif spec.improved is not None and spec.kind == "outcome":
            assert after / before == pytest.approx(spec.improved / spec.baseline, abs=0.1), spec.id
        elif spec.effect == 0 and spec.improved is None:
            assert after == pytest.approx(before, rel=0.15), spec.id  # balancing: unchanged


def test_process_moves_before_and_more_than_the_outcome(runs) -> None:
    """Process first and further, outcomes later and less (Schouten et al., BMJ 2008)."""
    for g in runs:
        process = next(s for s in g.topic.measures if s.kind == "process")
        outcome = next(s for s in g.topic.measures if s.id == g.topic.aim_measure)
        truth = g.truth[g.truth["story"] == "improves"]
        # the answer key: process full at the change month, outcome only afterwards
        assert (g.simulation.process_progress[truth.index, truth["change_index"]] == 1).all()
        assert (g.simulation.outcome_progress[truth.index, truth["change_index"]] == 0).all()
        before_p = _pooled(g, process.id, slice(0, 12), ("improves",))
        after_p = _pooled(g, process.id, slice(24, 30), ("improves",))
        before_o = _pooled(g, outcome.id, slice(0, 12), ("improves",))
        after_o = _pooled(g, outcome.id, slice(24, 30), ("improves",))
        # "more": the share of the room for improvement taken up, to 100% for a compliance
        # measure, to zero for an event rate
        gap_p = (after_p - before_p) / (1 - before_p)
        gap_o = (before_o - after_o) / before_o
        assert gap_p > gap_o > 0


def test_share_of_improving_and_slipping_teams_is_as_declared() -> None:
    for teams in (3, 8, 37, 100):
        for seed in SEEDS:
            s = Settings(teams=teams, seed=seed)
            counts = generate(s).truth["story"].value_counts()
            assert counts.get("improves", 0) == round(teams * s.share_improving)
            assert counts.get("slips", 0) == round(teams * s.share_slipping)


def test_change_dates_are_staggered_after_ls1_and_slips_lose_the_gain(runs) -> None:
    for g in runs:
        truth, ls1 = g.truth, g.simulation.ls1_index
        changed = truth[truth["story"] != "never"]
        assert (changed["change_index"] > ls1).all()
        assert changed["change_index"].nunique() >= 4
        slips = truth[truth["story"] == "slips"]
        assert (slips["slip_index"] > slips["change_index"]).all()
        progress = g.simulation.process_progress
        assert (progress[slips.index, -1] < 0.5).all()  # most of the gain is gone by the end


def test_missing_report_rate_is_as_declared() -> None:
    missing, expected = [], []
    for seed in SEEDS:
        s = Settings(topic="clabsi", teams=100, months=24, baseline_months=6, seed=seed)
        g = generate(s)
        months = (
            len(g.simulation.periods) - g.simulation.ls1_index - 1
        )  # the latest is never absent
        reports = pd.DataFrame(
            [(x.team_id, x.month, x.submitted) for x in g.records["monthly_report"]],
            columns=["team", "month", "submitted"],
        )
        latest = reports["month"] == g.simulation.periods[-1]
        missing.append(1 - (~latest).sum() / (100 * months))
        expected.append(s.missing_reports)
        overdue = 1 - reports.loc[latest, "submitted"].mean()
        assert overdue == pytest.approx(s.overdue_latest, abs=0.15)
        assert latest.sum() == 100
    assert np.mean(missing) == pytest.approx(np.mean(expected), abs=0.015)


def test_winter_peak_where_the_topic_has_one() -> None:
    g = generate(Settings(topic="falls", teams=100, months=36, baseline_months=24, seed=4))
    data = g.simulation.data
    data = data[(data["measure_id"] == "m-falls") & (data["month_index"] < 24)]
    month = pd.Series([p.month for p in data["period"]], index=data.index)
    winter = data[month.isin([12, 1, 2])]
    summer = data[month.isin([6, 7, 8])]
    ratio = (winter["numerator"].sum() / winter["denominator"].sum()) / (
        summer["numerator"].sum() / summer["denominator"].sum()
    )
    assert ratio == pytest.approx(1.17, abs=0.07)  # +/-10% around the year: cos peak to trough


def test_same_seed_same_collaborative_other_seed_other_numbers() -> None:
    a = generate(Settings(topic="sepsis", teams=5, seed=3)).records
    b = generate(Settings(topic="sepsis", teams=5, seed=3)).records
    c = generate(Settings(topic="sepsis", teams=5, seed=4)).records
    assert a == b
    assert [o.numerator for o in a["observation"]] != [o.numerator for o in c["observation"]]


@pytest.mark.parametrize(
    "options",
    [
        {"teams": 2},
        {"teams": 101},
        {"months": 11},
        {"months": 37},
        {"baseline_months": 25, "months": 36},
        {"baseline_months": 20, "months": 24},
        {"topic": "hand hygiene"},
    ],
)
def test_options_out_of_range_are_refused_in_words(options) -> None:
    with pytest.raises(KitInputError):
        generate(Settings(**options))


def test_extremes_of_the_ranges_generate() -> None:
    for options in (
        {"teams": 3, "months": 12, "baseline_months": 1},
        {"teams": 100, "months": 36, "baseline_months": 24},
    ):
        g = generate(Settings(topic="falls", seed=1, **options))
        assert len(g.records["team"]) == options["teams"]
        assert len({o.period for o in g.records["observation"]}) == options["months"]


def test_pdsa_cycles_adopt_the_lead_change_in_the_month_it_shows_in_the_data(runs) -> None:
    for g in runs:
        by_team = {}
        for cycle in g.records["pdsa_cycle"]:
            if cycle.act == "adopt" and cycle.change_idea_id.endswith(g.topic.lead_idea):
                by_team.setdefault(cycle.team_id, cycle.start.replace(day=1))
        truth = g.truth.set_index("team_id")
        for team_id, row in truth.iterrows():
            if row["story"] == "never":
                assert team_id not in by_team
            elif row["change_index"] < len(g.simulation.periods):
                assert by_team[team_id] == row["change_month"], team_id
                first = min(
                    c.start for c in g.records["pdsa_cycle"] if c.team_id == team_id
                ).replace(day=1)
                index = g.simulation.periods.index(first)
                assert row["change_index"] - PROCESS_RAMP < index <= row["change_index"]


def test_aim_baselines_are_the_teams_own_baseline_data(runs) -> None:
    for g in runs:
        spec = next(s for s in g.topic.measures if s.id == g.topic.aim_measure)
        data = g.simulation.data
        for aim in g.records["aim"]:
            rows = data[(data["team_id"] == aim.team_id) & (data["measure_id"] == spec.id)]
            rows = rows[rows["month_index"] < g.simulation.ls1_index]
            assert aim.baseline == round(
                rows["numerator"].sum() / rows["denominator"].sum() * spec.multiply, 1
            )
            assert aim.baseline_period_end < g.collaborative.timeline[1].start


def test_assessments_every_month_from_ls1_with_varied_gaps(runs) -> None:
    g = runs[0]
    months = g.simulation.periods[g.simulation.ls1_index :]
    scores = pd.DataFrame(
        [(a.team_id, a.month, a.rated_by, a.score) for a in g.records["assessment"]],
        columns=["team", "month", "by", "score"],
    ).pivot_table(index=["team", "month"], columns="by", values="score")
    assert len(scores) == 100 * len(months) and not scores.isna().any().any()
    gaps = (scores["team"] - scores["faculty"]).round(1)
    assert set(gaps.unique()) >= {0.0, 0.5, 1.0}
    final = scores.xs(months[-1], level="month")["faculty"]
    stories = g.truth.set_index("team_id")["story"]
    assert (
        final[stories[stories == "improves"].index].mean()
        > final[stories[stories == "never"].index].mean() + 1
    )


def test_generator_is_pure() -> None:
    script = (
        "import sys\nimport kit.datasets, kit.datasets.export, kit.datasets.catalogue\n"
        "kit.datasets.generate(kit.datasets.Settings(teams=3))\n"
        "bad = {'ipywidgets', 'bokeh', 'sqlalchemy', 'psycopg', 'jupyter_bokeh', 'traitlets'}\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
