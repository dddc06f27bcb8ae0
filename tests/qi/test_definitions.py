"""Operational-definition review: each rule finds what makes a definition ambiguous."""

from __future__ import annotations

from typing import Any

import pytest

from kit.qi.definitions import (
    is_proportion,
    is_rate,
    measure_type,
    review_definition,
    unit_multiplier,
)
from kit.qi.records import Measure, OperationalDefinition

COMPLETE_DEFINITION = {
    "numerator": "Of the patients sampled, those with a falls risk assessment within 24 hours",
    "denominator": "Patients sampled from the month's admissions",
    "inclusions": "Adults admitted for 24 hours or more",
    "exclusions": "None",
    "data_source": "Audit of nursing notes",
    "sampling": "20 admissions a month at random",
}


def measure(definition: dict[str, Any] | None = None, **fields: Any) -> Measure:
    """A complete proportion measure, changed by ``fields`` and ``definition``."""
    data: dict[str, Any] = {
        "collaborative_id": "c",
        "name": "Falls risk assessed",
        "measure_kind": "process",
        "unit": "% of patients",
        "has_denominator": True,
        "chart": "p",
        "multiply": 100,
        "direction": "up",
        "baseline": 40,
        "target": 90,
    }
    data.update(fields)
    data["definition"] = OperationalDefinition(**{**COMPLETE_DEFINITION, **(definition or {})})
    return Measure(**data)


def codes(m: Measure) -> list[str]:
    return [f.code for f in review_definition(m)]


def test_a_complete_definition_has_no_findings() -> None:
    assert review_definition(measure()) == []


@pytest.mark.parametrize(
    ("definition", "fields", "code", "words"),
    [
        ({"numerator": ""}, {}, "numerator_missing", "numerator"),
        (
            {"numerator": ""},
            {"has_denominator": False, "chart": "i", "multiply": 1, "unit": "days"},
            "numerator_missing",
            "value recorded each period",
        ),
        ({"denominator": ""}, {}, "proportion_without_denominator", "needs a denominator"),
        (
            {"denominator": ""},
            {"chart": "u", "unit": "falls per 1,000 patient-days", "multiply": 1000},
            "rate_without_denominator",
            "exposure",
        ),
        (
            {"denominator": "Patient-days"},
            {"chart": "i", "has_denominator": False, "unit": "falls per 1,000 patient-days"},
            "rate_without_denominator",
            "busy month looks worse",
        ),
        (
            {},
            {"has_denominator": False, "chart": "i", "multiply": 1, "unit": "days"},
            "denominator_unused",
            "one value per period",
        ),
        (
            {"numerator": "Falls reported in the incident system"},
            {},
            "numerator_not_subset",
            "some of the denominator's cases",
        ),
        ({"inclusions": ""}, {}, "inclusions_missing", "included"),
        ({"exclusions": ""}, {}, "exclusions_missing", "'none'"),
        ({"data_source": ""}, {}, "data_source_missing", "where the data come from"),
        ({"sampling": ""}, {}, "sampling_missing", "10-20"),
        ({}, {"baseline": None}, "baseline_missing", "baseline"),
        ({}, {"target": None}, "target_missing", "aim"),
        ({}, {"target": 30}, "target_wrong_side", "higher than the baseline (40)"),
        ({}, {"direction": "down"}, "target_wrong_side", "lower than the baseline (40)"),
        ({}, {"target": 40}, "target_equals_baseline", "has to move"),
        ({}, {"target": 120}, "target_out_of_range", "between 0 and 100"),
        ({}, {"unit": ""}, "unit_missing", "unit"),
        ({}, {"multiply": 1}, "multiplier_mismatch", "100 times too small"),
        (
            {"numerator": "Falls", "denominator": "Patient-days"},
            {"chart": "u", "unit": "falls per 1,000 patient-days", "multiply": 100},
            "multiplier_mismatch",
            "Set the multiplier to 1000",
        ),
        (
            {"numerator": "Falls", "denominator": "Patient-days"},
            {"chart": "u", "unit": "falls per 1,000 patient-days", "multiply": 10000},
            "multiplier_mismatch",
            "10 times too large",
        ),
        (
            {"denominator": ""},
            {"has_denominator": False, "chart": "i", "unit": "days", "multiply": 60},
            "multiplier_without_denominator",
            "multiplier of 1",
        ),
    ],
)
def test_each_rule_explains_the_ambiguity(
    definition: dict[str, Any], fields: dict[str, Any], code: str, words: str
) -> None:
    findings = review_definition(measure(definition, **fields))
    found = [f for f in findings if f.code == code]
    assert found, [f.code for f in findings]
    assert words in found[0].message
    # the finding names the form field it is about, so the form can show it there
    assert found[0].field is not None


