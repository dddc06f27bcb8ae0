"""Faculty feedback in Chromium against a real ``bts-kit serve``: the facilitator comments on a
team's aim in one browser context; a participant of that team, in a context of their own (their
own cookies), finds the comment on the aim page and replies; the facilitator's dashboard lists
the thread as unanswered and drops it after the reply, without a reload (its refresh timer).

Every wait is on what the page or the database shows, never on a pause."""

from __future__ import annotations

import pytest

from .conftest import FACILITATOR_PASSCODE, check_no_page_errors, open_app, wait_for_kernel_pool
from .waits import text_in, wait_for_database

pytestmark = pytest.mark.browser

AIM = "02-aim.ipynb"
DASHBOARD = "08-dashboard.ipynb"
TEAM, TEAM_NAME, JOIN = "team-kingsway", "Kingsway", "KIN-2026"
#: two apps, two kernels each: the second page of a notebook may start a cold kernel
PAGE_TIMEOUT_MS = 150_000
COMMENT = "Which <b>wards</b> does 'the hospital' mean? Name them & we can compare."
REPLY = "Wards 5 and 6; we will say so in the aim."


def stored_comments(server):
    from kit.qi import FeedbackComment
    from kit.store import Actor, Store

    with Store.open(server.database_url) as store:
        return [s.record for s in store.find(FeedbackComment, Actor.system(), team_id=TEAM)]


def test_faculty_comment_the_team_replies_and_the_dashboard_follows(people, kit_server):
    faculty = people(timeout_ms=PAGE_TIMEOUT_MS)
    team = people(timeout_ms=PAGE_TIMEOUT_MS)

    # the facilitator comments on Kingsway's aim
    wait_for_kernel_pool(kit_server, AIM, 1)
    open_app(faculty, kit_server, AIM, join=FACILITATOR_PASSCODE, team=TEAM)
    box = ".kit-comments-aim .kit-comments-text textarea"
    faculty.wait_for_selector(box)
    faculty.fill(box, COMMENT)
    faculty.click(".kit-comments-aim .kit-comments-send")
    text_in(faculty, ".kit-comments-aim .kit-comments-threads", COMMENT)
    text_in(faculty, ".kit-comments-aim .kit-comments-threads", "Waiting for the team's reply")
    # the markup typed is shown as text, never made an element
    assert faculty.locator(".kit-comments-threads b", has_text="wards").count() == 0
    [first] = wait_for_database(lambda: stored_comments(kit_server), lambda c: len(c) == 1)
    assert (first.text, first.by_faculty, first.about) == (COMMENT, True, "aim")
    check_no_page_errors(faculty)

    # the dashboard lists the thread as waiting for Kingsway
    wait_for_kernel_pool(kit_server, DASHBOARD, 1)
    open_app(faculty, kit_server, DASHBOARD, join=FACILITATOR_PASSCODE)
    text_in(faculty, ".kit-dashboard-unanswered", f"{TEAM_NAME}")
    text_in(faculty, ".kit-dashboard-unanswered", "the aim, waiting")
    faculty.evaluate("window.kitNotReloaded = true")

    # the participant, in a browser of their own, finds the comment on the aim and replies
    wait_for_kernel_pool(kit_server, AIM, 2)
    open_app(team, kit_server, AIM, join=JOIN)
    text_in(team, ".kit-comments-aim .kit-comments-threads", COMMENT)
    team.fill(box, REPLY)
    team.click(".kit-comments-aim .kit-comments-send")
    text_in(team, ".kit-comments-aim .kit-comments-threads", REPLY)
    text_in(
        team,
        ".kit-comments-aim .kit-comments-threads",
        "Waiting for the team's reply",
        present=False,
    )
    replies = wait_for_database(
        lambda: [c for c in stored_comments(kit_server) if not c.by_faculty], bool
    )
    assert (replies[0].text, replies[0].parent_id) == (REPLY, first.id)
    check_no_page_errors(team)

    # the dashboard drops the thread at its next refresh, without a reload
    text_in(faculty, ".kit-dashboard-unanswered", "Every faculty comment has a reply")
    assert faculty.evaluate("window.kitNotReloaded === true")
    check_no_page_errors(faculty)
