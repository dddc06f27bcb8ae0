"""Where each box of a driver diagram sits: columns, tidy vertical positions, few crossings.

Kept apart from the diagram's edits and checks (``kit/qi/drivers.py``) because it is pure
geometry: it reads a ``DriverDiagram`` and returns boxes and edges in chart units, and knows
nothing about how a team changes its diagram. ``kit/charts/driver_diagram.py`` draws the
result; ``kit.qi.drivers`` re-exports :func:`layout` and its types for existing callers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kit.errors import KitInputError
from kit.qi.records import DriverDiagram

__all__ = ["AIM_ID", "Box", "BoxKind", "DiagramLayout", "Edge", "layout"]

BoxKind = Literal["aim", "primary", "secondary", "change_idea"]

#: the id of the aim's box in a layout (boxes of the diagram itself have random hex ids)
AIM_ID = "aim"


@dataclass(frozen=True)
class Box:
    """A box to draw: its centre (``x`` column, ``y``), size, and wrapped label.

    ``x`` is the column (0 aim, 1 primary, 2 secondary, 3 change ideas). ``y`` grows upwards
    as in Bokeh, with the first box of each column at the top. ``width`` and ``height`` are
    in the same units, so a chart draws ``rect(x, y, width, height)`` directly.
    """

    id: str
    kind: BoxKind
    text: str
    label: str
    x: float
    y: float
    width: float
    height: float
    orphan: bool = False
    origin: str | None = None
    change_concept: str | None = None

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2


@dataclass(frozen=True)
class Edge:
    """A line from a box on the left (``source``) to a box one column to its right."""

    source: str
    target: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class DiagramLayout:
    """Boxes and edges for a left-to-right tree, and the extent of the drawing."""

    boxes: list[Box]
    edges: list[Edge]
    width: float
    height: float

    def box(self, box_id: str) -> Box:
        for b in self.boxes:
            if b.id == box_id:
                return b
        raise KeyError(box_id)

    def column(self, x: int) -> list[Box]:
        """The boxes of one column, top to bottom."""
        return sorted((b for b in self.boxes if b.x == x), key=lambda b: -b.y)

    def columns(self) -> dict[str, list[Any]]:
        """Boxes as columns of values, the shape a chart's data source takes."""
        names = [*Box.__dataclass_fields__]
        return {n: [getattr(b, n) for b in self.boxes] for n in names}


def _barycentre_order(
    items: Sequence[Any], parents_of: dict[str, list[str]], position: dict[str, float]
) -> list[Any]:
    """Order items by the mean position of their parents (Sugiyama's barycentre heuristic):
    a box sits level with what it feeds, which removes most crossings. Items without placed
    parents (orphans) go last; ties keep the team's own order."""

    def key(pair: tuple[int, Any]) -> tuple[int, float, int]:
        index, item = pair
        placed = [position[p] for p in parents_of.get(item.id, []) if p in position]
        if not placed:
            return (1, 0.0, index)
        return (0, sum(placed) / len(placed), index)

    return [item for _, item in sorted(enumerate(items), key=key)]


def _crossings(
    order_left: dict[str, float], order_right: dict[str, float], links: list[tuple[str, str]]
) -> int:
    pairs = [
        (order_left[a], order_right[b]) for a, b in links if a in order_left and b in order_right
    ]
    return sum(
        1
        for i, (a1, b1) in enumerate(pairs)
        for a2, b2 in pairs[i + 1 :]
        if (a1 - a2) * (b1 - b2) < 0
    )


def _pack(desired: Sequence[float], row_height: float, height: float) -> list[float]:
    """Positions as close as possible (least squares) to ``desired``, in the given order,
    at least ``row_height`` apart and inside ``[row_height/2, height - row_height/2]``.

    Subtracting ``i * row_height`` turns the gap constraint into "non-decreasing", which
    the pool-adjacent-violators algorithm solves exactly; two clamping passes then keep the
    column inside the drawing without breaking the gaps (bounds themselves are spaced by
    exactly one row, and a column never has more boxes than rows).
    """
    n = len(desired)
    shifted = [d - i * row_height for i, d in enumerate(desired)]
    blocks: list[list[float]] = []  # [mean, size]
    for value in shifted:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, size = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * size) / (blocks[-1][1] + size)
            blocks[-1][1] += size
    fitted = [mean for mean, size in blocks for _ in range(int(size))]
    t = [u + i * row_height for i, u in enumerate(fitted)]
    t = [max(v, row_height / 2 + i * row_height) for i, v in enumerate(t)]
    return [min(v, height - row_height / 2 - (n - 1 - i) * row_height) for i, v in enumerate(t)]


