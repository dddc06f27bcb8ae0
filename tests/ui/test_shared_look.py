"""``SharedLook``: widgets that never change their look share one layout and one style."""

from __future__ import annotations

import ipywidgets as w

from kit.ui.widgets import SharedLook, wide


def test_one_layout_per_set_of_properties_and_one_style_per_class():
    look = SharedLook()
    first = look.html("<h3>Changes tested</h3>", "kit-heading")
    second = look.html("<h3>What we learned</h3>")
    narrow = look.html("", width="130px")
    assert first.layout is second.layout and first.style is second.style
    assert narrow.layout is not first.layout and narrow.layout.width == "130px"
    assert look.layout(width="130px", margin="0") is look.layout(margin="0", width="130px")
    assert "kit-heading" in first._dom_classes and first.value == "<h3>Changes tested</h3>"
    boxes = [look.text("kit-cell", width="110px") for _ in range(3)]
    assert len({id(box.layout) for box in boxes}) == 1
    assert len({id(box.style) for box in boxes}) == 1
    assert boxes[0].layout.width == "110px"


def test_each_look_is_its_own_and_wide_gives_a_widget_its_own_layout():
    """Two views never share (one hides its part, the other must not vanish), and ``wide()``
    is for a widget that is hidden or resized later."""
    assert SharedLook().layout(width="1px") is not SharedLook().layout(width="1px")
    assert wide() is not wide()


def test_a_shared_layout_is_sent_once_to_the_page():
    """The reason for sharing: the page builds one layout model, however many widgets use it."""
    look = SharedLook()
    cells = [look.text(width="110px") for _ in range(24)]
    state_ids = {cell.get_state()["layout"] for cell in cells}
    assert len(state_ids) == 1
    assert isinstance(cells[0].layout, w.Layout)
