"""Bokeh figures drawn from ``kit.spc`` results, and the apps' other charts.

Importing this package is cheap: the control-chart functions (and with them numpy and pandas)
load on first use, so an app that draws only a timeline or a driver diagram
(``kit.charts.setup_charts``, ``kit.charts.driver_diagram``) keeps its kernel small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.charts.spc import chart_data, small_multiples, spc_chart, update_chart

__all__ = ["chart_data", "small_multiples", "spc_chart", "update_chart"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kit.charts import spc

        return getattr(spc, name)
    raise AttributeError(f"module 'kit.charts' has no attribute {name!r}")
