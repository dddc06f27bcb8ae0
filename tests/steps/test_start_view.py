"""The start page's widgets: the journey map keeps each arrow with the box it points to."""

from __future__ import annotations

from html.parser import HTMLParser

from kit.steps.start import model
from kit.steps.start.view import _journey


class _Tree(HTMLParser):
    """Each element's classes and its parent's, enough to see what a flex item holds."""

    VOID = {"br", "img", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[int] = []
        self.nodes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        parent = self.stack[-1] if self.stack else None
        self.nodes.append({"tag": tag, "classes": classes, "parent": parent, "children": []})
        if parent is not None:
            self.nodes[parent]["children"].append(len(self.nodes) - 1)
        if tag not in self.VOID:
            self.stack.append(len(self.nodes) - 1)

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.stack.pop()


def test_every_journey_arrow_shares_a_flex_item_with_the_box_it_points_to():
    """Issue 10: arrows between the boxes were flex items of their own, so a wrap could leave
    one alone at the end of a line. Now the row's items are step boxes, each but the first with
    its arrow in front of it."""
    tree = _Tree()
    tree.feed(_journey("token").value)
    nodes = tree.nodes
    row = next(n for n in nodes if "kit-journey" in n["classes"])
    items = [nodes[i] for i in row["children"]]
    assert len(items) == len(model.JOURNEY)
    assert all("kit-journey-item" in item["classes"] for item in items)
    for n, item in enumerate(items):
        kinds = [
            "arrow" if "kit-journey-arrow" in nodes[c]["classes"] else "step"
            for c in item["children"]
            if {"kit-journey-arrow", "kit-journey-step"} & set(nodes[c]["classes"])
        ]
        assert kinds == (["step"] if n == 0 else ["arrow", "step"]), (n, kinds)
    arrows = [n for n in nodes if "kit-journey-arrow" in n["classes"]]
    assert len(arrows) == len(model.JOURNEY) - 1
    assert all("kit-journey-item" in nodes[a["parent"]]["classes"] for a in arrows)
