"""Turning report contexts into standalone HTML: Jinja2 with autoescape, BokehJS inline.

Every file works offline (DESIGN.md: a workshop room may have no internet): BokehJS is
written into the page, never fetched from a CDN, and the charts are embedded as Bokeh
documents beside it. All text reaches the page through Jinja2's autoescape, so a team name
such as ``<script>`` shows as written; Bokeh escapes the text inside its own documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import jinja2
from markupsafe import Markup

Paper = Literal["A4", "A3"]
#: @page sizes: a storyboard is a poster (A3 landscape) or a handout (A4 portrait)
PAGE_SIZES: dict[str, str] = {"A4": "A4 portrait", "A3": "A3 landscape"}
#: width of a chart in CSS pixels: fits the A4 portrait content box (210 mm - 2 x 12 mm =
#: 186 mm = 703 px at 96 px per inch), and two fit side by side on A3 landscape
CHART_WIDTH = 680
CHART_HEIGHT = 270


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kit.reports", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@lru_cache(maxsize=1)
def bokeh_js() -> Markup:
    """BokehJS (the core bundle only: the reports use no widgets or tables), inline."""
    from bokeh.resources import Resources

    return Markup(Resources(mode="inline", components=["bokeh"]).render_js())


def embed(figures: Sequence[Any]) -> tuple[Markup, list[Markup]]:
    """One script that draws every figure, and one placeholder ``<div>`` per figure."""
    if not figures:
        return Markup(""), []
    from bokeh.embed import components

    script, divs = components(list(figures))
    return Markup(script), [Markup(d) for d in divs]


def render(template: str, paper: Paper, **context: Any) -> str:
    """A whole HTML page from a template in ``kit/reports/templates``."""
    if paper not in PAGE_SIZES:
        raise ValueError(f"paper must be one of {', '.join(PAGE_SIZES)}")
    return (
        _environment()
        .get_template(template)
        .render(page_size=PAGE_SIZES[paper], paper=paper, bokeh_js=bokeh_js(), **context)
    )
