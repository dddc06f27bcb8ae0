"""A participant joins with their team's code, writes an aim that first gets feedback and then
passes, reloads the page and finds it saved. Chromium against a real ``bts-kit serve``."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from .conftest import (
    bts_kit_serve_command,
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    start_server,
    tall_screenshot,
    wait_for_kernel_pool,
)
from .steps import type_in
from .waits import text_in, wait_until_pending

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("02-aim.png")
NOTEBOOK = "02-aim.ipynb"


@pytest.fixture(scope="module")
def kit_server(tmp_path_factory):
    """The demo as ``bts-kit serve`` loads it, moved to today (``kit.demo.load_demo``): the aim
    review judges "by when" against the real today, so the demo's dates must follow it."""
    from kit.demo import load_demo
    from kit.store import Store

    tmp = tmp_path_factory.mktemp("kit-server")
    database_url = f"sqlite:///{tmp / 'kit.sqlite3'}"
    with Store.open(database_url) as store:
        load_demo(store)
    command = bts_kit_serve_command(pool_size=1)
    with start_server(tmp, command, database_url=database_url, load_demo=False) as server:
        yield server


def _target_date() -> dt.date:
    """A date the aim review accepts: at least 3 months after the aim is set (today, when the
    demo's aims were first saved) and not after the demo collaborative closes."""
    from kit.demo import load_demo
    from kit.qi import Collaborative
    from kit.store import Actor, Store

    with Store.open("sqlite://") as store:
        load_demo(store)  # moved to today, as the server's (kit_server above)
        collab = store.find(Collaborative, Actor.system())[0].record
    closes = max(m.end for m in collab.timeline)
    return min(dt.date.today() + dt.timedelta(days=300), closes)


TARGET_DATE = _target_date()


def stored_aim(server, team_id: str):
    from kit.qi import Aim
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return store.find(Aim, Actor.system(), team_id=team_id)[0].record


def test_a_participant_writes_an_aim_gets_feedback_and_finds_it_after_reload(page, kit_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    assert "St Anne's Medical Unit" in header_text(page)
    page.wait_for_selector(".kit-aim-sentence")
    text_in(page, ".kit-aim-collaborative", "Reduce falls with harm")

    # a first draft with the usual gaps: no numbers, no date, a vague place
    type_in(page, ".kit-aim-what", "falls with harm")
    type_in(page, ".kit-aim-baseline", "some")
    type_in(page, ".kit-aim-target", "")
    type_in(page, ".kit-aim-where", "everywhere")
    page.fill(".kit-aim-by-when input", "")
    text_in(page, ".kit-aim-error-baseline", "Baseline must be a number; 'some' is not.")
    text_in(page, ".kit-aim-feedback-by-when", "Say by when")
    text_in(page, ".kit-aim-feedback-where", "is not a place")
    text_in(page, ".kit-aim-summary", "Still missing")
    assert "[by when]" in page.inner_text(".kit-aim-sentence")
    text_in(page, ".kit-save-state", "Not saved")

    # the pasted version of the same draft gets the same feedback
    type_in(page, ".kit-aim-free-text", "Reduce falls with harm soon, by some amount")
    page.click(".kit-aim-check-text")
    text_in(page, ".kit-aim-text-feedback", "Soon is not a time")

    # the team fixes each element the feedback named
    type_in(page, ".kit-aim-baseline", "3.9")
    type_in(page, ".kit-aim-target", "2.5")
    type_in(page, ".kit-aim-where", "St Anne's Medical Unit")
    page.fill(".kit-aim-by-when input", TARGET_DATE.isoformat())
    text_in(page, ".kit-aim-summary", "This aim says what, how much, by when, for whom and where.")
    text_in(page, ".kit-aim-stretch", "a stretch")
    sentence = page.inner_text(".kit-aim-sentence")
    assert "Reduce falls with harm from 3.9 to 2.5" in sentence
    assert "[" not in sentence
    text_in(page, ".kit-save-state", "Saved")
    check_no_page_errors(page)
    tall_screenshot(page, SCREENSHOT, ".kit-header")

    saved = stored_aim(kit_server, "team-stanne")
    assert (saved.what, saved.baseline, saved.target, saved.by_when) == (
        "falls with harm",
        3.9,
        2.5,
        TARGET_DATE,
    )

    # a new page is a new kernel: everything comes back from the store
    wait_for_kernel_pool(kit_server, NOTEBOOK, 2)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    page.wait_for_selector(".kit-aim-sentence")
    text_in(page, ".kit-aim-summary", "This aim says what, how much, by when")
    assert page.input_value(".kit-aim-target input") == "2.5"
    assert page.input_value(".kit-aim-baseline input") == "3.9"
    assert page.input_value(".kit-aim-by-when input") == TARGET_DATE.isoformat()
    assert page.input_value(".kit-aim-where input") == "St Anne's Medical Unit"
    assert "Reduce falls with harm from 3.9 to 2.5" in page.inner_text(".kit-aim-sentence")
    assert page.locator(".kit-aim-history option").count() >= 2  # the demo aim and ours
    check_no_page_errors(page)


def test_an_edit_typed_just_before_the_tab_closes_is_saved(page, kit_server):
    """The autosave waits 0.8 s for typing to pause; closing the tab sooner used to lose the
    edit. Now the kernel saves pending edits as it shuts down (``kit.ui.widgets.flush_pending``)."""
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="NOR-2026")
    page.wait_for_selector(".kit-aim-where input")
    words = f"Northfield wards A and B ({time.monotonic_ns() % 100000})"
    type_in(page, ".kit-aim-where", words)
    wait_until_pending(page)  # the value has reached the kernel; the autosave has not run
    assert "Saved" not in page.inner_text(".kit-save-state")
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 30
    while stored_aim(kit_server, "team-northfield").where != words:
        assert time.monotonic() < deadline, "the edit typed before the tab closed was lost"
        time.sleep(0.5)


