"""Faculty feedback: comments on a team's aim, driver diagram, a measure's chart or a report.

In a Breakthrough Series the faculty read each team's work between learning sessions and
answer it; the team answers back (IHI, *The Breakthrough Series*, 2003: monthly reports go to
the faculty, who give feedback). A ``FeedbackComment`` is one message of such an exchange:
the team, what it is about (``about`` and ``target``: the measure's id for a chart, the
report's period for a report), who wrote it and whether they are faculty, the text, when, and
for a reply the thread's first comment (``parent_id``).

The rules live here and in the store's access checks (``kit/store/access.py``): only faculty
start a thread on a team's work; the team's members and faculty reply; another team's
participant can neither read nor write it (the record belongs to its team). A thread is
*unanswered* while a faculty comment in it has no reply from the team after it; the dashboard
(``kit/steps/dashboard/``) lists those threads.

The text is kept as typed (only the ends are trimmed); every place that shows it escapes it.
``FeedbackBook`` reads and writes comments through the store it is given (any object with the
store's ``find`` and ``save``): no database library is imported here.

The record is registered with ``RECORD_TYPES`` here (``kit/qi/records.py`` is near the module
size limit), as ``kit/qi/agenda.py`` does; ``kit/qi/__init__.py`` imports this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from kit.errors import KitInputError
from kit.qi.records import RECORD_TYPES, Name, Record
from kit.qi.validation import check

About = Literal["aim", "driver_diagram", "chart", "report"]
#: what a comment is about, in words ("a comment on the aim")
ABOUT_LABELS: dict[str, str] = {
    "aim": "aim",
    "driver_diagram": "driver diagram",
    "chart": "chart",
    "report": "monthly report",
}
#: the longest comment: a few paragraphs, not a report of its own
MAX_COMMENT_CHARACTERS = 2000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedbackComment(Record):
    """One message in a thread of faculty feedback on a team's work."""

    kind: ClassVar[str] = "feedback_comment"
    team_id: str = Field(title="Team")
    about: About = Field(title="About")
    #: the measure's id for a chart, the period (ISO date) for a report, empty for the aim and
    #: the driver diagram (a team has one of each)
    target: str = Field(default="", max_length=64, title="Which one")
    author: Name = Field(title="Author")
    by_faculty: bool = Field(title="Written by faculty")
    text: str = Field(title="Comment")
    created_at: dt.datetime = Field(default_factory=_now, title="Written at")
    #: the thread's first comment, for a reply; None for a comment that starts a thread
    parent_id: str | None = Field(default=None, max_length=64, title="Reply to")

    @field_validator("text")
    @classmethod
    def _text_fits(cls, value: str) -> str:
        if not value:
            raise ValueError("Write something before sending: the comment is empty.")
        if len(value) > MAX_COMMENT_CHARACTERS:
            raise ValueError(
                f"A comment can be at most {MAX_COMMENT_CHARACTERS:,} characters; this one has "
                f"{len(value):,}. Shorten it or split it in two."
            )
        return value

    @model_validator(mode="after")
    def _target_fits(self) -> FeedbackComment:
        if self.about in ("aim", "driver_diagram") and self.target:
            raise ValueError(
                f"A comment on the {ABOUT_LABELS[self.about]} names no measure or period."
            )
        if self.about == "chart" and not self.target:
            raise ValueError("A comment on a chart must name the chart's measure.")
        if self.about == "report":
            try:
                dt.date.fromisoformat(self.target)
            except ValueError:
                raise ValueError(
                    "A comment on a report must name the report's period as a date like 2026-03-01."
                ) from None
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValueError("A comment cannot reply to itself.")
        return self

    @property
    def thread_id(self) -> str:
        return self.parent_id or self.id


RECORD_TYPES.setdefault(FeedbackComment.kind, FeedbackComment)


def write_refusal(role: str, comment: Any) -> str | None:
    """Why a person in ``role`` may not save ``comment`` (None: they may).

    The store calls this for participants (``kit/store/access.py``): they write only replies,
    and only as the team. Faculty may write anything in their collaborative.
    """
    if role != "participant":
        return None
    if getattr(comment, "by_faculty", False):
        return (
            "Only faculty can write or change a faculty comment; your reply is saved as "
            "your team's."
        )
    if not getattr(comment, "parent_id", None):
        return (
            "Only faculty start a thread on a team's work; reply to one of their comments instead."
        )
    return None


# --- threads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """A faculty comment and the replies to it, oldest first."""

    comments: tuple[FeedbackComment, ...]

    @property
    def first(self) -> FeedbackComment:
        return self.comments[0]

    @property
    def id(self) -> str:
        return self.first.id

    @property
    def team_id(self) -> str:
        return self.first.team_id

    @property
    def about(self) -> str:
        return self.first.about

    @property
    def target(self) -> str:
        return self.first.target

    @property
    def waiting_since(self) -> dt.datetime | None:
        """When the oldest faculty comment the team has not yet answered was written.

        None when the team has replied after every faculty comment: the thread is answered.
        """
        last_team = max((c.created_at for c in self.comments if not c.by_faculty), default=None)
        waiting = [
            c.created_at
            for c in self.comments
            if c.by_faculty and (last_team is None or c.created_at > last_team)
        ]
        return min(waiting) if waiting else None

    @property
    def unanswered(self) -> bool:
        return self.waiting_since is not None


