"""Bokeh figures drawn from ``kit.spc`` results.

Bokeh itself is imported only when a figure is built, so importing this package is cheap.
"""

from kit.charts.spc import chart_data, small_multiples, spc_chart, update_chart

__all__ = ["chart_data", "small_multiples", "spc_chart", "update_chart"]
