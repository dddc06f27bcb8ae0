"""A facilitator sets up the collaborative (charter, timeline, a team with its three BTS roles)
and runs a topic vote; two members of the new team vote, each in a browser of their own (one
ballot per sign-in, the sign-in kept in a cookie, issue 10). The facilitator sees every ballot
with who cast it, deletes one, reloads and finds it all there, still signed in.
Chromium against a real ``bts-kit serve``; the demo is loaded with its shipped dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import demo

from .conftest import (
    FACILITATOR_PASSCODE,
    check_no_page_errors,
    header_text,
    open_app,
    screenshot_path,
    sign_in,
)
from .waits import text_in, wait_for_database, wait_for_value

pytestmark = pytest.mark.browser

SCREENSHOT = screenshot_path("01-setup-and-topic.png")
NOTEBOOK = "01-setup-and-topic.ipynb"
#: a cold kernel on a busy two-core machine, several per test
PAGE_TIMEOUT_MS = 150_000
TOPIC = "Preventing falls with harm on adult wards, second wave"
CRITERIA = ("gap", "better_performers", "buildable", "shared_problem", "belief")
NEW_TEAM = "Hilltop Hospital, Ward 3"
MEMBERS = [
    ("Sam Lee", "Senior leader (system leadership)"),
    ("Ade Obi", "Technical expert"),
    ("Kim Day", "Day-to-day leader"),
]
DEMO_BALLOTS = 7  # the faculty's ballots in the demo (kit/demo.py)


def stored(server):
    from kit.qi import Collaborative, Team, TopicBallot, TopicCandidate
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        actor = Actor.system()
        collab = store.find(Collaborative, actor)[0].record
        teams = [s.record for s in store.find(Team, actor, collaborative_id=collab.id)]
        ballots = [s.record for s in store.find(TopicBallot, actor, collaborative_id=collab.id)]
        titles = {
            s.record.id: s.record.title
            for s in store.find(TopicCandidate, actor, collaborative_id=collab.id)
        }
    return collab, teams, ballots, titles


def stored_scores(server, voter: str, topic: str) -> dict[str, int]:
    """The scores ``voter``'s ballot holds for ``topic`` (empty without a ballot)."""
    _collab, _teams, ballots, titles = stored(server)
    for ballot in ballots:
        if ballot.voter == voter:
            for candidate_id, scores in ballot.scores.items():
                if titles.get(candidate_id) == topic:
                    return dict(scores)
    return {}


def score_topic(page, server, voter: str, topic: str, scores: dict[str, int]) -> None:
    """Choose each score, then wait until the database holds all of them."""
    row = page.locator(".kit-setup-ballot-row", has_text=topic)
    for key, score in scores.items():
        label = {1: "1 weak", 5: "5 strong"}.get(score, str(score))
        row.locator(f".kit-setup-score-{key} select").select_option(label=label)
    wait_for_database(
        lambda: stored_scores(server, voter, topic),
        lambda held: all(held.get(k) == v for k, v in scores.items()),
        timeout=PAGE_TIMEOUT_MS / 1000,
    )


def wait_for_score(page, topic: str, key: str, shown: str) -> None:
    """Wait until the ballot on the page shows ``shown`` for ``topic`` on criterion ``key``."""
    page.wait_for_function(
        "([topic, key, shown]) => { const row = [...document.querySelectorAll("
        "'.kit-setup-ballot-row')].find(r => r.innerText.includes(topic));"
        " const el = row && row.querySelector('.kit-setup-score-' + key + ' select');"
        " return !!(el && el.selectedOptions[0]"
        " && el.selectedOptions[0].text.replace(/\\u00a0/g, ' ') === shown); }",
        arg=[topic, key, shown],
        timeout=PAGE_TIMEOUT_MS,
    )