def _order(comment: FeedbackComment) -> tuple[dt.datetime, str]:
    return (comment.created_at, comment.id)


def threads(comments: Iterable[FeedbackComment]) -> list[Thread]:
    """The comments as threads, oldest thread first; a reply whose first comment is missing
    (deleted) starts a thread of its own, so nothing a team wrote disappears."""
    by_thread: dict[str, list[FeedbackComment]] = {}
    items = list(comments)
    known = {c.id for c in items}
    for comment in sorted(items, key=_order):
        key = comment.thread_id if comment.thread_id in known else comment.id
        by_thread.setdefault(key, []).append(comment)
    found = []
    for key, members in by_thread.items():
        first = next((c for c in members if c.id == key), members[0])
        rest = [c for c in members if c is not first]
        found.append(Thread((first, *rest)))
    return sorted(found, key=lambda t: _order(t.first))


@dataclass(frozen=True)
class Unanswered:
    """A thread waiting for the team's reply, for the dashboard's list."""

    thread: Thread
    waiting_since: dt.datetime

    def age(self, now: dt.datetime) -> dt.timedelta:
        return now - self.waiting_since


def unanswered(comments: Iterable[FeedbackComment]) -> list[Unanswered]:
    """Threads where a faculty comment has no reply from the team after it, oldest wait first."""
    found = [
        Unanswered(thread, since)
        for thread in threads(comments)
        if (since := thread.waiting_since) is not None
    ]
    return sorted(found, key=lambda u: (u.waiting_since, u.thread.id))


def age_words(age: dt.timedelta) -> str:
    """How long a comment has waited, as a facilitator says it: "3 days", "5 hours"."""
    seconds = max(0, int(age.total_seconds()))
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "just now"


def what_words(about: str, target: str, measure_names: dict[str, str] | None = None) -> str:
    """What a thread is about, in words: "the aim", "the chart of Falls", "the March 2026 report"."""
    if about == "chart":
        name = (measure_names or {}).get(target, target)
        return f"the chart of {name}"
    if about == "report":
        try:
            return f"the {dt.date.fromisoformat(target):%B %Y} report"
        except ValueError:
            return "a report"
    return f"the {ABOUT_LABELS.get(about, about)}"


# --- reading and writing through the store -------------------------------------------------


class FeedbackBook:
    """A person's view of the comments: read threads, start one (faculty) or reply.

    ``store`` is a ``kit.store.Store`` and ``actor`` its ``Actor``; the store checks every
    read and write (a participant sees only their own team's threads).
    """

    def __init__(self, store: Any, actor: Any) -> None:
        self.store = store
        self.actor = actor

    @property
    def is_faculty(self) -> bool:
        return bool(self.actor.role in ("facilitator", "system"))

    def author(self) -> str:
        """The name shown beside a comment: the person's name, else their role."""
        if self.actor.name:
            return str(self.actor.name)[:200]
        return "Faculty" if self.is_faculty else "The team"

    def comments(
        self, team_id: str | None = None, about: str | None = None, target: str | None = None
    ) -> list[FeedbackComment]:
        filters: dict[str, Any] = {}
        if about is not None:
            filters["about"] = about
        if target is not None:
            filters["target"] = target
        kwargs: dict[str, Any] = {"team_id": team_id} if team_id is not None else {}
        found = self.store.find(FeedbackComment, self.actor, **kwargs, **filters)
        return [s.record for s in found]

    def threads(self, team_id: str, about: str, target: str = "") -> list[Thread]:
        return threads(self.comments(team_id, about, target))

    def unanswered(self) -> list[Unanswered]:
        """Every thread in the collaborative waiting for its team (faculty see all teams)."""
        return unanswered(self.comments())

    def start(self, team_id: str, about: str, target: str, text: str) -> FeedbackComment:
        """A faculty comment that starts a thread on the team's work."""
        if not self.is_faculty:
            raise KitInputError(
                "Only faculty start a thread on a team's work; reply to one of their comments."
            )
        return self._save(team_id, about, target, text, None)

    def reply(self, thread: Thread | FeedbackComment, text: str) -> FeedbackComment:
        """A reply in the thread (by the team, or by faculty answering the team)."""
        first = thread.first if isinstance(thread, Thread) else thread
        return self._save(first.team_id, first.about, first.target, text, first.thread_id)

    def _save(
        self, team_id: str, about: str, target: str, text: str, parent_id: str | None
    ) -> FeedbackComment:
        comment = check(
            FeedbackComment,
            {
                "team_id": team_id,
                "about": about,
                "target": target,
                "author": self.author(),
                "by_faculty": self.is_faculty,
                "text": text,
                "parent_id": parent_id,
            },
        )
        return self.store.save(comment, self.actor, expected_version=None).record
