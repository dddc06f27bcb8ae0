"""Status rules of the collaborative dashboard (kit/qi/dashboard.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from kit.errors import KitInputError
from kit.qi import records as r
from kit.qi.dashboard import (
    CollaborativeRecords,
    current_period,
    filter_statuses,
    improvement_over_time,
    latest_assessment,
    pooled_measure,
    sort_statuses,
    team_statuses,
)
from tests.reports.collaborative import COLLABORATIVE_ID, collaborative, make_records

TODAY = dt.date(2026, 1, 20)  # 24 months of data from January 2024: December 2025 is current


@pytest.fixture(scope="module")
def statuses():
    return {s.name: s for s in team_statuses(make_records(6, 24), TODAY)}


def test_current_period_is_the_last_one_ended():
    collab = collaborative(dt.date(2024, 1, 1))
    assert current_period(collab, dt.date(2026, 1, 20)) == dt.date(2025, 12, 1)
    assert current_period(collab, dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)
    weekly = collab.model_copy(update={"reporting": r.ReportingSettings(period="weekly")})
    assert current_period(weekly, dt.date(2026, 1, 21)) == dt.date(2026, 1, 12)  # a Monday


def test_aim_diagram_and_measures(statuses):
    assert statuses["Ward 1"].aim_set and not statuses["Ward 5"].aim_set  # every fifth team
    assert statuses["Ward 1"].driver_diagram and statuses["Ward 1"].primary_drivers == 3
    assert statuses["Ward 1"].measures_defined == 3


def test_data_for_the_current_period_and_completeness(statuses):
    ward = statuses["Ward 2"]
    assert ward.period == dt.date(2025, 12, 1) and ward.period_label == "December 2025"
    assert ward.measures_with_data == 3 and ward.data_current
    assert ward.completeness == pytest.approx(1.0)


def test_missing_data_lowers_completeness():
    records = make_records(2, 24)
    obs = records.observations
    gap = (obs["team_id"] == "team-000") & (obs["period"] >= pd.Timestamp("2025-07-01"))
    thinner = CollaborativeRecords(**{**records.__dict__, "observations": obs[~gap]})
    status = {s.team_id: s for s in team_statuses(thinner, TODAY)}
    assert status["team-000"].measures_with_data == 0
    assert not status["team-000"].data_current
    assert status["team-000"].completeness == pytest.approx(18 / 24)
    assert status["team-001"].completeness == pytest.approx(1.0)


def test_reports_submitted_or_overdue(statuses):
    # every third team (Ward 1, Ward 4) is three reports behind: Oct, Nov, Dec 2025.
    # December's report is due 10 January, so on 20 January all three are overdue.
    behind = statuses["Ward 1"]
    assert behind.report_status == "not_started" and behind.report_overdue
    assert behind.overdue_reports == 3
    assert behind.days_overdue == (TODAY - dt.date(2025, 11, 10)).days
    on_time = statuses["Ward 2"]
    assert on_time.report_status == "submitted" and not on_time.report_overdue
    assert on_time.overdue_reports == 0


def test_a_report_not_yet_due_is_not_overdue():
    records = make_records(3, 24)
    early = {s.name: s for s in team_statuses(records, dt.date(2026, 1, 5))}
    # on 5 January December's report is not due yet: two overdue (Oct, Nov), December open
    assert early["Ward 1"].overdue_reports == 2
    assert not early["Ward 1"].report_overdue


def test_latest_pdsa_cycle(statuses):
    assert statuses["Ward 3"].latest_cycle.title == "Card on all wards"
    assert statuses["Ward 3"].latest_cycle.stage == "do"  # predicted, not yet run
    assert statuses["Ward 3"].cycles == 2
    assert statuses["Ward 1"].latest_cycle.title == "Call bell check at handover"
    assert statuses["Ward 1"].latest_cycle.stage == "done" and statuses["Ward 1"].cycles == 3
    assert statuses["Ward 2"].latest_cycle.act == "adapt"


def test_assessment_faculty_and_self_with_gap(statuses):
    stuck = statuses["Ward 2"].assessment
    assert (stuck.faculty, stuck.team, stuck.gap) == (2.5, 3.5, 1.0)
    assert stuck.faculty_rater == "Tom Reilly" and stuck.team_rater == "Day lead"
    assert stuck.month == dt.date(2025, 12, 1)
    assert statuses["Ward 1"].gap == 0.0


def test_latest_assessment_takes_the_newest_score_of_the_latest_month():
    def score(month, value, who, hour):
        return r.Assessment(
            team_id="t", month=month, score=value, rated_by=who, rater=who,
            rated_at=dt.datetime(2026, 1, 1, hour),
        )  # fmt: skip

    pair = latest_assessment(
        [
            score(dt.date(2025, 11, 1), 5.0, "faculty", 9),
            score(dt.date(2025, 12, 1), 2.0, "faculty", 9),
            score(dt.date(2025, 12, 1), 3.0, "faculty", 11),  # re-rated later that day
        ]
    )
    assert pair.faculty == 3.0 and pair.team is None and pair.gap is None
    assert latest_assessment([]) is None


def test_improvement_signals_in_the_measures_direction(statuses):
    improving = [name for name, s in statuses.items() if s.improving]
    assert improving == ["Ward 1", "Ward 3", "Ward 5"]  # the even-numbered teams (0, 2, 4)
    assert not any(s.concern for s in statuses.values())
    kinds = {x.measure_id for s in statuses.values() for x in s.signals}
    assert kinds == {"m-falls", "m-assess"}  # the balancing measure is not "improvement"


def test_improvement_over_time_counts_teams_from_their_first_signal(statuses):
    months = [dt.date(2024, 6, 1), dt.date(2024, 12, 1), dt.date(2025, 12, 1)]
    counts = improvement_over_time(statuses.values(), months)
    assert list(counts["teams_improving"]) == [0, 3, 3]
    by_falls = improvement_over_time(statuses.values(), months, measure_id="m-falls")
    assert by_falls["teams_improving"].iloc[-1] <= 3


def test_sort_keys(statuses):
    values = list(statuses.values())
    by_signal = sort_statuses(values, "signal")
    assert [s.name for s in by_signal[:2]] == ["Ward 1", "Ward 5"]  # two measures improving
    assert by_signal[2].name == "Ward 3" and not by_signal[3].improving
    assert sort_statuses(values, "overdue")[0].overdue_reports == 3
    assert sort_statuses(values, "assessment")[0].faculty_score == 4.0
    assert sort_statuses(values, "gap")[0].gap == 1.0
    assert [s.name for s in sort_statuses(values)] == sorted(statuses)
    with pytest.raises(KitInputError, match="sorted by"):
        sort_statuses(values, "colour")


def test_filters(statuses):
    values = list(statuses.values())
    assert {s.name for s in filter_statuses(values, overdue=True)} == {"Ward 1", "Ward 4"}
    assert {s.name for s in filter_statuses(values, signal="none")} == {
        "Ward 2",
        "Ward 4",
        "Ward 6",
    }
    assert {s.name for s in filter_statuses(values, min_score=3.5)} == {
        "Ward 1",
        "Ward 3",
        "Ward 5",
    }
    assert {s.name for s in filter_statuses(values, gap_at_least=1)} == {
        "Ward 2",
        "Ward 4",
        "Ward 6",
    }
    assert filter_statuses(values, below_completeness=0.5) == []
    both = filter_statuses(values, signal="improving", overdue=True)
    assert [s.name for s in both] == ["Ward 1"]


def test_a_team_with_nothing_yet():
    empty = CollaborativeRecords(
        collaborative=collaborative(dt.date(2025, 6, 1)),
        teams=(r.Team(id="t", collaborative_id=COLLABORATIVE_ID, name="New ward"),),
    )
    (status,) = team_statuses(empty, dt.date(2025, 9, 15))
    assert not status.aim_set and not status.driver_diagram and status.measures_defined == 0
    assert status.completeness == 0.0 and not status.data_current
    assert status.latest_cycle is None and status.assessment is None and status.signals == ()
    # June, July and August were due on the 10th of the next month: all passed by 15 September;
    # September's own report is not due yet
    assert status.overdue_reports == 3 and status.report_overdue


def test_pooled_measure_weights_teams_by_their_cases():
    records = make_records(2, 3)
    falls = records.measures[0]
    pooled = pooled_measure(falls, records.observations)
    rows = records.observations[records.observations["measure_id"] == "m-falls"]
    first = rows[rows["period"] == rows["period"].min()]
    assert pooled["value"].iloc[0] == pytest.approx(
        first["numerator"].sum() / first["denominator"].sum()
    )
    assert list(pooled["teams"]) == [2, 2, 2]
    restraint = pooled_measure(records.measures[2], records.observations)
    assert len(restraint) == 3


def test_weekly_reporting_counts_data_dated_in_the_current_week():
    records = make_records(1, 3, start=dt.date(2025, 11, 1))
    weekly = records.collaborative.model_copy(
        update={"reporting": r.ReportingSettings(period="weekly")}
    )
    obs = records.observations.copy()
    obs.loc[obs["period"] == obs["period"].max(), "period"] = pd.Timestamp(
        "2026-01-14"
    )  # a Wednesday
    weekly_records = CollaborativeRecords(
        **{**records.__dict__, "collaborative": weekly, "observations": obs}
    )
    (status,) = team_statuses(weekly_records, dt.date(2026, 1, 21))
    assert status.period == dt.date(2026, 1, 12)  # the Monday of last week
    assert status.period_label == "Week of 12 Jan 2026"
    assert status.measures_with_data == 3 and status.data_current


def test_status_rules_suggestions_and_funnel_stay_pure():
    """Like tests/qi/test_purity.py, for the modules of issue 14's non-widget half."""
    import subprocess
    import sys

    script = (
        "import sys, datetime as dt\n"
        "import kit.qi.dashboard, kit.qi.presenters, kit.spc.funnel\n"
        "from tests.reports.collaborative import make_records\n"
        "rec = make_records(2, 14)\n"
        "st = kit.qi.dashboard.team_statuses(rec, dt.date(2025, 3, 20))\n"
        "kit.qi.presenters.suggest(rec, st)\n"
        "kit.spc.funnel.funnel([1, 2], [10, 20])\n"
        "bad = ('ipywidgets', 'bokeh', 'sqlalchemy', 'psycopg', 'jupyter_bokeh', 'traitlets')\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(bad))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == ""


def test_an_xbar_measure_is_read_as_an_i_chart_of_its_values():
    records = make_records(2, 24)
    falls = records.measures[1].model_copy(
        update={"chart": "xbar", "has_denominator": False, "measure_kind": "process"}
    )
    obs = records.observations.copy()
    rows = obs["measure_id"] == falls.id
    obs.loc[rows, "value"] = obs.loc[rows, "numerator"] / obs.loc[rows, "denominator"]
    obs.loc[rows, ["numerator", "denominator"]] = float("nan")
    changed = CollaborativeRecords(
        **{**records.__dict__, "measures": (falls,), "observations": obs}
    )
    signals = {s.team_id: s.signals for s in team_statuses(changed, TODAY)}
    assert [x.measure_id for x in signals["team-000"]] == [falls.id]
    assert signals["team-000"][0].improving  # team 0 improves after month 12
