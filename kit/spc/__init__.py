"""Pure statistics for reading data over time: run charts, Shewhart charts and their rules.

Imports only numpy and pandas, so analysts can use it from a plain script and the apps can
load it without widgets or Bokeh. ``facilitator-guide/spc-deviations.md`` describes the
rules, where they differ from qicharts2 and NHS Making Data Count, and how the explanations
word a chart; ``kit/spc/chart_limits.py`` and ``kit/spc/rule_sets.py`` cite each formula.
"""

from kit.spc.advice import ChartAdvice, recommend_chart
from kit.spc.api import ManyResult, SPCResult, analyze, analyze_many
from kit.spc.explain import explain
from kit.spc.limits import anhoej_limits, runs_limits

__all__ = [
    "ChartAdvice",
    "ManyResult",
    "SPCResult",
    "analyze",
    "analyze_many",
    "anhoej_limits",
    "explain",
    "recommend_chart",
    "runs_limits",
]