def take_screenshot(page, path: Path) -> None:
    """The ballot, the ranking with its advice and the spread of ratings, from a tall window."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.set_viewport_size({"width": 1280, "height": 5200})
    page.evaluate("window.scrollTo(0, 0)")
    top = page.locator(".kit-setup-ballot-section").bounding_box()
    bottom = page.locator(".kit-setup-ratings-chart").bounding_box()
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


def member_votes(new_person, server, code: str, name: str, scores: dict[str, int]):
    """A member of the new team signs in with the code and their name, and votes."""
    page = new_person(timeout_ms=PAGE_TIMEOUT_MS)
    open_app(page, server, NOTEBOOK)
    sign_in(page, code, name=name)
    assert NEW_TEAM in header_text(page)
    page.wait_for_selector(".kit-setup-ballot-row:has-text('Hand hygiene')")
    assert page.locator(".kit-setup-charter").count() == 0  # participants only vote
    wait_for_value(page, ".kit-setup-voter input", name)  # the ballot is under their name
    assert page.is_disabled(".kit-setup-voter input")
    score_topic(page, server, name, "Hand hygiene", scores)
    check_no_page_errors(page)
    return page


def set_up_charter_timeline_and_team(page) -> str:
    """The facilitator's set-up; returns the new team's join code."""
    page.fill(".kit-setup-topic input", TOPIC)
    text_in(page, ".kit-save-state", "Saved")
    page.fill(".kit-setup-end-learning_session-1 input", "2026-01-30")  # before its start
    text_in(page, ".kit-setup-timeline-error", "ends (2026-01-30) before it starts")
    text_in(page, ".kit-save-state", "Not saved")
    page.fill(".kit-setup-end-learning_session-1 input", "2026-02-05")
    page.wait_for_function(
        "() => !document.querySelector('.kit-setup-timeline-error').innerText.trim()"
    )
    text_in(page, ".kit-save-state", "Saved")
    assert page.locator(".kit-setup-timeline-chart canvas").count() >= 1

    # enrolment: a team more, its three BTS roles filled one by one
    page.fill(".kit-setup-team-new-name input", NEW_TEAM)
    page.fill(".kit-setup-team-new-org input", "Hilltop Hospital")
    page.click(".kit-setup-team-add")
    text_in(page, ".kit-setup-teams", f"{len(demo.JOIN_CODES) + 1} teams enrolled")
    text_in(page, ".kit-setup-team-warning", "has no members yet")
    for name, role in MEMBERS:
        page.fill(".kit-setup-member-new-name input", name)
        page.locator(".kit-setup-member-new-role select").select_option(label=role)
        page.click(".kit-setup-member-add")
        wait_for_value(page, ".kit-setup-member-new-name input", "")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.kit-setup-team-warning')]"
        ".some(el => el.innerText.includes('has no'))"
    )
    team_row = page.locator(".kit-setup-team-row", has_text=NEW_TEAM)
    assert "all three roles" in team_row.inner_text()
    assert (
        "missing: day-to-day leader"
        in page.locator(".kit-setup-team-row", has_text="St Anne's").inner_text()
    )
    code = team_row.locator(".kit-join-code").inner_text().strip()
    assert len(code) == 7 and code[3] == "-"
    return code


def test_a_facilitator_sets_up_a_collaborative_and_runs_a_topic_vote(kit_server, people):
    faculty = people(timeout_ms=PAGE_TIMEOUT_MS)
    open_app(faculty, kit_server, NOTEBOOK, join=FACILITATOR_PASSCODE)
    faculty.wait_for_selector(".kit-setup-charter")
    assert "Facilitator" in header_text(faculty)
    code = set_up_charter_timeline_and_team(faculty)

    # the vote: a new candidate topic, then the facilitator's own ballot under a typed name
    faculty.fill(".kit-setup-candidate-new input", "Hand hygiene")
    faculty.click(".kit-setup-candidate-add")
    faculty.wait_for_selector(".kit-setup-ballot-row:has-text('Hand hygiene')")
    faculty.fill(".kit-setup-voter input", "Dr Amina Patel")
    score_topic(faculty, kit_server, "Dr Amina Patel", "Hand hygiene", dict.fromkeys(CRITERIA, 5))
    score_topic(faculty, kit_server, "Dr Amina Patel", "Delirium prevention", {"belief": 1})
    text_in(faculty, ".kit-setup-ranking", f"{DEMO_BALLOTS + 1} ballots cast")
    assert faculty.is_disabled(".kit-setup-voter input")  # the first score fixed the name
    check_no_page_errors(faculty)

    # two members of the new team, each in a browser of their own, each with their own ballot
    kim = member_votes(people, kit_server, code, "Kim Day", {"gap": 5, "buildable": 4, "belief": 4})
    member_votes(people, kit_server, code, "Ade Obi", {"gap": 4, "belief": 5})
    # Kim's sign-in sticks: a reload shows her own ballot again, not a new one
    kim.reload(wait_until="domcontentloaded")
    kim.wait_for_selector(".kit-app .kit-header .kit-who")
    assert NEW_TEAM in header_text(kim)
    wait_for_value(kim, ".kit-setup-voter input", "Kim Day")
    wait_for_score(kim, "Hand hygiene", "buildable", "4")
    text_in(kim, ".kit-setup-ranking", f"{DEMO_BALLOTS + 3} ballots cast")
    check_no_page_errors(kim)

    # the facilitator's results: the team's ballots, listed with who cast them
    faculty.click(".kit-setup-results-refresh")
    text_in(faculty, ".kit-setup-ranking", f"{DEMO_BALLOTS + 3} ballots cast")
    first = faculty.locator(".kit-setup-rank-row").first
    assert "Hand hygiene" in first.inner_text()
    assert "Ready for a collaborative" in first.inner_text()
    delirium = faculty.locator(".kit-setup-rank-row", has_text="Delirium prevention")
    assert "Develop and test changes first" in delirium.inner_text()
    text_in(faculty, ".kit-setup-ballot-item", f"Kim Day ({NEW_TEAM})")
    listed = faculty.inner_text(".kit-setup-ballot-list")
    assert f"Ade Obi ({NEW_TEAM})" in listed
    assert "Dr Amina Patel (Faculty)" in listed
    assert faculty.locator(".kit-setup-ballot-item").count() == DEMO_BALLOTS + 3

    collab, teams, ballots, _titles = stored(kit_server)
    assert collab.topic == TOPIC
    assert len(teams) == len(demo.JOIN_CODES) + 1
    hilltop = next(t for t in teams if t.name == NEW_TEAM)
    assert hilltop.missing_roles() == []
    assert sorted(b.voter for b in ballots if b.team_id == hilltop.id) == ["Ade Obi", "Kim Day"]

    # deleting one ballot: the first click asks, the second deletes
    ade = faculty.locator(".kit-setup-ballot-item", has_text="Ade Obi")
    ade.locator(".kit-setup-ballot-delete button, button.kit-setup-ballot-delete").click()
    text_in(faculty, ".kit-setup-ballot-item", "Really delete?")
    ade.locator(".kit-setup-ballot-delete button, button.kit-setup-ballot-delete").click()
    text_in(faculty, ".kit-setup-ranking", f"{DEMO_BALLOTS + 2} ballots cast")
    faculty.wait_for_function(
        "() => !document.querySelector('.kit-setup-ballot-list').innerText.includes('Ade Obi')"
    )
    wait_for_database(
        lambda: [b.voter for b in stored(kit_server)[2]],
        lambda voters: "Ade Obi" not in voters and "Kim Day" in voters,
    )
    check_no_page_errors(faculty)
    take_screenshot(faculty, SCREENSHOT)

    # the page again without ?join= (a new kernel): still signed in by the cookie alone,
    # everything back from the store
    faculty.goto(kit_server.render_url(NOTEBOOK), wait_until="domcontentloaded")
    faculty.wait_for_selector(".kit-setup-charter")
    assert "Facilitator" in header_text(faculty)
    wait_for_value(faculty, ".kit-setup-topic input", TOPIC)
    assert faculty.input_value(".kit-setup-end-learning_session-1 input") == "2026-02-05"
    text_in(faculty, ".kit-setup-teams", f"{len(demo.JOIN_CODES) + 1} teams enrolled")
    row = faculty.locator(".kit-setup-team-row", has_text=NEW_TEAM)
    assert "all three roles" in row.inner_text()
    text_in(faculty, ".kit-setup-ranking", f"{DEMO_BALLOTS + 2} ballots cast")
    assert "Hand hygiene" in faculty.locator(".kit-setup-rank-row").first.inner_text()
    # the facilitator's own ballot comes back with the sign-in, its name fixed
    wait_for_value(faculty, ".kit-setup-voter input", "Dr Amina Patel")
    wait_for_score(faculty, "Hand hygiene", "belief", "5 strong")
    wait_for_score(faculty, "Delirium prevention", "belief", "1 weak")
    check_no_page_errors(faculty)
