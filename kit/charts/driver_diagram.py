"""The driver diagram as a Bokeh figure: a left-to-right tree, aim -> primary -> secondary ->
change ideas, drawn from ``kit.qi.drivers.layout`` and updated by assigning ``source.data``.

Readable at 30+ boxes: each row gets a fixed number of pixels, so the figure grows taller
with the longest column instead of squeezing the boxes; labels are wrapped by the layout and
shown whole (rows grow to fit the longest), with a change idea's concept under its text. Colours follow the
Okabe-Ito colour-blind-safe palette, and the kind of box is also told by its column and
heading, never by colour alone. Orphans (a box with no link to the left) get a thick
vermilion border.

Exports: :func:`to_html` writes a standalone page with BokehJS inline (it opens without
internet), :func:`to_png` screenshots that page with headless Chromium.
"""

from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, HoverTool, Range1d
from bokeh.plotting import figure

from kit.charts.screenshot import page_to_png
from kit.errors import KitInputError
from kit.qi.driver_layout import DiagramLayout, layout
from kit.qi.records import DriverDiagram

#: pixels per row of the tallest column, and the drawing's width
ROW_PX = 74
WIDTH_PX = 1100
HEADER_PX = 40
MIN_HEIGHT_PX = 260

COLUMN_TITLES = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
#: fill, border and text colour per kind of box (Okabe-Ito blue family plus orange)
STYLE = {
    "aim": ("#0b3d66", "#0b3d66", "#ffffff"),
    "primary": ("#0072b2", "#00558a", "#ffffff"),
    "secondary": ("#cfe6f5", "#56b4e9", "#102a3d"),
    "change_idea": ("#fdf0dc", "#e69f00", "#3d2a00"),
}
ORPHAN_BORDER = "#d55e00"
ORIGIN_WORDS = {
    "package": "from the change package",
    "adapted": "adapted",
    "team": "the team's own",
}


def _concept_name(key: str | None) -> str:
    if not key:
        return ""
    from kit.content import find_change_concept

    try:
        return find_change_concept(key)["name"]
    except KitInputError:
        return f"{key} (not in the deck)"


def height_px(diagram_layout: DiagramLayout) -> int:
    """The figure's height for a layout: a fixed height per row of the tallest column."""
    rows = max(1, round(diagram_layout.height))
    return max(MIN_HEIGHT_PX, rows * ROW_PX + HEADER_PX)


def box_data(diagram_layout: DiagramLayout) -> dict[str, list[Any]]:
    """Columns for the boxes' source: geometry, labels, colours, tooltip text."""
    data: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "kind",
            "x",
            "y",
            "width",
            "height",
            "label",
            "text",
            "fill",
            "line",
            "line_width",
            "text_color",
            "detail",
        )
    }
    for box in diagram_layout.boxes:
        fill, line, text_colour = STYLE[box.kind]
        height = box.height
        label = box.label
        if box.kind == "aim":  # alone in its column: let it be as tall as it needs
            lines = label.count("\n") + 1
            height = min(max(box.height, lines * 0.2 + 0.2), max(diagram_layout.height - 0.1, 0.8))
        detail = []
        if box.origin:
            detail.append(ORIGIN_WORDS.get(box.origin, box.origin))
        if box.change_concept:
            detail.append("concept: " + _concept_name(box.change_concept))
        if box.orphan:
            detail.append("not linked to the left")
        data["id"].append(box.id)
        data["kind"].append(box.kind.replace("_", " "))
        data["x"].append(box.x)
        data["y"].append(box.y)
        data["width"].append(box.width)
        data["height"].append(height)
        data["label"].append(label)
        data["text"].append(box.text)
        data["fill"].append(fill)
        data["line"].append(ORPHAN_BORDER if box.orphan else line)
        data["line_width"].append(3 if box.orphan else 1)
        data["text_color"].append(text_colour)
        data["detail"].append("; ".join(detail))
    return data


def edge_data(diagram_layout: DiagramLayout) -> dict[str, list[Any]]:
    """Columns for the edges' source: smooth curves from a box's right to a box's left."""
    data: dict[str, list[float]] = {
        k: [] for k in ("x0", "y0", "x1", "y1", "cx0", "cy0", "cx1", "cy1")
    }
    for edge in diagram_layout.edges:
        mid = (edge.x0 + edge.x1) / 2
        data["x0"].append(edge.x0)
        data["y0"].append(edge.y0)
        data["x1"].append(edge.x1)
        data["y1"].append(edge.y1)
        data["cx0"].append(mid)
        data["cy0"].append(edge.y0)
        data["cx1"].append(mid)
        data["cy1"].append(edge.y1)
    return data  # type: ignore[return-value]


