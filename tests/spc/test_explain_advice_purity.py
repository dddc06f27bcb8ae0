"""Chart advice and the purity of ``kit.spc`` (explanations: ``tests/spc/test_explain.py``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kit.errors import KitInputError
from kit.spc import recommend_chart


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


@pytest.mark.parametrize(
    "data_type",
    ["count", "proportion", "rate", "continuous", "subgroups", "time_between", "cases_between",
     "few_points"],
)  # fmt: skip
def test_advice_is_plain_words_with_a_source(data_type):
    advice = recommend_chart(data_type)
    for word in ("sigma", "multiply", "=", "()"):
        assert word not in advice.reason.lower(), word
    assert advice.source and any(year in advice.source for year in ("2011", "2002", "1994"))


def test_c_chart_reason_is_a_similar_area_of_opportunity_not_the_month_length():
    reason = recommend_chart("count").reason
    assert "similar opportunity" in reason
    assert "census" in reason and "days" in reason
    assert "same length of month" not in reason
    assert "U chart" in reason  # when the opportunity changes, count it and use a U chart


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