def _tidy_positions(
    columns: list[list[str]],
    *,
    parents: dict[str, list[str]],
    even: dict[str, float],
    row_height: float,
    height: float,
) -> dict[str, float]:
    """Top-down positions for the primary, secondary and change-idea columns.

    Left to right, each box goes level with the mean of its parents; right to left, each
    parent is re-centred on its children; then the change ideas follow their secondaries
    once more. A box without links in the direction of a pass wishes to stay where it is
    (its evenly spaced position at first).
    """
    top = dict(even)
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(child)

    def place(column: list[str], toward: dict[str, list[str]]) -> None:
        wishes = []
        for box_id in column:
            linked = [top[o] for o in toward.get(box_id, []) if o in top]
            wishes.append(sum(linked) / len(linked) if linked else top[box_id])
        for box_id, t in zip(column, _pack(wishes, row_height, height), strict=True):
            top[box_id] = t

    primary, secondary, ideas = columns
    place(secondary, parents)
    place(ideas, parents)
    place(secondary, children)
    place(primary, children)
    place(secondary, parents)
    place(ideas, parents)
    return top


#: the height of one line of a label, and the space above and below it, in row units (the
#: chart draws a row unit as ``ROW_PX`` pixels, kit/charts/driver_diagram.py)
LINE_HEIGHT = 0.2
BOX_PADDING = 0.2


def _label(text: str, change_concept: str | None, wrap_at: int) -> str:
    """A box's label: its whole text wrapped, and the change concept it tests, if tagged."""
    lines = textwrap.wrap(text, wrap_at, break_long_words=True) or [text]
    if change_concept:
        from kit.content import find_change_concept

        try:
            name = find_change_concept(change_concept)["name"]
        except KitInputError:  # a key no longer in the deck: show the key itself
            name = change_concept
        lines += textwrap.wrap(f"[{name}]", wrap_at)
    return "\n".join(lines)