def _header_data(diagram_layout: DiagramLayout) -> dict[str, list[Any]]:
    top = diagram_layout.height + 0.3
    return {"x": [0.0, 1.0, 2.0, 3.0], "y": [top] * 4, "title": list(COLUMN_TITLES)}


class DriverDiagramChart:
    """One Bokeh figure for a driver diagram; ``update`` swaps its data in place.

    The figure, its sources and ranges are built once; each edit assigns new ``data`` to the
    sources and moves the y range and height, which BokehJS applies without a redraw of the
    page (the STACK's rule for charts inside widgets).
    """

    def __init__(self, diagram: DriverDiagram, *, title: str = "") -> None:
        first = layout(diagram)
        self.boxes = ColumnDataSource(box_data(first), name="kit-driver-boxes")
        self.edges = ColumnDataSource(edge_data(first), name="kit-driver-edges")
        self.headers = ColumnDataSource(_header_data(first), name="kit-driver-headers")
        self.y_range = Range1d(0, first.height + 0.6)
        fig = figure(
            width=WIDTH_PX,
            height=height_px(first),
            x_range=Range1d(-0.5, 3.5),
            y_range=self.y_range,
            tools="pan,wheel_zoom,reset,save",
            active_scroll=None,
            toolbar_location="right",
            title=title or None,
            name="kit-driver-diagram",
        )
        fig.axis.visible = False
        fig.grid.visible = False
        fig.outline_line_color = None
        fig.min_border = 4
        fig.bezier(
            "x0",
            "y0",
            "x1",
            "y1",
            "cx0",
            "cy0",
            "cx1",
            "cy1",
            source=self.edges,
            line_color="#7f8c99",
            line_width=1.5,
            line_alpha=0.8,
        )
        rects = fig.rect(
            "x",
            "y",
            "width",
            "height",
            source=self.boxes,
            fill_color="fill",
            line_color="line",
            line_width="line_width",
            border_radius=6,
        )
        fig.text(
            "x",
            "y",
            text="label",
            source=self.boxes,
            text_align="center",
            text_baseline="middle",
            text_color="text_color",
            text_font_size="11.5px",
            text_line_height=1.15,
        )
        fig.text(
            "x",
            "y",
            text="title",
            source=self.headers,
            text_align="center",
            text_baseline="middle",
            text_font_style="bold",
            text_font_size="13px",
            text_color="#1b2733",
        )
        fig.add_tools(
            HoverTool(
                renderers=[rects],
                tooltips=[("", "@kind"), ("", "@text"), ("", "@detail")],
            )
        )
        self.figure = fig
        self.layout = first

    def update(self, diagram: DriverDiagram) -> DiagramLayout:
        """Redraw for a changed diagram by assigning the sources' data (no new figure)."""
        new = layout(diagram)
        self.boxes.data = box_data(new)
        self.edges.data = edge_data(new)
        self.headers.data = _header_data(new)
        self.y_range.end = new.height + 0.6
        self.figure.height = height_px(new)
        self.layout = new
        return new


def driver_diagram_figure(diagram: DriverDiagram, *, title: str = ""):
    """A stand-alone figure of a diagram (for exports and scripts)."""
    return DriverDiagramChart(diagram, title=title).figure


def to_html(diagram: DriverDiagram, *, title: str = "Driver diagram") -> str:
    """A standalone HTML page with BokehJS inline: it opens offline, in any browser."""
    from bokeh.embed import file_html
    from bokeh.resources import INLINE

    fig = driver_diagram_figure(diagram, title=title)
    fig.toolbar_location = None
    return file_html(fig, INLINE, title)


def to_png(diagram: DriverDiagram, *, title: str = "Driver diagram", timeout: float = 60) -> bytes:
    """A PNG of the diagram, screenshot by headless Chromium from the standalone HTML
    (``kit/charts/screenshot.py``), as tall as the diagram's rows need."""
    width, height = WIDTH_PX + 40, height_px(layout(diagram)) + 70
    return page_to_png(
        to_html(diagram, title=title), width=width, height=height, what="diagram", timeout=timeout
    )
