"""A facilitator sets up the collaborative (charter, timeline, a team with its three BTS roles),
runs a topic vote with a team member, sees the ranking, reloads and finds it all there.
Chromium against a real ``bts-kit serve``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kit import demo

from .conftest import (
    FACILITATOR_PASSCODE,
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    sign_in,
)
from .waits import wait_until_settled

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("01-setup-and-topic.png")
NOTEBOOK = "01-setup-and-topic.ipynb"
#: how long the app must stay in place after signing in before the test types into it
SETTLE_MS = 12_000
TOPIC = "Preventing falls with harm on adult wards, second wave"
CRITERIA = ("gap", "better_performers", "buildable", "shared_problem", "belief")
NEW_TEAM = "Hilltop Hospital, Ward 3"
MEMBERS = [
    ("Sam Lee", "Senior leader (system leadership)"),
    ("Ade Obi", "Technical expert"),
    ("Kim Day", "Day-to-day leader"),
]


def wait_for_text(page, css: str, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([css, text]) => { const el = document.querySelector('.' + css);"
        " return el && el.innerText.includes(text); }",
        arg=[css, text],
        timeout=timeout,
    )


def wait_for_value(page, selector: str, value: str, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "([selector, value]) => { const el = document.querySelector(selector);"
        " return el && el.value === value; }",
        arg=[selector, value],
        timeout=timeout,
    )


def sign_in_as_facilitator(page) -> None:
    """Sign in with the passcode and wait until the app is built for good.

    Typing the code and clicking the button can both sign in (leaving the field sends the
    code, then the click arrives), and the second sign-in builds the app again; typing into
    the first build's widgets would be lost. So wait until the app stops being replaced.
    """
    sign_in(page, FACILITATOR_PASSCODE)
    page.wait_for_selector(".kit-setup-charter")
    while True:
        app = page.query_selector(".kit-setup")
        try:
            page.wait_for_function("el => !el.isConnected", arg=app, timeout=SETTLE_MS)
        except PlaywrightTimeout:
            return  # not replaced for a while: this build is the one to use
        page.wait_for_selector(".kit-setup-charter")


def score_topic(page, topic: str, scores: dict[str, int]) -> None:
    row = page.locator(".kit-setup-ballot-row", has_text=topic)
    for key, score in scores.items():
        label = {1: "1 weak", 5: "5 strong"}.get(score, str(score))
        row.locator(f".kit-setup-score-{key} select").select_option(label=label)
        wait_for_text(page, "kit-save-state", "Saved")


def wait_for_score(page, topic: str, key: str, shown: str) -> None:
    """Wait until the ballot shows ``shown`` for ``topic`` on criterion ``key``."""
    script = (
        "([topic, key]) => { const row = [...document.querySelectorAll('.kit-setup-ballot-row')]"
        ".find(r => r.innerText.includes(topic));"
        " const el = row && row.querySelector('.kit-setup-score-' + key + ' select');"
        " return el && el.selectedOptions[0]"
        " ? el.selectedOptions[0].text.replace(/\\u00a0/g, ' ') : null; }"
    )
    try:
        page.wait_for_function(
            f"([topic, key, shown]) => ({script})([topic, key]) === shown",
            arg=[topic, key, shown],
            timeout=30_000,
        )
    except PlaywrightTimeout:
        now = page.evaluate(script, [topic, key])
        voter = page.input_value(".kit-setup-voter input")
        raise AssertionError(
            f"{topic} / {key} shows {now!r}, not {shown!r} (voter field: {voter!r}; "
            f"save state: {page.inner_text('.kit-save-state')!r})"
        ) from None


def stored(server):
    from kit.qi import Collaborative, Team, TopicBallot
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        actor = Actor.system()
        collab = store.find(Collaborative, actor)[0].record
        teams = [s.record for s in store.find(Team, actor, collaborative_id=collab.id)]
        ballots = [s.record for s in store.find(TopicBallot, actor, collaborative_id=collab.id)]
    return collab, teams, ballots


def take_screenshot(page, path: Path) -> None:
    """The ballot, the ranking with its advice and the spread of ratings, from a tall window."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.set_viewport_size({"width": 1280, "height": 5200})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    top = page.locator(".kit-setup-ballot-section").bounding_box()
    bottom = page.locator(".kit-setup-results").bounding_box()
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(path),
        clip={
            "x": 0,
            "y": max(0, top["y"] + 4),
            "width": 1280,
            "height": bottom["y"] + bottom["height"] - top["y"] + 6,
        },
    )
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.xfail(
    strict=False,
    reason="issue 10: one ballot per sign-in and sign-ins that stick across reloads changed the "
    "path this walkthrough takes (its voters share one browser); it needs rewriting with one "
    "browser context per voter",
)
def test_a_facilitator_sets_up_a_collaborative_and_runs_a_topic_vote(
    page, kit_server, browser_context
):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_app(page, kit_server, NOTEBOOK)
    sign_in_as_facilitator(page)
    assert "Facilitator" in header_text(page)

    # the charter and the timeline
    page.fill(".kit-setup-topic input", TOPIC)
    wait_for_text(page, "kit-save-state", "Saved")
    page.fill(".kit-setup-end-learning_session-1 input", "2026-01-30")  # before its start
    wait_for_text(page, "kit-setup-timeline-error", "ends (2026-01-30) before it starts")
    wait_for_text(page, "kit-save-state", "Not saved")
    page.fill(".kit-setup-end-learning_session-1 input", "2026-02-05")
    page.wait_for_function(
        "() => !document.querySelector('.kit-setup-timeline-error').innerText.trim()"
    )
    wait_for_text(page, "kit-save-state", "Saved")
    assert page.locator(".kit-setup-timeline-chart canvas").count() >= 1

    # enrolment: a third-plus team, with the three BTS roles filled one by one
    page.fill(".kit-setup-team-new-name input", NEW_TEAM)
    page.fill(".kit-setup-team-new-org input", "Hilltop Hospital")
    page.click(".kit-setup-team-add")
    wait_for_text(page, "kit-setup-teams", f"{len(demo.JOIN_CODES) + 1} teams enrolled")
    wait_for_text(page, "kit-setup-team-warning", "has no members yet")
    for name, role in MEMBERS:
        page.fill(".kit-setup-member-new-name input", name)
        page.locator(".kit-setup-member-new-role select").select_option(label=role)
        page.click(".kit-setup-member-add")
        wait_for_value(page, ".kit-setup-member-new-name input", "")
    page.wait_for_function(
        "() => !document.querySelector('.kit-setup-team-warning').innerText.includes('has no')"
    )
    team_row = page.locator(".kit-setup-team-row", has_text=NEW_TEAM)
    assert "all three roles" in team_row.inner_text()
    assert (
        "missing: day-to-day leader"
        in page.locator(".kit-setup-team-row", has_text="St Anne's").inner_text()
    )
    code = team_row.locator(".kit-join-code").inner_text().strip()
    assert len(code) == 7 and code[3] == "-"

    # the vote: a new candidate topic, the facilitator's own ballot
    page.fill(".kit-setup-candidate-new input", "Hand hygiene")
    page.click(".kit-setup-candidate-add")
    page.wait_for_selector(".kit-setup-ballot-row:has-text('Hand hygiene')")
    page.fill(".kit-setup-voter input", "Dr Amina Patel")
    wait_until_settled(page)  # the name is read when typing pauses
    score_topic(page, "Hand hygiene", dict.fromkeys(CRITERIA, 5))
    score_topic(page, "Delirium prevention", {"belief": 1})
    wait_for_text(page, "kit-setup-ranking", "8 ballots cast")
    check_no_page_errors(page)

    # a member of the new team joins with the code and votes on their own ballot
    voter = browser_context.new_page()
    try:
        voter.set_viewport_size({"width": 1280, "height": 900})
        open_app(voter, kit_server, NOTEBOOK, join=code)
        assert NEW_TEAM in header_text(voter)
        voter.wait_for_selector(".kit-setup-ballot-row")
        assert voter.locator(".kit-setup-charter").count() == 0  # participants only vote
        voter.fill(".kit-setup-voter input", "Kim Day")
        wait_until_settled(voter)
        score_topic(voter, "Hand hygiene", {"gap": 5, "buildable": 4, "belief": 4})
        wait_for_text(voter, "kit-setup-ranking", "9 ballots cast")
        check_no_page_errors(voter)
    finally:
        voter.close(run_before_unload=True)

    # the ranking: refresh to see the team's ballot, Hand hygiene first and ready
    page.click(".kit-setup-results-refresh")
    wait_for_text(page, "kit-setup-ranking", "9 ballots cast")
    first = page.locator(".kit-setup-rank-row").first
    assert "Hand hygiene" in first.inner_text()
    assert "Ready for a collaborative" in first.inner_text()
    delirium = page.locator(".kit-setup-rank-row", has_text="Delirium prevention")
    assert "Develop and test changes first" in delirium.inner_text()
    take_screenshot(page, SCREENSHOT)

    collab, teams, ballots = stored(kit_server)
    assert collab.topic == TOPIC
    assert len(teams) == len(demo.JOIN_CODES) + 1
    hilltop = next(t for t in teams if t.name == NEW_TEAM)
    assert hilltop.missing_roles() == []
    assert {b.voter for b in ballots} >= {"Dr Amina Patel", "Kim Day"}
    kim = next(b for b in ballots if b.voter == "Kim Day")
    assert kim.team_id == hilltop.id

    # a reload is a new kernel: everything comes back from the store
    # the sign-in sticks across reloads (a cookie) and the last voter signed in on this page:
    # forget it, so the facilitator signs in again on the new kernel
    page.context.clear_cookies()
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector(".kit-app .kit-header .kit-who")
    if page.locator(".kit-signin-code").count():
        sign_in_as_facilitator(page)
    page.wait_for_selector(".kit-setup-charter")
    wait_for_value(page, ".kit-setup-topic input", TOPIC)
    assert page.input_value(".kit-setup-end-learning_session-1 input") == "2026-02-05"
    wait_for_text(page, "kit-setup-teams", f"{len(demo.JOIN_CODES) + 1} teams enrolled")
    assert "all three roles" in page.locator(".kit-setup-team-row", has_text=NEW_TEAM).inner_text()
    wait_for_text(page, "kit-setup-ranking", "9 ballots cast")
    assert "Hand hygiene" in page.locator(".kit-setup-rank-row").first.inner_text()
    page.fill(".kit-setup-voter input", "dr amina patel")
    wait_for_score(page, "Hand hygiene", "belief", "5 strong")
    wait_for_score(page, "Hand hygiene", "gap", "5 strong")
    check_no_page_errors(page)
