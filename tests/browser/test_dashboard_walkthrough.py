"""The facilitator's dashboard in Chromium against a real ``bts-kit serve`` (issue 14).

It renders the demo; a team's storyboard downloaded from it opens with the network blocked and
draws its charts; and a participant typing new data in the measures app, in another browser,
shows on the facilitator's open dashboard without a reload (the kernel's refresh timer,
``kit/steps/dashboard/view.py``). One server and one browser for the facilitator; the
participant's browser is a second Chromium started from the same Playwright.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from .conftest import (
    APP_TIMEOUT_MS,
    FACILITATOR_PASSCODE,
    check_no_page_errors,
    open_app,
    screenshot_path,
    sign_in,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .waits import wait_for_database

pytestmark = pytest.mark.browser

NOTEBOOK = "08-dashboard.ipynb"
MEASURES = "04-measures-and-data.ipynb"
RIVERSIDE, RIVERSIDE_CODE = "team-riverside", "RIV-2026"
FALLS_ID, FALLS = "m-falls", "outcome: Falls per 1,000 patient-days"  # the demo's shared outcome
#: the refresh reads every 4 s; the issue asks for new data within 10 s
REFRESH_LIMIT_MS = 10_000
#: opening a page on a 2-core machine shared with other test runs can take over a minute
LOADED_MACHINE_MS = 180_000
DATA_THIS_PERIOD = re.compile(r"(\d+) of (\d+)")
DATA_COLUMN = 3  # kit.steps.dashboard.view.COLUMNS: aim, driver diagram, measures, data


@pytest.fixture(scope="module")
def participant_context(chromium):
    """A second Chromium, as a participant's laptop beside the facilitator's."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(APP_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def falls_in(server, period: dt.date):
    """Riverside's stored falls observations of one period."""
    from kit.qi import Observation
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return store.find(
            Observation, Actor.system(), team_id=RIVERSIDE, measure_id=FALLS_ID, period=period
        )


def clear_current_falls(server) -> dt.date:
    """Remove Riverside's falls data of the dashboard's current period (kept in the history),
    so the participant has a month to type; returns that period."""
    from kit.qi import Collaborative, Observation
    from kit.qi.dashboard import current_period
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        actor = Actor.system("a test that makes room for a new month")
        [collab] = [s.record for s in store.find(Collaborative, actor)]
        period = current_period(collab, dt.date.today())
        for saved in falls_in(server, period):
            store.delete(Observation, saved.record.id, actor, expected_version=saved.version)
    return period


def data_this_period(page) -> tuple[int, int]:
    """Riverside's "Data this period" cell: measures with data of the measures defined."""
    cells = page.evaluate(
        "css => [...document.querySelectorAll(css)].map(el => el.innerText.trim())",
        f".kit-dashboard-row-{RIVERSIDE} .kit-dashboard-cells div[style*='inline-block']",
    )
    found = DATA_THIS_PERIOD.fullmatch(cells[DATA_COLUMN])
    assert found, cells
    return int(found.group(1)), int(found.group(2))


def test_the_dashboard_shows_the_demo_and_a_storyboard_opens_offline(page, kit_server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(LOADED_MACHINE_MS)
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK)
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(f".kit-dashboard-row-{RIVERSIDE}", timeout=90_000)
    assert page.locator(".kit-dashboard-row").count() == 7
    page.locator(".kit-dashboard-multiples canvas").first.wait_for(timeout=60_000)
    page.locator(".kit-dashboard-funnel canvas").first.wait_for(timeout=60_000)
    assert "Riverside General, Ward 7" in page.inner_text(".kit-dashboard-grid")
    check_no_page_errors(page)
    tall_screenshot(page, screenshot_path("08-dashboard.png"), ".kit-header")

    page.click(".kit-dashboard-open-team-harbour")
    page.wait_for_selector(".kit-dashboard-detail-name", timeout=30_000)
    assert "Harbour View" in page.inner_text(".kit-dashboard-detail")
    page.click(".kit-dashboard-storyboard")
    link = page.locator(".kit-dashboard-storyboard-link a")
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("storyboard-harbour-view")
    check_no_page_errors(page)

    # the file on its own, every request but the file refused: BokehJS is inline
    offline = page.context.new_page()
    refused: list[str] = []

    def refuse(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    offline.route("**/*", refuse)
    errors: list[str] = []
    offline.on("pageerror", lambda error: errors.append(str(error)))
    try:
        offline.goto(saved.as_uri())
        assert "Harbour View" in offline.inner_text("body")
        canvas = offline.locator(".chart canvas").first
        canvas.wait_for(timeout=60_000)
        # drawn: the chart's canvas has coloured pixels, not only a white background
        offline.wait_for_function(
            """() => { const find = node => { for (const el of node.querySelectorAll('*')) {
                         if (el.tagName === 'CANVAS' && el.closest && el.width > 100) return el;
                         if (el.shadowRoot) { const c = find(el.shadowRoot); if (c) return c; } }
                       return null; };
                       const host = document.querySelector('.chart');
                       const c = host && find(host); if (!c) return false;
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let ink = 0;
                       for (let i = 0; i < d.length; i += 4) if (d[i + 3] && d[i] < 200) ink++;
                       return ink > 500; }""",
            timeout=60_000,
        )
        assert refused == [] and errors == []
    finally:
        offline.close()


def test_a_participants_new_data_shows_on_the_open_dashboard_without_a_reload(
    page, kit_server, participant_context
):
    period = clear_current_falls(kit_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_default_timeout(LOADED_MACHINE_MS)
    navigations: list[str] = []
    page.on(
        "framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url)
    )
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK)
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(f".kit-dashboard-row-{RIVERSIDE}", timeout=90_000)
    have, family = data_this_period(page)
    assert have == family - 1  # the falls measure has no data for this period now
    assert len(navigations) == 1

    # the participant, in the other browser, signs in with the team's join code and types it
    typing = participant_context.new_page()
    typing.set_default_timeout(LOADED_MACHINE_MS)
    try:
        wait_for_kernel_pool(kit_server, MEASURES, 1)
        open_app(typing, kit_server, MEASURES, join=RIVERSIDE_CODE)
        typing.wait_for_selector(".kit-measures-select select")
        typing.select_option(".kit-measures-select select", value=FALLS)
        row = f".kit-measures-row-{period:%Y-%m-%d}"
        typing.wait_for_selector(f"{row} .kit-measures-cell-numerator input")
        typing.fill(f"{row} .kit-measures-cell-numerator input", "1")
        typing.fill(f"{row} .kit-measures-cell-denominator input", "950")
        [saved] = wait_for_database(lambda: falls_in(kit_server, period), lambda f: len(f) == 1)
        assert (saved.record.numerator, saved.record.denominator) == (1, 950)
        stored_at = time.monotonic()
        check_no_page_errors(typing)
    finally:
        typing.close(run_before_unload=True)

    page.wait_for_function(
        "([css, column, text]) => { const cells = document.querySelectorAll(css);"
        " return cells.length > column && cells[column].innerText.trim() === text; }",
        arg=[
            f".kit-dashboard-row-{RIVERSIDE} .kit-dashboard-cells div[style*='inline-block']",
            DATA_COLUMN,
            f"{family} of {family}",
        ],
        # the 10 s of the issue, and the redraw on a 2-core machine shared with other test runs
        timeout=REFRESH_LIMIT_MS * 2,
    )
    print(f"new data shown {time.monotonic() - stored_at:.1f} s after the save")  # no assert
    assert data_this_period(page) == (family, family)
    assert len(navigations) == 1  # the same page, never reloaded
    check_no_page_errors(page)
