"""A participant opens Riverside's falls chart on the demo, reads the shift explained in words,
clicks the first point after the change, starts a new phase there and sees the chart redraw.
Chromium against a real ``bts-kit serve``; the chart's state is read from BokehJS's documents."""

from __future__ import annotations

import pytest

from .conftest import (
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .waits import (
    MAIN_CHART_SOURCE,
    main_chart,
    text_in,
    wait_for_database,
    wait_for_main_chart,
    wait_for_value,
)

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("05-charts.png")
NOTEBOOK = "05-charts.ipynb"
#: the page is built with its chart before Voilà sends it; on a loaded machine that can take
#: longer than the default navigation timeout
NAVIGATION_MS = 180_000


def stored_settings(server):
    from kit.qi.chart_settings import ChartSettings
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return [s.record for s in store.find(ChartSettings, Actor.system())]


def test_a_participant_reads_the_shift_and_starts_a_new_phase_at_the_change(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_navigation_timeout(NAVIGATION_MS)
    page.set_default_timeout(NAVIGATION_MS)
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    assert "Riverside" in header_text(page)
    text_in(page, ".kit-charts-explain", "What this chart is telling you")
    words = page.inner_text(".kit-charts-explain")
    assert "moved down from April 2026" in words
    assert "lower is better" in words
    assert "start a new phase from April 2026" in words
    assert "Why a U chart?" in page.inner_text(".kit-charts-choice")
    wait_for_main_chart(page, "s.data.x.length === 24", "kit-points")
    assert main_chart(page, "s.data.x.length", "kit-phase-dividers") == 0

    # the participant clicks the point of April 2026: BokehJS selects it, the kernel hears it
    page.evaluate(
        f"() => {{ const s = ({MAIN_CHART_SOURCE})('kit-points'); s.selected.indices = [13]; }}"
    )
    # the value, not the label: the label has a non-breaking space
    wait_for_value(page, ".kit-charts-period select", "Apr 2026", timeout=30_000)
    page.click(".kit-charts-phase")

    # the same chart redraws: a phase divider, two centre lines, and new words
    wait_for_main_chart(page, "s.data.x.length === 1", "kit-phase-dividers")
    centre_lines = main_chart(page, "Array.from(new Set(Array.from(s.data.cl)))", "kit-lines")
    assert len(centre_lines) == 2
    text_in(page, ".kit-charts-explain", "start a new phase from April 2026", present=False)
    assert "New phases from Apr 2026" in page.inner_text(".kit-charts-settings")
    saved = wait_for_database(lambda: stored_settings(kit_server), lambda found: bool(found))
    assert [str(p) for p in saved[0].phase_starts] == ["2026-04-01"]
    check_no_page_errors(page)
    tall_screenshot(page, SCREENSHOT, ".kit-header")


def test_excluding_a_point_shows_its_reason_on_the_chart(page, kit_server):
    page.set_default_navigation_timeout(NAVIGATION_MS)
    page.set_default_timeout(NAVIGATION_MS)
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK, join="RIV-2026")
    wait_for_main_chart(page, "s.data.x.length === 24", "kit-points")
    page.select_option(".kit-charts-period select", value="Nov 2025")
    page.click(".kit-charts-exclude")
    text_in(page, ".kit-charts-error", "Say why this point is left out")
    page.fill(".kit-charts-reason input", "Agency staff on most shifts")
    page.click(".kit-charts-exclude")
    wait_for_main_chart(page, "s.data.reason.length === 1", "kit-excluded")
    assert main_chart(page, "s.data.reason[0]", "kit-excluded") == "Agency staff on most shifts"
    text_in(page, ".kit-charts-settings", "Nov 2025 left out")
    check_no_page_errors(page)
