"""Every published worked example in ``reference_cases.json`` reproduced by ``kit.spc``.

The JSON is a copy of the project's reference file; each case carries its ``source``
(Montgomery, NIST/SEMATECH, the qicharts2 and NHSRplotthedots vignettes, Anhøj & Olesen 2014),
which also appears in the test id so a failure names the book or paper it contradicts. Each
case also says which of its values are *printed* in the source and which were *derived* from
the source's data: a derived value checks that the kit applies the formula, only a printed
one checks the kit against the book.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kit.spc import analyze, anhoej_limits

CASES = json.loads((Path(__file__).with_name("reference_cases.json")).read_text())["cases"]
CHART_CASES = [c for c in CASES if c["chart"] != "anhoej_limits"]
TABLE_CASES = [c for c in CASES if c["chart"] == "anhoej_limits"]


def _short_source(case: dict) -> str:
    return case["source"].split(".")[0].split(",")[0][:40]


def _run(case: dict):
    inp = case["inputs"]
    kw: dict = {"chart": case["chart"]}
    if "screened_mr" in inp:
        kw["screened_mr"] = inp["screened_mr"]
    if "e2" in inp:
        kw["xmr_factor"] = inp["e2"]
    for key in ("phase_starts", "freeze", "exclude"):
        if key in inp:
            kw[key] = inp[key]
    if "mdc_rules" in case["expected"]:
        kw["rules"] = "nhs"
    y = inp["subgroups"] if "subgroups" in inp else inp["y"]
    return analyze(y, inp.get("n"), **kw)


def test_every_reference_value_says_whether_it_is_printed_or_derived() -> None:
    for case in CASES:
        printed, derived = set(case["printed"]), set(case["derived"])
        assert not printed & derived, case["id"]
        listed = set(case["expected"]) | (
            {"published_rounded"} if "published_rounded" in case else set()
        )
        assert printed | derived == listed, case["id"]
        assert all(
            isinstance(v, str) and v for v in {**case["printed"], **case["derived"]}.values()
        )


@pytest.mark.parametrize(
    "case", CHART_CASES, ids=[f"{c['id']}[{_short_source(c)}]" for c in CHART_CASES]
)
def test_derived_chart_values(case: dict) -> None:
    """Centre line, limits, plotted values and signals computed from the source's data."""
    res = _run(case)
    exp = case["expected"]
    pts = res.points
    for col, key in (("cl", "cl"), ("ucl", "ucl"), ("lcl", "lcl"), ("y", "plotted")):
        if key in exp:
            np.testing.assert_allclose(pts[col], exp[key], rtol=1e-6, atol=1e-12, err_msg=key)
    if "phase" in exp:
        assert pts["phase"].tolist() == exp["phase"]
    if "sigma_signal_points" in exp:
        assert np.flatnonzero(pts["sigma_signal"]).tolist() == exp["sigma_signal_points"]


PRINTED_CASES = [c for c in CHART_CASES if c["printed"]]


@pytest.mark.parametrize(
    "case", PRINTED_CASES, ids=[f"{c['id']}[{_short_source(c)}]" for c in PRINTED_CASES]
)
def test_printed_chart_values(case: dict) -> None:
    """The values the book or vignette prints: its rounded lines and its out-of-limit points."""
    pts = _run(case).points
    rounded = case["published_rounded"]
    for key in ("cl", "ucl", "lcl"):
        if key in rounded:
            # Books print values computed from rounded constants (A3 = 1.427, ...):
            # agree within one unit of the last printed digit.
            assert float(pts[key].iloc[0]) == pytest.approx(
                rounded[key], abs=10 ** -rounded["digits"]
            )
    if "sigma_signal_points" in case["printed"]:
        printed_points = case["expected"]["sigma_signal_points"]
        assert np.flatnonzero(pts["sigma_signal"]).tolist() == printed_points


@pytest.mark.parametrize(
    "case",
    [c for c in CHART_CASES if "anhoej_by_phase" in c["expected"]],
    ids=lambda c: f"{c['id']}[{_short_source(c)}]",
)
def test_published_anhoej_runs_analysis(case: dict) -> None:
    """Useful points, longest run, crossings and their limits per phase (Anhøj rules)."""
    res = _run(case)
    for (_, row), exp in zip(
        res.phases.iterrows(), case["expected"]["anhoej_by_phase"], strict=True
    ):
        for key, value in exp.items():
            assert row[key] == value, key


@pytest.mark.parametrize(
    "case", [c for c in CHART_CASES if "mdc_rules" in c["expected"]], ids=lambda c: c["id"]
)
def test_published_mdc_labels(case: dict) -> None:
    """NHS Making Data Count: one label per point (NHSRplotthedots vignette)."""
    res = _run(case)
    exp = case["expected"]
    labels = res.points["special_cause"].astype(object).fillna("common").tolist()
    assert labels == exp["mdc_single_label"]
    for rule, idx in exp["mdc_rules"].items():
        col = "sigma_signal" if rule == "outside" else rule
        assert np.flatnonzero(res.points[col]).tolist() == idx, rule


@pytest.mark.parametrize("case", TABLE_CASES, ids=lambda c: f"{c['id']}[Anhoej2014]")
def test_published_anhoej_critical_values(case: dict) -> None:
    """Anhøj & Olesen 2014 / qicharts2 Appendix 2 critical values for 10-100 useful points."""
    exp = case["expected"]
    for n, run_max, cross_min in zip(
        case["inputs"]["n"], exp["longest_run_max"], exp["n_crossings_min"], strict=True
    ):
        assert anhoej_limits(n) == (run_max, cross_min), n
