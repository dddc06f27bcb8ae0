"""Faculty feedback's panel in the apps it is embedded in, driven from Python on the demo:
faculty comment, the team reads and replies, another team sees nothing, and the dashboard lists
what waits for a reply."""

from __future__ import annotations

import datetime as dt
import html
import re

from kit.qi import FeedbackComment
from kit.steps import aim, change_package, charts, dashboard, report
from kit.store import Actor
from kit.ui.session import Identity, issue_token

COLLAB = "demo-falls"
FACULTY = Identity("facilitator", COLLAB, None, "Dr Faculty")
RIVERSIDE = Identity("participant", COLLAB, "team-riverside", "Rita")
NORTHFIELD = Identity("participant", COLLAB, "team-northfield", "Nils")
HOSTILE = "<img src=x onerror=alert(1)> & <b>bold</b>"


def open_app(module, store, identity: Identity, **params):
    shell = module.app(store=store, params={"session": issue_token(identity), **params})
    assert shell.content is not None and hasattr(shell.content, "comments"), shell.alert.text
    return shell, shell.content


def text_of(value: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


def comments(store, **equals) -> list[FeedbackComment]:
    return [s.record for s in store.find(FeedbackComment, Actor.system(), **equals)]


def send(panel, text: str, thread_id: str | None = None) -> None:
    if thread_id is not None:
        panel.reply_to.value = thread_id
    panel.text.value = text
    panel.send.click()


def test_faculty_comment_on_an_aim_and_the_team_replies(store) -> None:
    _shell, faculty = open_app(aim, store, FACULTY, team="team-riverside")
    panel = faculty.comments
    assert panel.layout.display != "none"
    assert panel.send.description == "Send comment"
    assert panel.reply_to.value == ""  # a new thread
    send(panel, HOSTILE)
    [first] = comments(store)
    assert (first.team_id, first.about, first.target) == ("team-riverside", "aim", "")
    assert (first.author, first.by_faculty, first.text) == ("Dr Faculty", True, HOSTILE)
    # shown escaped: the markup is text on the page, never an element
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel.threads.value
    assert "<img" not in panel.threads.value and "<b>bold" not in panel.threads.value
    assert "Waiting for the team's reply" in text_of(panel.threads.value)
    assert panel.text.value == ""

    shell, team = open_app(aim, store, RIVERSIDE)
    panel = team.comments
    assert HOSTILE in text_of(panel.threads.value)
    assert panel.send.description == "Send reply"
    assert panel.reply_to.value == first.id  # the thread waiting for the team
    send(panel, "We mean wards 3 and 4.")
    reply = next(c for c in comments(store) if not c.by_faculty)
    assert (reply.parent_id, reply.author, reply.team_id) == (first.id, "Rita", "team-riverside")
    assert "We mean wards 3 and 4." in text_of(panel.threads.value)
    assert "Waiting for the team's reply" not in text_of(panel.threads.value)
    assert "Your reply is saved" in shell.alert.text


def test_an_empty_comment_is_refused_in_words_and_nothing_is_saved(store) -> None:
    shell, faculty = open_app(aim, store, FACULTY, team="team-riverside")
    send(faculty.comments, "   ")
    assert "the comment is empty" in text_of(faculty.comments.error.value)
    assert "Not saved" in shell.save_state.value
    assert comments(store) == []


def test_a_team_without_comments_has_nothing_to_reply_to(store) -> None:
    _shell, team = open_app(aim, store, RIVERSIDE)
    panel = team.comments
    assert panel.compose.layout.display == "none"
    assert "No comments on this aim yet" in text_of(panel.note.value)


def test_another_team_sees_none_of_the_thread(store) -> None:
    _shell, faculty = open_app(aim, store, FACULTY, team="team-riverside")
    send(faculty.comments, "Riverside only")
    _shell, other = open_app(aim, store, NORTHFIELD)
    assert other.comments.shown == []
    assert "Riverside only" not in other.comments.threads.value
    assert other.comments.compose.layout.display == "none"


def test_faculty_switching_team_switches_the_thread(store) -> None:
    _shell, faculty = open_app(aim, store, FACULTY, team="team-riverside")
    send(faculty.comments, "For Riverside")
    faculty.team_picker.value = "team-northfield"
    assert faculty.comments.team_id == "team-northfield"
    assert faculty.comments.shown == []
    faculty.team_picker.value = "team-riverside"
    assert "For Riverside" in text_of(faculty.comments.threads.value)


def test_chart_comments_follow_the_shown_measure(store) -> None:
    _shell, faculty = open_app(charts, store, FACULTY, team="team-riverside")
    assert faculty.measure.value == "m-falls"
    send(faculty.comments, "The April shift: what changed?")
    [first] = comments(store)
    assert (first.about, first.target) == ("chart", "m-falls")
    other = next(v for _l, v in faculty.measure.options if v != "m-falls")
    faculty.measure.value = other
    assert faculty.comments.target == other and faculty.comments.shown == []
    _shell, team = open_app(charts, store, RIVERSIDE)
    assert team.measure.value == "m-falls"
    assert "The April shift" in text_of(team.comments.threads.value)


def test_report_comments_follow_the_shown_period(store) -> None:
    _shell, faculty = open_app(report, store, FACULTY, team="team-riverside")
    period = faculty.model.period
    send(faculty.comments, "Thank you for the barriers section.")
    [first] = comments(store)
    assert (first.about, first.target) == ("report", period.isoformat())
    other = next(p for _l, p in faculty.period_picker.options if p != period)
    faculty.period_picker.value = other
    assert faculty.comments.target == other.isoformat()
    assert faculty.comments.shown == []


def test_the_change_package_has_no_thread_and_a_team_diagram_has_one(store) -> None:
    _shell, faculty = open_app(change_package, store, FACULTY)
    faculty.diagram_picker.value = ""  # the collaborative's change package
    assert faculty.comments.layout.display == "none"
    faculty.diagram_picker.value = "team-northfield"
    assert faculty.comments.layout.display != "none"
    send(faculty.comments, "Two drivers say the same thing.")
    [first] = comments(store)
    assert (first.team_id, first.about) == ("team-northfield", "driver_diagram")


def test_the_dashboard_lists_unanswered_threads_until_the_team_replies(store) -> None:
    _shell, faculty = open_app(aim, store, FACULTY, team="team-riverside")
    send(faculty.comments, "Which wards?")
    shell = dashboard.app(store=store, params={"session": issue_token(FACULTY)})
    board = shell.content
    waiting = text_of(board.unanswered.value)
    assert "Riverside" in waiting and "the aim" in waiting and "Which wards?" in waiting
    assert "waiting just now" in waiting or "waiting 1 minute" in waiting
    board.show_detail("team-riverside")
    assert "Which wards?" in text_of(board.detail_feedback.value)

    _shell, team = open_app(aim, store, RIVERSIDE)
    send(team.comments, "Wards 3 and 4.")
    board.refresh()  # the Poller's tick
    assert "Every faculty comment has a reply" in text_of(board.unanswered.value)
    assert "Wards 3 and 4." in text_of(board.detail_feedback.value)


def test_the_unanswered_list_says_how_long_a_thread_has_waited(store) -> None:
    old = FeedbackComment(
        team_id="team-harbour", about="chart", target="m-falls", author="Dr Faculty",
        by_faculty=True, text="Is the October point a special cause?",
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3, hours=2),
    )  # fmt: skip
    store.save(old, Actor.system(), expected_version=None)
    shell = dashboard.app(store=store, params={"session": issue_token(FACULTY)})
    waiting = text_of(shell.content.unanswered.value)
    assert "Harbour View" in waiting
    assert "the chart of" in waiting and "waiting 3 days" in waiting
