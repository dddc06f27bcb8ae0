"""A storyboard file opens in Chromium with the network blocked, draws its charts, and its
print layout fits A4 portrait and A3 landscape without clipping a chart (issue 14).

One browser for the module; every request that is not the file itself is refused and listed.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kit.reports import write_records
from tests.reports.collaborative import make_records

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("KIT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
#: the @page content box in CSS pixels (96 per inch) with 12 mm margins each side
CONTENT_PX = {"A4": (210 - 24) / 25.4 * 96, "A3": (420 - 24) / 25.4 * 96}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not at {CHROMIUM}")
        pytest.skip(f"Chromium is not at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def storyboards(tmp_path_factory):
    records = make_records(2, 14)
    folder = tmp_path_factory.mktemp("boards")
    today = dt.date(2025, 3, 20)
    files = {}
    for paper in ("A4", "A3"):
        (path,) = write_records(records, folder / paper, team="Ward 1", today=today, paper=paper)
        files[paper] = path
    return files


def open_offline(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    refused: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    # the driver diagram and three measures: four Bokeh roots, each drawn on a canvas
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.index && Object.keys(Bokeh.index).length >= 4", timeout=60_000
    )
    return page, refused, errors


def test_storyboard_draws_its_charts_offline(browser, storyboards):
    page, refused, errors = open_offline(browser, storyboards["A3"], 1500)
    try:
        canvas = page.locator(".chart canvas").first
        canvas.wait_for(timeout=30_000)
        # wait until the chart's canvas has ink on it, not just exists
        page.wait_for_function(
            """() => {
                const host = document.querySelector('.chart [data-root-id]');
                const view = Object.values(Bokeh.index).find(v => v.model.id === host.dataset.rootId);
                return view && view.is_idle;
            }""",
            timeout=30_000,
        )
        inked = canvas.evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                      let n = 0; for (let i = 0; i < d.length; i += 4) { if (d[i + 3] && (d[i] < 200 || d[i + 1] < 200)) n++; }
                      return n; }"""
        )
        assert inked > 500
        assert refused == [] and errors == []
    finally:
        page.close()


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_print_layout_keeps_every_chart_on_the_page(browser, storyboards, paper):
    width = int(CONTENT_PX[paper])
    page, refused, errors = open_offline(browser, storyboards[paper], width)
    try:
        page.emulate_media(media="print")
        page.wait_for_timeout(200)  # one frame for the print styles to apply
        # Playwright's locators pierce Bokeh's shadow DOM; the boxes are as laid out for print
        canvases = page.locator(".chart canvas, .diagram canvas")
        boxes = [canvases.nth(i).bounding_box() for i in range(canvases.count())]
        plots = [b for b in boxes if b is not None and b["width"] > 100]  # not legend swatches
        assert len(plots) >= 4
        for box in plots:
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
        assert refused == [] and errors == []
    finally:
        page.close()