def test_a_proportion_whose_numerator_shares_the_denominators_words_passes() -> None:
    m = measure({"numerator": "Sampled patients with a completed assessment"})
    assert "numerator_not_subset" not in codes(m)


def test_a_rate_may_count_events_not_in_its_denominator() -> None:
    m = measure(
        {"numerator": "Falls reported", "denominator": "Occupied bed-days"},
        chart="u",
        unit="falls per 1,000 patient-days",
        multiply=1000,
        direction="down",
        baseline=4,
        target=2,
    )
    assert review_definition(m) == []


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("% of patients", 100),
        ("percent", 100),
        ("falls per 1,000 patient-days", 1000),
        ("infections per 1000 central line-days", 1000),
        ("SSI per 100 procedures", 100),
        ("per 10 000 bed days", 10000),
        ("per thousand admissions", 1000),
        ("falls per patient-day", 1),
        ("days", None),
        ("", None),
    ],
)
def test_unit_multiplier_reads_the_scale_from_the_unit(unit: str, expected: float | None) -> None:
    assert unit_multiplier(unit) == expected


@pytest.mark.parametrize(
    ("fields", "kind", "proportion"),
    [
        ({}, "proportion", True),
        ({"chart": "u", "unit": "falls per 1,000 patient-days", "multiply": 1000}, "rate", False),
        # the store refuses numerator > denominator on any chart but U: so does the preview
        ({"chart": "run", "unit": "falls per 1,000 patient-days", "multiply": 1000}, "rate", True),
        ({"chart": "run", "unit": "%"}, "proportion", True),
        ({"chart": "i", "has_denominator": False, "unit": "days", "multiply": 1}, "value", False),
    ],
)
def test_measure_type(fields: dict[str, Any], kind: str, proportion: bool) -> None:
    m = measure(**fields)
    assert measure_type(m) == kind
    assert is_rate(m) == (kind == "rate")
    assert is_proportion(m) is proportion


@pytest.mark.parametrize("target", [40, 45, 35])
def test_a_balancing_measures_target_is_a_line_not_to_cross(target: float) -> None:
    m = measure(measure_kind="balancing", direction="down", target=target)
    assert review_definition(m) == []
    missing = review_definition(measure(measure_kind="balancing", target=None))
    assert [f.code for f in missing] == ["target_missing"]
    assert "should not cross" in missing[0].message


def test_an_average_per_visit_is_not_taken_for_a_rate() -> None:
    m = measure(
        {"numerator": "Minutes from arrival to first assessment, averaged", "denominator": ""},
        has_denominator=False,
        chart="i",
        unit="minutes per visit",
        multiply=1,
        direction="down",
        baseline=40,
        target=20,
    )
    assert review_definition(m) == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"unit": "falls per patient", "multiply": 1}, "on a P chart the kit treats"),
        (
            {"chart": "run", "unit": "falls per 1,000 patient-days", "multiply": 1000},
            "on a run chart the kit treats",
        ),
    ],
)
def test_a_rate_unit_on_a_proportion_chart_is_flagged(fields: dict[str, Any], words: str) -> None:
    m = measure({"numerator": "Falls", "denominator": "Patient-days"}, **fields)
    findings = review_definition(m)
    assert [f.code for f in findings] == ["proportion_with_rate_unit"]
    assert words in findings[0].message and "U chart" in findings[0].message
