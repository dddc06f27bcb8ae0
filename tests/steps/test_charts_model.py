"""The charts step's rules (pure) and model (over the demo in SQLite), without widgets."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi.chart_settings import ChartSettings
from kit.qi.records import Aim, Measure, PDSACycle
from kit.steps.charts import reading as rd
from kit.steps.charts.model import ChartsModel
from kit.store import Actor

COLLAB = "demo-falls"
RIVERSIDE = Actor.participant("team-riverside", name="Riverside", collaborative_id=COLLAB)
FACULTY = Actor.facilitator(name="Facilitator", collaborative_id=COLLAB)
MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]


def falls(**changes) -> Measure:
    base = dict(
        id="m-falls",
        collaborative_id=COLLAB,
        name="Falls per 1,000 patient-days",
        measure_kind="outcome",
        has_denominator=True,
        direction="down",
        chart="u",
        multiply=1000,
        target=3.0,
    )
    return Measure(**{**base, **changes})


# --- pure rules ---------------------------------------------------------------------------


def test_the_recommended_chart_follows_the_kind_of_data() -> None:
    assert rd.choose_chart(falls(), 24).chart == "u"
    assert rd.choose_chart(falls(chart="p"), 24).chart == "p"
    assert rd.choose_chart(falls(chart="i", has_denominator=False), 24).chart == "i"
    choice = rd.choose_chart(falls(), 24)
    assert "exposure" in choice.reason and "Provost" in choice.source


def test_a_run_chart_while_there_are_too_few_points_for_limits() -> None:
    choice = rd.choose_chart(falls(), rd.MIN_POINTS_FOR_LIMITS - 1)
    assert choice.chart == "run" and choice.too_few
    assert f"There are {rd.MIN_POINTS_FOR_LIMITS - 1} points so far" in choice.reason
    assert "U chart" in choice.reason
    assert rd.choose_chart(falls(), rd.MIN_POINTS_FOR_LIMITS).chart == "u"


def test_the_target_comes_from_the_aim_for_its_measure_else_the_measure() -> None:
    aim = Aim(team_id="t", measure_id="m-falls", target=2.5)
    assert rd.target_for(falls(), aim) == (2.5, "the team's aim")
    other = Aim(team_id="t", measure_id="m-harm", target=1.0)
    assert rd.target_for(falls(), other) == (3.0, "the measure's definition")
    assert rd.target_for(falls(target=None), None) == (None, "")


def test_phases_freeze_and_exclusions_become_positions() -> None:
    s = rd.blank_settings("t", "m-falls")
    s = rd.add_phase(s, MONTHS[8], MONTHS)
    s = rd.freeze_baseline(s, MONTHS[5], MONTHS)
    s = rd.exclude_point(s, MONTHS[2], "  ward   closed ", MONTHS)
    given = rd.analysis_input(s, MONTHS)
    assert given.phase_starts == [8]
    assert given.freeze == 6
    assert given.exclude == [2] and given.reasons == {2: "ward closed"}
    assert rd.analysis_input(rd.remove_phase(s, MONTHS[8]), MONTHS).phase_starts == []
    assert rd.analysis_input(rd.include_point(s, MONTHS[2]), MONTHS).exclude == []


def test_settings_edits_refuse_what_makes_no_sense() -> None:
    s = rd.blank_settings("t", "m-falls")
    with pytest.raises(KitInputError, match="first point already starts"):
        rd.add_phase(s, MONTHS[0], MONTHS)
    with pytest.raises(KitInputError, match="not a period on this chart"):
        rd.add_phase(s, dt.date(2030, 1, 1), MONTHS)
    with pytest.raises(KitInputError, match="Say why"):
        rd.exclude_point(s, MONTHS[3], "   ", MONTHS)
    with pytest.raises(KitInputError, match="already starts"):
        rd.add_phase(rd.add_phase(s, MONTHS[4], MONTHS), MONTHS[4], MONTHS)
    with pytest.raises(KitInputError, match="not excluded"):
        rd.include_point(s, MONTHS[3])


def test_a_frozen_baseline_covering_the_whole_first_phase_freezes_nothing() -> None:
    s = rd.freeze_baseline(rd.blank_settings("t", "m"), MONTHS[-1], MONTHS)
    assert rd.analysis_input(s, MONTHS).freeze is None


def test_a_click_gives_the_points_period() -> None:
    assert rd.period_of_click(3, MONTHS) == MONTHS[3]
    with pytest.raises(KitInputError, match="Click on one of the chart's points"):
        rd.period_of_click(40, MONTHS)


def test_pdsa_cycles_and_notes_are_annotations_inside_the_chart() -> None:
    cycles = [
        PDSACycle(team_id="t", title="Sedative review", measure_ids=["m-falls"],
                  start=dt.date(2025, 4, 8), prediction="fewer", study_notes="fewer",
                  act="adopt"),
        PDSACycle(team_id="t", title="Other measure", measure_ids=["m-harm"],
                  start=dt.date(2025, 5, 8)),
        PDSACycle(team_id="t", title="Too late", measure_ids=["m-falls"],
                  start=dt.date(2027, 5, 8)),
    ]  # fmt: skip
    notes = [(MONTHS[6], "new   beds"), (MONTHS[7], "")]
    marks = rd.annotations(falls(), cycles, notes, MONTHS)
    assert [m["text"] for m in marks] == ["PDSA: Sedative review - adopt", "Note: new beds"]
    assert marks[0]["x"] == dt.date(2025, 4, 8)


# --- the model over the demo -------------------------------------------------------------


def test_riverside_reads_its_falls_chart_with_the_shift_in_words(store) -> None:
    model = ChartsModel(store, RIVERSIDE)
    assert [m.measure_kind for m in model.measures][-1] == "balancing"
    reading = model.read("m-falls")
    assert reading.choice.chart == "u" and len(reading.periods) == 24
    assert reading.target == 2.9 and reading.target_source == "the team's aim"
    assert any("moved down from April 2026" in s for s in reading.explanation)
    assert reading.direction == "For falls per 1,000 patient-days, lower is better."
    assert any(m["text"].startswith("PDSA:") for m in reading.annotations)


def test_a_new_phase_is_saved_per_team_and_measure_and_survives_a_restart(store) -> None:
    model = ChartsModel(store, RIVERSIDE)
    model.add_phase("m-falls", dt.date(2026, 4, 1))
    model.exclude("m-falls", dt.date(2025, 11, 1), "Agency staff")
    again = ChartsModel(store, RIVERSIDE)
    settings = again.settings("m-falls")
    assert settings.phase_starts == [dt.date(2026, 4, 1)]
    assert settings.excluded[0].reason == "Agency staff"
    assert again.settings("m-harm").phase_starts == []
    reading = again.read("m-falls")
    assert reading.result.points["phase"].nunique() == 2
    assert bool(reading.result.points["excluded"].iloc[8])
    assert len(again.history("m-falls")) == 2


def test_the_rule_set_is_the_facilitators_choice_and_a_team_only_looks(store) -> None:
    team = ChartsModel(store, RIVERSIDE)
    with pytest.raises(PermissionDenied, match="Only the facilitator"):
        team.set_collaborative_rules("ihi")
    team.view_with("nhs")
    assert team.read("m-falls").rule_set == "nhs"
    assert ChartsModel(store, RIVERSIDE).rules == "anhoej"
    faculty = ChartsModel(store, FACULTY, "team-riverside")
    faculty.set_collaborative_rules("ihi")
    assert ChartsModel(store, RIVERSIDE).rules == "ihi"


def test_faculty_cannot_change_a_teams_chart_set_up(store) -> None:
    faculty = ChartsModel(store, FACULTY, "team-riverside")
    with pytest.raises(PermissionDenied):
        faculty.add_phase("m-falls", dt.date(2026, 4, 1))
    assert not store.find(ChartSettings, Actor.system())


def test_values_being_typed_are_laid_over_the_stored_series():
    from kit.steps.charts.reading import with_typed

    jan, feb, mar = (dt.date(2026, m, 1) for m in (1, 2, 3))
    periods, values, dens = with_typed(
        [jan, feb], [3.0, 4.0], [20.0, 20.0], {feb: (9.0, 25.0), mar: (1.0, 20.0)}
    )
    assert (periods, values, dens) == ([jan, feb, mar], [3.0, 9.0, 1.0], [20.0, 25.0, 20.0])
    # an emptied row leaves the series; a measure of single values has no denominators
    assert with_typed([jan, feb], [3.0, 4.0], None, {jan: None}) == ([feb], [4.0], None)