def test_the_aim_page_fits_its_boxes_and_asks_for_nothing_missing(page, kit_server):
    """Issue 10: no request answered 404 (the page used to ask for a missing resource), no
    input cut at the right edge, and a long unbroken word stays inside the aim's box."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.set_viewport_size({"width": 1280, "height": 900})
    wait_for_kernel_pool(kit_server, NOTEBOOK, 1)
    open_app(page, kit_server, NOTEBOOK, join="ANN-2026")
    page.wait_for_selector(".kit-aim-sentence")
    type_in(page, ".kit-aim-where", "Ward" + "7" * 300)
    text_in(page, ".kit-aim-sentence", "Ward777")
    page.wait_for_load_state("networkidle")
    assert failed == []
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.kit-aim-builder input, .kit-aim-builder select')]
            .filter(el => el.offsetParent)
            .filter(el => {
                const box = el.getBoundingClientRect();
                let parent = el.parentElement.closest('.kit-row-divided');
                return box.right > parent.getBoundingClientRect().right + 1;
            }).map(el => el.parentElement.className)"""
    )
    assert clipped == []
    overflow = page.evaluate(
        """() => { const el = document.querySelector('.kit-aim-sentence');
            const panel = el.closest('.kit-panel');
            return [el.scrollWidth, panel.clientWidth]; }"""
    )
    assert overflow[0] <= overflow[1], overflow
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.kit-app button, .kit-app label')]
            .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
            .map(el => el.innerText)"""
    )
    assert labels == []
    check_no_page_errors(page)


def test_the_landing_and_start_pages_ask_for_nothing_missing(page, kit_server):
    """Issue 10 saw a 404 on every page: every request of these pages is answered."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    icon = "() => !!document.querySelector('link[rel~=icon]')"
    page.goto(kit_server.url, wait_until="networkidle")
    # a page with no icon link makes a (headed) browser ask for /favicon.ico: a 404
    assert page.evaluate(icon), "the landing page declares no icon"
    wait_for_kernel_pool(kit_server, "00-start-here.ipynb", 1)
    open_app(page, kit_server, "00-start-here.ipynb")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(icon), "the start page declares no icon"
    assert failed == []