def layout(
    diagram: DriverDiagram,
    *,
    row_height: float = 1.0,
    box_height: float = 0.8,
    column_width: float = 1.0,
    box_width: float = 0.8,
    wrap_at: int = 28,
    sweeps: int = 4,
    align: Literal["parents", "even"] = "parents",
) -> DiagramLayout:
    """Place every box of the diagram for a left-to-right tree that stays readable at 30+.

    Columns: aim, primary, secondary, change ideas. Primary drivers keep the team's order
    (they are the team's argument); secondary drivers are ordered by the mean position of
    the primaries they feed and change ideas by the mean position of their secondaries, then
    a few up-and-down barycentre sweeps reorder the secondaries by both neighbours, keeping
    a sweep only if it reduces crossings.

    Heights: with ``align="parents"`` (default) each box is drawn level with the mean of
    the boxes it links to (a tidy tree: secondaries by their primaries, change ideas by
    their secondaries, then parents re-centred on their children), packed so that
    neighbours are at least ``row_height`` apart; with ``align="even"`` each column is
    spaced evenly over the height of the tallest column. Either way boxes never overlap as
    long as ``box_height <= row_height``, and everything fits within ``height``.
    """
    if box_height > row_height:
        raise KitInputError("Boxes taller than a row would overlap; lower box_height.")
    primaries = list(diagram.primary_drivers)
    primary_pos = {p.id: float(i) for i, p in enumerate(primaries)}
    parents = {s.id: list(s.primary_ids) for s in diagram.secondary_drivers}
    idea_parents = {c.id: list(c.secondary_ids) for c in diagram.change_ideas}

    def scaled(order: Sequence[Any]) -> dict[str, float]:
        n = max(len(order), 1)
        return {b.id: (i + 0.5) / n for i, b in enumerate(order)}

    secondaries = _barycentre_order(diagram.secondary_drivers, parents, scaled(primaries))
    ideas = _barycentre_order(diagram.change_ideas, idea_parents, scaled(secondaries))
    links_ps = [(p, s.id) for s in diagram.secondary_drivers for p in s.primary_ids]
    links_si = [(s, c.id) for c in diagram.change_ideas for s in c.secondary_ids]

    def total(sec: Sequence[Any], ide: Sequence[Any]) -> int:
        return _crossings(primary_pos, scaled(sec), links_ps) + _crossings(
            scaled(sec), scaled(ide), links_si
        )

    best = total(secondaries, ideas)
    children: dict[str, list[str]] = {}
    for s_id, c_id in links_si:
        children.setdefault(s_id, []).append(c_id)
    for _ in range(sweeps):
        if best == 0:
            break
        # secondaries by the mean of their primaries and their change ideas together
        idea_pos = scaled(ideas)
        prim_pos = scaled(primaries)
        both = {
            s.id: [*(f"p:{p}" for p in s.primary_ids), *(f"c:{c}" for c in children.get(s.id, []))]
            for s in secondaries
        }
        pos = {f"p:{k}": v for k, v in prim_pos.items()} | {
            f"c:{k}": v for k, v in idea_pos.items()
        }
        new_secondaries = _barycentre_order(secondaries, both, pos)
        new_ideas = _barycentre_order(ideas, idea_parents, scaled(new_secondaries))
        score = total(new_secondaries, new_ideas)
        if score >= best:
            break
        secondaries, ideas, best = new_secondaries, new_ideas, score

    columns: list[list[tuple[str, BoxKind, str, Any]]] = [
        [(AIM_ID, "aim", diagram.aim_text or "Aim", None)],
        [(p.id, "primary", p.text, p) for p in primaries],
        [(s.id, "secondary", s.text, s) for s in secondaries],
        [(c.id, "change_idea", c.text, c) for c in ideas],
    ]
    labels = {
        box_id: _label(text, getattr(record, "change_concept", None), wrap_at)
        for col in columns
        for box_id, _kind, text, record in col
    }
    # every label is shown whole (no "..."): rows grow, all alike, to fit the longest label
    longest = max((labels[b[0]].count("\n") + 1 for col in columns[1:] for b in col), default=1)
    scale = max(1.0, (longest * LINE_HEIGHT + BOX_PADDING) / box_height)
    row_height, box_height = row_height * scale, box_height * scale
    rows = max(len(col) for col in columns)
    height = rows * row_height
    # positions measured from the top (t), converted to Bokeh's upward y at the end
    even = {
        box_id: (i + 0.5) * height / len(col)
        for col in columns
        for i, (box_id, *_rest) in enumerate(col)
    }
    if align == "parents":
        top = _tidy_positions(
            [[b[0] for b in col] for col in columns[1:]],
            parents={**parents, **idea_parents},
            even=even,
            row_height=row_height,
            height=height,
        )
        top[AIM_ID] = (
            sum(top[p.id] for p in primaries) / len(primaries) if primaries else height / 2
        )
    else:
        top = even
    boxes: list[Box] = []
    centre: dict[str, tuple[float, float]] = {}
    for x, col in enumerate(columns):
        for box_id, kind, text, record in col:
            y = height - top[box_id]
            orphan = (kind == "secondary" and not record.primary_ids) or (
                kind == "change_idea" and not record.secondary_ids
            )
            boxes.append(
                Box(
                    id=box_id,
                    kind=kind,
                    text=text,
                    label=labels[box_id],
                    x=x * column_width,
                    y=y,
                    width=box_width,
                    height=box_height,
                    orphan=orphan,
                    origin=getattr(record, "origin", None),
                    change_concept=getattr(record, "change_concept", None),
                )
            )
            centre[box_id] = (x * column_width, y)

    links = [(AIM_ID, p.id) for p in primaries] + links_ps + links_si
    edges = [
        Edge(
            source=a,
            target=b,
            x0=centre[a][0] + box_width / 2,
            y0=centre[a][1],
            x1=centre[b][0] - box_width / 2,
            y1=centre[b][1],
        )
        for a, b in links
    ]
    return DiagramLayout(boxes=boxes, edges=edges, width=4 * column_width, height=height)
