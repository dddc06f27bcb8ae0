"""A participant starts an empty driver diagram and builds 3 primary drivers, 5 secondary
drivers (one feeding two primaries) and 8 change ideas tagged with change concepts, sees it
drawn, reloads the page and finds it all there. Chromium against a real ``bts-kit serve``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import (
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .waits import text_in

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("03-change-package.png")
NOTEBOOK = "03-change-package.ipynb"

PRIMARIES = [
    "Every patient's falls risk is known",
    "A safe ward environment",
    "A culture that learns from falls",
]
#: secondary driver -> the primary drivers it feeds (the third feeds two)
SECONDARIES = {
    "Risk assessed on admission": [PRIMARIES[0]],
    "Medicines reviewed": [PRIMARIES[0]],
    "Help with toileting": [PRIMARIES[0], PRIMARIES[1]],
    "Kit within reach": [PRIMARIES[1]],
    "Huddle after every fall": [PRIMARIES[2]],
}
#: change idea -> (secondary drivers, change-concept card label as shown in the dropdown)
IDEAS = {
    "Falls checklist in the admission pack": (["Risk assessed on admission"], "Use reminders"),
    "Pharmacist reviews sedatives": (
        ["Medicines reviewed"],
        "Standardization (create a formal process)",
    ),
    "Hourly rounding with the 4 Ps": (
        ["Help with toileting", "Kit within reach"],
        "Standardization (create a formal process)",
    ),
    "Commode at the bedside overnight": (["Help with toileting"], None),
    "Non-slip socks at every bed": (["Kit within reach"], "Use constraints"),
    "Call bell clipped to the gown": (["Kit within reach"], None),
    "Five-minute post-fall huddle": (["Huddle after every fall"], "Use reminders"),
    "Monthly falls story at handover": (["Huddle after every fall"], None),
}


def summary(primary: int, secondary: int, ideas: int) -> str:
    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return ", ".join(
        [n(primary, "primary driver"), n(secondary, "secondary driver"), n(ideas, "change idea")]
    )


def concept_label(page, name: str) -> str:
    """The dropdown's label for a card (concepts are indented under their group)."""
    labels = page.eval_on_selector_all(
        ".kit-cp-idea-concept select option", "options => options.map(o => o.label)"
    )
    # ipywidgets shows spaces in options as non-breaking spaces
    return next(label for label in labels if label.replace("\xa0", " ").endswith(f". {name}"))


def bokeh_box_count(page) -> int:
    """How many boxes BokehJS holds in the diagram's data source (the live document state)."""
    return page.evaluate(
        """() => {
            for (const doc of (window.Bokeh && window.Bokeh.documents) || []) {
                for (const model of doc.all_models) {
                    if (model.name === 'kit-driver-boxes') return model.data.id.length;
                }
            }
            return -1;
        }"""
    )


def stored_diagram(server, team_id: str):
    from kit.qi import DriverDiagram
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return store.find(DriverDiagram, Actor.system(), team_id=team_id)[0].record


