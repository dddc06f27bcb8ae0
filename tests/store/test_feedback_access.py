"""Faculty feedback in the store, on SQLite and PostgreSQL: faculty start threads on a team's
work, the team replies, and another team can neither read nor write them."""

from __future__ import annotations

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Collaborative, FeedbackComment, Team
from kit.qi.feedback import FeedbackBook
from kit.store import Actor

from .conftest import SYSTEM, World


def start(world: World, team_id: str | None = None, text: str = "Is 'everywhere' a place?"):
    book = FeedbackBook(world.store, world.facilitator)
    return book.start(team_id or world.north.id, "aim", "", text)


def test_faculty_comment_and_the_team_reads_and_replies(world: World) -> None:
    first = start(world, text="<b>Bold</b> & 'quoted'")
    ana = FeedbackBook(world.store, world.north_member)
    [thread] = ana.threads(world.north.id, "aim")
    assert thread.first.text == "<b>Bold</b> & 'quoted'"  # kept as typed; shown escaped
    assert (thread.first.author, thread.first.by_faculty) == ("Fay", True)
    reply = ana.reply(thread, "Ward 3 and 4, we will say so.")
    assert (reply.author, reply.by_faculty, reply.parent_id) == ("Ana", False, first.id)
    [thread] = FeedbackBook(world.store, world.facilitator).threads(world.north.id, "aim")
    assert [c.id for c in thread.comments] == [first.id, reply.id]
    assert not thread.unanswered
    saved = world.store.get(FeedbackComment, reply.id, world.facilitator)
    assert saved.updated_by == "Ana (North Ward)"


def test_another_team_can_neither_read_nor_write_the_thread(world: World) -> None:
    first = start(world)
    store, sol = world.store, world.south_member
    with pytest.raises(PermissionDenied, match="belongs to another team"):
        store.get(FeedbackComment, first.id, sol)
    with pytest.raises(PermissionDenied, match="another team"):
        store.revisions(FeedbackComment, first.id, sol)
    with pytest.raises(PermissionDenied, match="another team"):
        store.find(FeedbackComment, sol, team_id=world.north.id)
    assert store.find(FeedbackComment, sol) == []
    assert FeedbackBook(store, sol).unanswered() == []
    # a reply planted in North's thread, under either team's name
    with pytest.raises(PermissionDenied, match="another team"):
        FeedbackBook(store, sol).reply(first, "planted")
    planted = FeedbackComment(
        team_id=world.south.id, about="aim", author="Sol", by_faculty=False,
        text="planted", parent_id=first.id,
    )  # fmt: skip
    saved = store.save(planted, sol, expected_version=None).record
    # it lands in South's own work, where North and its thread never see it
    assert saved.team_id == world.south.id
    assert [s.record.id for s in store.find(FeedbackComment, world.north_member)] == [first.id]


def test_only_faculty_start_a_thread(world: World) -> None:
    store, ana = world.store, world.north_member
    with pytest.raises(KitInputError, match="Only faculty start a thread"):
        FeedbackBook(store, ana).start(world.north.id, "aim", "", "Our own note")
    as_team = FeedbackComment(
        team_id=world.north.id, about="aim", author="Ana", by_faculty=False, text="Note"
    )
    with pytest.raises(PermissionDenied, match="Only faculty start a thread"):
        store.save(as_team, ana, expected_version=None)
    as_faculty = as_team.model_copy(update={"by_faculty": True})
    with pytest.raises(PermissionDenied, match="Only faculty can write"):
        store.save(as_faculty, ana, expected_version=None)
    assert store.find(FeedbackComment, SYSTEM) == []


def test_the_team_cannot_change_or_delete_a_faculty_comment(world: World) -> None:
    first = start(world)
    store, ana = world.store, world.north_member
    with pytest.raises(PermissionDenied, match="Only faculty can write or change"):
        store.save(first.model_copy(update={"text": "Looks great"}), ana, expected_version=1)
    with pytest.raises(PermissionDenied, match="Only faculty can write or change"):
        store.save(
            first.model_copy(update={"by_faculty": False, "parent_id": "x"}),
            ana,
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        store.delete(FeedbackComment, first.id, ana, expected_version=1)
    assert store.get(FeedbackComment, first.id, SYSTEM).record.text == first.text


def test_unanswered_threads_across_the_collaborative(world: World) -> None:
    north_first = start(world)
    south_first = start(world, world.south.id, "Which unit?")
    faculty = FeedbackBook(world.store, world.facilitator)
    assert {u.thread.id for u in faculty.unanswered()} == {north_first.id, south_first.id}
    FeedbackBook(world.store, world.north_member).reply(north_first, "Ward 3.")
    assert [u.thread.id for u in faculty.unanswered()] == [south_first.id]
    # the team's own view lists only its own threads
    assert FeedbackBook(world.store, world.north_member).unanswered() == []


def test_faculty_of_another_collaborative_cannot_read_the_thread(world: World) -> None:
    first = start(world)
    other = world.store.save(Collaborative(name="Sepsis"), SYSTEM, expected_version=None).record
    world.store.save(Team(collaborative_id=other.id, name="East"), SYSTEM, expected_version=None)
    stranger = Actor.facilitator("Zed", collaborative_id=other.id)
    with pytest.raises(PermissionDenied, match="another collaborative"):
        world.store.get(FeedbackComment, first.id, stranger)
    assert FeedbackBook(world.store, stranger).unanswered() == []


def test_a_bad_comment_is_refused_in_words_before_the_store(world: World) -> None:
    with pytest.raises(KitInputError, match="the comment is empty"):
        start(world, text="   ")
    with pytest.raises(KitInputError, match="must name the chart's measure"):
        FeedbackBook(world.store, world.facilitator).start(world.north.id, "chart", "", "Hm")
