"""The facilitator's side in Chromium against a real ``bts-kit serve``: rating two teams in the
assessment app, and the learning-session presenter view's clock ticking on the projector."""

from __future__ import annotations

import datetime as dt

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
from .waits import text_in

pytestmark = pytest.mark.browser

ASSESSMENT = "09-assessment.ipynb"
SESSIONS = "10-learning-sessions.ipynb"
PREWORK_MONTH = dt.date(2025, 12, 1)  # the demo's first month: no scores yet


def faculty_score(server, team_id: str, month: dt.date) -> float | None:
    from kit.qi import Assessment
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        found = store.find(
            Assessment, Actor.system(), team_id=team_id, month=month, rated_by="faculty"
        )
    return found[0].record.score if found else None


def test_the_facilitator_rates_two_teams(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, ASSESSMENT, 1)
    open_app(page, kit_server, ASSESSMENT)
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(".kit-assessment-row-team-riverside", timeout=60_000)
    page.select_option(".kit-assessment-month select", label=f"{PREWORK_MONTH:%B %Y}")
    text_in(page, ".kit-assessment-summary", "0 of 7 teams rated")

    page.select_option(".kit-assessment-score-team-riverside select", label="3.5 · Improvement")
    text_in(page, ".kit-assessment-row-team-riverside .kit-assessment-mine", "by ")
    page.select_option(
        ".kit-assessment-score-team-harbour select", label="2.0 · Activity, no changes yet"
    )
    text_in(page, ".kit-assessment-row-team-harbour .kit-assessment-mine", "by ")
    text_in(page, ".kit-assessment-summary", "2 of 7 teams rated")
    text_in(page, ".kit-save-state", "Saved")
    assert "UTC" in page.inner_text(".kit-assessment-row-team-riverside .kit-assessment-mine")
    canvas = page.locator(".kit-assessment-chart canvas").first
    canvas.wait_for()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 400  # the grid is drawn at the page's width
    check_no_page_errors(page)
    tall_screenshot(page, screenshot_path("09-assessment.png"), ".kit-header")

    assert faculty_score(kit_server, "team-riverside", PREWORK_MONTH) == 3.5
    assert faculty_score(kit_server, "team-harbour", PREWORK_MONTH) == 2.0


def test_the_presenter_views_clock_advances(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, SESSIONS, 1)
    open_app(page, kit_server, SESSIONS, present="1")
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(".kit-sessions-presenter", timeout=60_000)
    page.select_option(".kit-sessions-rehearse select", label="day 1 from its start, now")
    page.click(".kit-sessions-start")
    text_in(page, ".kit-sessions-current", "Now")
    first = page.inner_text(".kit-sessions-clock-text")
    # the kernel redraws the clock each second: wait for a different time, not for a fixed sleep
    page.wait_for_function(
        "(first) => { const el = document.querySelector('.kit-sessions-clock-text');"
        " return el && el.innerText !== first; }",
        arg=first,
        timeout=15_000,
    )
    assert page.inner_text(".kit-sessions-left") != ""
    text_in(page, ".kit-sessions-next", "Next")
    check_no_page_errors(page)
    tall_screenshot(page, screenshot_path("10-learning-sessions.png"), ".kit-header")