def test_a_participant_builds_a_driver_diagram_and_finds_it_after_reload(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    assert "St Anne's Medical Unit" in header_text(page)
    page.wait_for_selector(".kit-cp-chart canvas", timeout=60_000)

    # the demo gave this team a copy of the package: start again from an empty diagram
    page.click(".kit-cp-clear")
    text_in(page, ".kit-cp-clear", "Click again")
    page.click(".kit-cp-clear")
    text_in(page, ".kit-cp-summary", summary(0, 0, 0))
    text_in(page, ".kit-cp-warnings", "usually has 2 to 5 primary drivers")

    for i, text in enumerate(PRIMARIES, start=1):
        page.fill(".kit-cp-primary-text input", text)
        page.click(".kit-cp-add-primary")
        text_in(page, ".kit-cp-summary", summary(i, 0, 0))

    for i, (text, primaries) in enumerate(SECONDARIES.items(), start=1):
        page.fill(".kit-cp-secondary-text input", text)
        page.select_option(".kit-cp-secondary-primaries select", label=primaries)
        page.click(".kit-cp-add-secondary")
        text_in(page, ".kit-cp-summary", summary(3, i, 0))

    for i, (text, (secondaries, concept)) in enumerate(IDEAS.items(), start=1):
        page.fill(".kit-cp-idea-text input", text)
        page.select_option(".kit-cp-idea-secondaries select", label=secondaries)
        if concept:
            page.select_option(".kit-cp-idea-concept select", label=concept_label(page, concept))
            text_in(page, ".kit-cp-concept-card", "The Improvement Guide")
        page.click(".kit-cp-add-idea")
        text_in(page, ".kit-cp-summary", summary(3, 5, i))

    assert page.inner_text(".kit-cp-warnings").strip() == ""  # every box is linked
    page.wait_for_function(
        "() => { for (const d of window.Bokeh.documents) for (const m of d.all_models)"
        " if (m.name === 'kit-driver-boxes') return m.data.id.length === 17; return false; }",
        timeout=30_000,
    )
    text_in(page, ".kit-save-state", "Saved")
    check_no_page_errors(page)
    tall_screenshot(page, SCREENSHOT, ".kit-cp-heading")

    diagram = stored_diagram(kit_server, "team-stanne")
    by_text = {s.text: s for s in diagram.secondary_drivers}
    primary_id = {p.text: p.id for p in diagram.primary_drivers}
    assert by_text["Help with toileting"].primary_ids == [
        primary_id[PRIMARIES[0]],
        primary_id[PRIMARIES[1]],
    ]
    ideas = {c.text: c for c in diagram.change_ideas}
    assert ideas["Non-slip socks at every bed"].change_concept == "use_constraints"
    assert len(ideas["Hourly rounding with the 4 Ps"].secondary_ids) == 2
    assert all(c.origin == "team" for c in ideas.values())

    # a new page is a new kernel: the diagram comes back from the store
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    text_in(page, ".kit-cp-summary", summary(3, 5, 8))
    page.wait_for_selector(".kit-cp-chart canvas")
    assert bokeh_box_count(page) == 17  # aim + 3 + 5 + 8
    options = [
        o.replace("\xa0", " ") for o in page.locator(".kit-cp-box select option").all_inner_texts()
    ]
    for text in [*PRIMARIES, *SECONDARIES, *IDEAS]:
        assert any(text in option for option in options), text
    check_no_page_errors(page)

    # export: a standalone HTML file and a PNG, offered as downloads
    page.click(".kit-cp-export")
    page.wait_for_function(
        "() => document.querySelectorAll('.kit-cp-downloads a.kit-download').length === 2",
        timeout=120_000,
    )
    saved = {}
    for link in page.locator(".kit-cp-downloads a.kit-download").all():
        with page.expect_download() as download:
            link.click()
        saved[download.value.suggested_filename.rsplit(".", 1)[-1]] = Path(download.value.path())
    page_html = saved["html"].read_text(encoding="utf-8")
    for text in [*PRIMARIES, *SECONDARIES, *IDEAS]:
        assert text.replace("'", "&#x27;") in page_html or text in page_html, text
    assert saved["png"].read_bytes().startswith(b"\x89PNG")
    check_no_page_errors(page)


def test_two_browsers_add_different_primary_drivers_and_both_land(
    page, kit_server, browser_context
):
    """Issue 10: the second save is merged with the first, not refused."""
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="NOR-2026")
    page.wait_for_selector(".kit-cp-chart canvas", timeout=60_000)
    other = browser_context.new_page()
    try:
        other.set_viewport_size({"width": 1280, "height": 900})
        wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
        open_app(other, kit_server, NOTEBOOK, join="NOR-2026")
        other.wait_for_selector(".kit-cp-chart canvas", timeout=60_000)
        before = len(stored_diagram(kit_server, "team-northfield").primary_drivers)

        page.fill(".kit-cp-primary-text input", "Added in the first browser")
        page.click(".kit-cp-add-primary")
        text_in(page, ".kit-save-state", "Saved")
        other.fill(".kit-cp-primary-text input", "Added in the second browser")
        other.click(".kit-cp-add-primary")
        text_in(other, ".kit-save-state", "Saved")

        texts = [p.text for p in stored_diagram(kit_server, "team-northfield").primary_drivers]
        assert len(texts) == before + 2
        assert texts[-2:] == ["Added in the first browser", "Added in the second browser"]
        assert not other.locator(".kit-cp-conflict").is_visible()
        check_no_page_errors(other)
    finally:
        other.close(run_before_unload=True)
    check_no_page_errors(page)


def test_on_a_phone_the_diagram_scrolls_sideways(page, kit_server):
    """Issue 10: at 375 px the drawing keeps its width inside a box that scrolls."""
    page.set_viewport_size({"width": 375, "height": 800})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    page.wait_for_selector(".kit-cp-chart canvas", timeout=60_000)
    sizes = page.evaluate(
        """() => { const box = document.querySelector('.kit-cp-chart-box');
            const style = getComputedStyle(box);
            return {scroll: box.scrollWidth, client: box.clientWidth,
                    overflow: style.overflowX,
                    right: box.getBoundingClientRect().right,
                    page: document.documentElement.clientWidth}; }"""
    )
    assert sizes["scroll"] > sizes["client"] + 100, sizes  # the drawing is wider than the box
    assert sizes["overflow"] in ("auto", "scroll"), sizes
    assert sizes["right"] <= sizes["page"] + 1, sizes  # the box itself fits the screen
    page.eval_on_selector(".kit-cp-chart-box", "box => { box.scrollLeft = 400; }")
    assert page.eval_on_selector(".kit-cp-chart-box", "box => box.scrollLeft") > 0
    check_no_page_errors(page)
