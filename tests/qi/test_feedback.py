"""Faculty feedback's rules, without a store: what a comment must say, who may write which,
how comments form threads, and when a thread is waiting for the team's reply."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError
from kit.qi import RECORD_TYPES, check
from kit.qi.feedback import (
    MAX_COMMENT_CHARACTERS,
    FeedbackComment,
    age_words,
    threads,
    unanswered,
    what_words,
    write_refusal,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def comment(minutes: int, *, faculty: bool, parent: FeedbackComment | None = None, **more):
    fields = {
        "team_id": "north",
        "about": "aim",
        "author": "Fay" if faculty else "Ana",
        "by_faculty": faculty,
        "text": "A comment",
        "created_at": T0 + dt.timedelta(minutes=minutes),
        "parent_id": parent.id if parent else None,
    }
    return FeedbackComment(**(fields | more))


def test_the_record_is_registered_with_the_store_kinds() -> None:
    assert RECORD_TYPES["feedback_comment"] is FeedbackComment


def test_text_is_kept_as_typed_markup_included() -> None:
    typed = "<script>alert(1)</script>\n& line two"
    assert comment(0, faculty=True, text=typed).text == typed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the comment is empty"),
        ("   \n ", "the comment is empty"),
        ("x" * (MAX_COMMENT_CHARACTERS + 1), "at most 2,000 characters; this one has 2,001"),
    ],
)
def test_an_empty_or_too_long_comment_is_refused_in_words(text: str, message: str) -> None:
    data = comment(0, faculty=True).model_dump() | {"text": text}
    with pytest.raises(KitInputError, match=message):
        check(FeedbackComment, data)


def test_a_comment_of_the_longest_length_is_accepted() -> None:
    assert len(comment(0, faculty=True, text="x" * MAX_COMMENT_CHARACTERS).text) == 2000


@pytest.mark.parametrize(
    ("about", "target", "message"),
    [
        ("aim", "m-falls", "names no measure or period"),
        ("chart", "", "must name the chart's measure"),
        ("report", "March", "period as a date"),
        ("storyboard", "", "must be one of"),
    ],
)
def test_what_a_comment_is_about_must_fit_its_target(about, target, message) -> None:
    data = comment(0, faculty=True).model_dump() | {"about": about, "target": target}
    with pytest.raises(KitInputError, match=message):
        check(FeedbackComment, data)


def test_chart_and_report_comments_name_their_measure_and_period() -> None:
    assert comment(0, faculty=True, about="chart", target="m-falls").target == "m-falls"
    assert comment(0, faculty=True, about="report", target="2026-03-01").target == "2026-03-01"


def test_a_comment_cannot_reply_to_itself() -> None:
    data = comment(0, faculty=True).model_dump()
    with pytest.raises(KitInputError, match="reply to itself"):
        check(FeedbackComment, data | {"parent_id": data["id"]})


def test_only_faculty_start_threads_and_teams_write_only_as_the_team() -> None:
    first = comment(0, faculty=True)
    reply = comment(5, faculty=False, parent=first)
    assert write_refusal("participant", reply) is None
    assert "Only faculty start a thread" in str(
        write_refusal("participant", comment(0, faculty=False))
    )
    assert "Only faculty can write" in str(
        write_refusal("participant", comment(5, faculty=True, parent=first))
    )
    for role in ("facilitator", "system"):
        assert write_refusal(role, first) is None


def test_comments_group_into_threads_in_time_order() -> None:
    first = comment(0, faculty=True)
    second = comment(10, faculty=True, about="chart", target="m-falls")
    reply = comment(20, faculty=False, parent=first)
    answer = comment(30, faculty=True, parent=first)
    found = threads([answer, second, reply, first])
    assert [[c.id for c in t.comments] for t in found] == [
        [first.id, reply.id, answer.id],
        [second.id],
    ]
    assert found[0].about == "aim" and found[1].target == "m-falls"


def test_a_reply_whose_first_comment_is_gone_is_kept_as_a_thread() -> None:
    first = comment(0, faculty=True)
    reply = comment(5, faculty=False, parent=first)
    [alone] = threads([reply])
    assert alone.comments == (reply,)


def test_a_faculty_comment_is_unanswered_until_the_team_replies_after_it() -> None:
    first = comment(0, faculty=True)
    assert [u.thread.id for u in unanswered([first])] == [first.id]
    assert unanswered([first])[0].waiting_since == first.created_at
    reply = comment(5, faculty=False, parent=first)
    assert unanswered([first, reply]) == []
    # faculty answer the reply: the thread waits for the team again, since that answer
    again = comment(9, faculty=True, parent=first)
    [waiting] = unanswered([first, reply, again])
    assert waiting.waiting_since == again.created_at
    assert waiting.age(T0 + dt.timedelta(days=2)) == dt.timedelta(days=2) - dt.timedelta(minutes=9)


def test_a_faculty_reply_alone_does_not_answer_a_thread() -> None:
    first = comment(0, faculty=True)
    more = comment(3, faculty=True, parent=first)
    [waiting] = unanswered([first, more])
    assert waiting.waiting_since == first.created_at  # waiting since the first, unanswered


def test_unanswered_threads_are_listed_longest_waiting_first() -> None:
    late = comment(60, faculty=True, team_id="south")
    early = comment(0, faculty=True)
    answered = comment(30, faculty=True, about="driver_diagram")
    reply = comment(31, faculty=False, parent=answered)
    assert [u.thread.id for u in unanswered([late, reply, answered, early])] == [
        early.id,
        late.id,
    ]


def test_ages_and_targets_in_words() -> None:
    assert age_words(dt.timedelta(seconds=20)) == "just now"
    assert age_words(dt.timedelta(minutes=1)) == "1 minute"
    assert age_words(dt.timedelta(hours=5, minutes=3)) == "5 hours"
    assert age_words(dt.timedelta(days=3, hours=23)) == "3 days"
    assert what_words("aim", "") == "the aim"
    assert what_words("driver_diagram", "") == "the driver diagram"
    assert what_words("chart", "m1", {"m1": "Falls"}) == "the chart of Falls"
    assert what_words("report", "2026-03-01") == "the March 2026 report"
