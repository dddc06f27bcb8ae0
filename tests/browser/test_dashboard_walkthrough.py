"""The facilitator's dashboard in Chromium against a real ``bts-kit serve``: it renders the
demo, and a team's new data, saved to the database while the page is open, appears on it
without a reload (the kernel's refresh timer, ``kit/steps/dashboard/view.py``).

The team's data are written straight into the store from the test (as the measures app's
save does through ``Store.put_observations``), not typed in a second browser context: one
server and one browser for this module."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from .conftest import (
    FACILITATOR_PASSCODE,
    check_no_page_errors,
    open_app,
    screenshot_path,
    sign_in,
    tall_screenshot,
    wait_for_kernel_pool,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "08-dashboard.ipynb"
NEW_MONTH = dt.date(2027, 3, 1)  # the month after the demo's last
#: the refresh reads every 4 s; the issue asks for new data within 10 s
REFRESH_LIMIT_MS = 10_000


def save_new_month(server) -> None:
    from kit.qi import Measure, Observation
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        actor = Actor.system("a ward's data entry")
        falls = next(
            s.record
            for s in store.find(Measure, actor)
            if s.record.team_id is None and s.record.measure_kind == "outcome"
        )
        store.put_observations(
            [
                Observation(
                    measure_id=falls.id, team_id="team-riverside", period=NEW_MONTH,
                    numerator=2, denominator=910,
                )
            ],
            actor,
        )  # fmt: skip


def test_the_dashboard_shows_the_demo_and_new_data_without_a_reload(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK)
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(".kit-dashboard-row-team-riverside", timeout=90_000)
    assert page.locator(".kit-dashboard-row").count() == 7
    page.locator(".kit-dashboard-multiples canvas").first.wait_for(timeout=60_000)
    page.locator(".kit-dashboard-funnel canvas").first.wait_for(timeout=60_000)
    assert "Riverside General, Ward 7" in page.inner_text(".kit-dashboard-grid")
    check_no_page_errors(page)
    tall_screenshot(page, screenshot_path("08-dashboard.png"), ".kit-header")

    page.click(".kit-dashboard-open-team-harbour")
    page.wait_for_selector(".kit-dashboard-detail-name", timeout=30_000)
    assert "Harbour View" in page.inner_text(".kit-dashboard-detail")

    page.evaluate("window.kitNotReloaded = true")
    label = f"{NEW_MONTH:%B %Y}"
    offered = "label => [...document.querySelectorAll('.kit-dashboard-month select option')]"
    offered += ".some(o => o.value === label)"  # the option's text has &nbsp; for its spaces
    assert not page.evaluate(offered, label)
    saved = time.monotonic()
    save_new_month(kit_server)
    page.wait_for_function(
        offered,
        arg=label,
        # the 10 s of the issue, and the redraw on a 2-core machine shared with other test runs
        timeout=REFRESH_LIMIT_MS * 2,
    )
    print(f"new data shown {time.monotonic() - saved:.1f} s after the save")  # a figure, no assert
    assert page.evaluate("window.kitNotReloaded === true")  # the same page, never reloaded
    check_no_page_errors(page)
