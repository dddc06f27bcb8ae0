"""Pure statistics for reading data over time: run charts, Shewhart charts and their rules.

Imports only numpy and pandas, so analysts can use it from a plain script and the apps can
load it without widgets or Bokeh. ``../shared/DOMAIN.md`` ("Reading data over time") and
``facilitator-guide/spc-deviations.md`` describe the rules and where they differ from
qicharts2 and NHS Making Data Count.
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
