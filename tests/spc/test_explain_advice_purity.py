"""Plain-language explanations, chart advice, and the purity of ``kit.spc``."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from kit.errors import KitInputError
from kit.spc import analyze, explain, recommend_chart
from kit.spc.explain import explain_signal


def test_long_run_is_explained_with_unit_side_and_month():
    x = pd.period_range("2024-01", periods=20, freq="M")
    y = [5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1]
    res = analyze(y, x=x)
    text = " ".join(explain(res))
    assert "Eight months in a row were below the median" in text
    assert "unlikely by chance alone" in text
    assert "around January 2025" in text
    assert "Eight months in a row were above the median" in text


def test_dates_give_month_names():
    x = pd.date_range("2024-01-01", periods=12, freq="MS")
    res = analyze([1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9], x=x, rules="ihi")
    text = " ".join(res.explain())
    assert "Six months in a row were below the median" in text
    assert "around January 2024" in text


def test_outside_limit_sentence():
    res = analyze([10, 11, 10, 12, 11, 10, 11, 30], chart="i", x=list("ABCDEFGH"))
    assert any("The value for H is above the upper limit" in s for s in res.explain())


def test_no_signal_sentence_and_messages_are_included():
    res = analyze([5, 5, 5, 5], chart="i")
    text = res.explain()
    assert text[0].startswith("No signal")
    assert any("no variation" in s for s in text)


def test_crossings_and_runs_count_sentences():
    y = [1] * 6 + [9] * 6 + [1] * 6 + [9] * 6
    text = " ".join(analyze(y).explain())
    assert "crossed the median only 3 times" in text
    text = " ".join(analyze(y, rules="ihi").explain())
    assert "only 4 runs" in text


RULE_SENTENCES = {
    # rule: (words naming the rule, with the count, the side and the start in place)
    "long_run": "Eight months in a row were below the median",
    "shift": "Eight months in a row were below the median",
    "we4": "Eight months in a row were below the median",
    "trend": "Eight months in a row went down",
    "sigma_signal": "The value for March 2024 is below the lower limit",
    "two_of_three": "Two of three months in a row were far below the median",
    "we3": "Four of five months in a row were below the median by more than one",
    "hugging": "Eight months in a row stayed very close to the median",
}


@pytest.mark.parametrize("rule", sorted(RULE_SENTENCES))
@pytest.mark.parametrize("side", ["above", "below"])
def test_every_rule_sentence_names_its_rule_side_count_and_start(rule, side):
    text = explain_signal(
        rule, count=8, side=side, start="March 2024", unit=("month", "months"), centre="median"
    )
    expected = RULE_SENTENCES[rule]
    if rule == "trend":
        expected = expected.replace("down", "up" if side == "above" else "down")
    elif rule == "sigma_signal":
        expected = expected.replace(
            "below the lower", f"{side} the {'upper' if side == 'above' else 'lower'}"
        )
    elif rule != "hugging":
        expected = expected.replace("below", side)
    assert text.startswith(expected), text
    assert "March 2024" in text
    opposite = "below" if side == "above" else "above"
    if rule not in ("hugging", "trend"):
        assert opposite not in text


@pytest.mark.parametrize(
    "data_type,chart",
    [
        ("count", "c"),
        ("proportion", "p"),
        ("rate", "u"),
        ("continuous", "i"),
        ("time between rare events", "t"),
        ("cases between rare events", "g"),
        ("time_between", "t"),
        ("Cases-Between", "g"),
        ("subgroups", "xbar"),
    ],
)
def test_recommend_chart(data_type, chart):
    advice = recommend_chart(data_type)
    assert advice.chart == chart
    assert len(advice.reason) > 40


def test_recommend_chart_unknown():
    with pytest.raises(KitInputError, match="Choose one of"):
        recommend_chart("vibes")


def test_kit_spc_is_pure():
    """kit.spc imports no widgets, no Bokeh and no database driver."""
    code = (
        "import sys, kit.spc\n"
        "kit.spc.analyze([1, 2, 3], chart='i').explain()\n"
        "bad = [m for m in ('ipywidgets', 'bokeh', 'sqlalchemy') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
