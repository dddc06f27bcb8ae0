"""Faculty feedback beside the work it is about: one panel every app embeds with one call.

    self.comments = CommentsPanel(self, "chart")        # in the view's __init__, placed anywhere
    self.comments.show(team_id, measure_id)              # whenever the shown team or target changes

The panel lists the threads on that piece of the team's work (who wrote each comment, when,
and the text, always escaped), and a box to write: faculty start a thread or answer one, the
team replies. It saves through its host view's ``commit`` (``kit/ui/step.py``), so the save
state, the error line and the failure messages are the step base's own; the rules (who may
start a thread, who may read it) are the model's and the store's (``kit/qi/feedback.py``,
``kit/store/access.py``). A "Check for new comments" button reads the store again: a comment
written in another person's page reaches this kernel only through the store.

``unanswered_html`` and ``team_threads_html`` draw the same threads for the dashboard.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from kit.qi.feedback import (
    ABOUT_LABELS,
    FeedbackBook,
    Thread,
    Unanswered,
    age_words,
    what_words,
)
from kit.ui.widgets import classed, field_error, guarded, set_field_error, wide

if TYPE_CHECKING:
    from kit.ui.step import StepView

#: how much of a comment the "reply to" list and the dashboard quote
SNIPPET = 60


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[: SNIPPET - 1] + "…"


def _when(value: dt.datetime) -> str:
    return f"{value:%d %b %Y %H:%M} UTC"


def comment_html(comment: Any) -> str:
    """One comment: its author (and "faculty"), when, and the text as typed, escaped."""
    role = "faculty" if comment.by_faculty else "team"
    return (
        f"<div class='kit-comment kit-comment-{role}' style='margin:4px 0 4px "
        f"{'0' if comment.by_faculty else '24px'}'>"
        f"<b class='kit-comment-author'>{html.escape(comment.author)}</b> "
        f"<span class='kit-small kit-muted'>({role}) · {_when(comment.created_at)}</span>"
        f"<div class='kit-comment-text' style='white-space:pre-wrap'>"
        f"{html.escape(comment.text)}</div></div>"
    )


def thread_html(thread: Thread, heading: str = "") -> str:
    """A thread, with a note while it waits for the team's reply."""
    waiting = (
        "<div class='kit-small kit-comment-waiting'><i>Waiting for the team's reply.</i></div>"
        if thread.unanswered
        else ""
    )
    head = f"<div class='kit-comment-about'><b>{html.escape(heading)}</b></div>" if heading else ""
    body = "".join(comment_html(c) for c in thread.comments)
    return (
        f"<div class='kit-comment-thread' style='border-left:3px solid #c8d3e0;"
        f"padding:2px 8px;margin:6px 0'>{head}{body}{waiting}</div>"
    )


def team_threads_html(threads: list[Thread], measure_names: dict[str, str]) -> str:
    """Every thread on a team's work, each headed by what it is about (the dashboard's detail)."""
    if not threads:
        return "<p class='kit-muted'>No faculty feedback for this team yet.</p>"
    return "".join(
        thread_html(t, what_words(t.about, t.target, measure_names).capitalize()) for t in threads
    )


def unanswered_html(
    waiting: list[Unanswered],
    team_names: dict[str, str],
    measure_names: dict[str, str],
    now: dt.datetime,
) -> str:
    """The dashboard's list: team, what, how long it has waited, and the comment's start."""
    if not waiting:
        return "<p class='kit-muted'>Every faculty comment has a reply from its team.</p>"
    rows = "".join(
        f"<li class='kit-unanswered kit-unanswered-{html.escape(u.thread.team_id)}'>"
        f"<b>{html.escape(team_names.get(u.thread.team_id, u.thread.team_id))}</b>: "
        f"{html.escape(what_words(u.thread.about, u.thread.target, measure_names))}, "
        f"waiting {age_words(u.age(now))} "
        f"<span class='kit-muted'>(“{html.escape(_snippet(u.thread.first.text))}”, "
        f"{html.escape(u.thread.first.author)})</span></li>"
        for u in waiting
    )
    return f"<ul class='kit-unanswered-list'>{rows}</ul>"


class CommentsPanel(w.VBox):
    """The threads on one piece of a team's work, and the box to comment or reply."""

    def __init__(self, host: StepView, about: str) -> None:
        super().__init__(layout=w.Layout(display="none"))
        if about not in ABOUT_LABELS:
            raise ValueError(f"unknown feedback target {about!r}")
        self.host = host
        self.alert = host.alert  # ``guarded`` shows failures here
        self.about = about
        self.book = FeedbackBook(host.context.store, host.context.actor)
        self.team_id: str | None = None
        self.target = ""
        self.shown: list[Thread] = []
        label = ABOUT_LABELS[about]
        css = f"kit-comments-{about.replace('_', '-')}"
        self.heading = w.HTML(
            f"<h3 class='kit-h-tight'>Faculty feedback on this {html.escape(label)}</h3>"
        )
        self.threads = classed(w.HTML(), "kit-comments-threads")
        self.reply_to = classed(
            w.Dropdown(description="Reply to:", options=[], layout=wide()), "kit-comments-reply-to"
        )
        self.text = classed(
            w.Textarea(
                placeholder=(
                    f"Your comment on the team's {label}"
                    if self.book.is_faculty
                    else "Your team's reply"
                ),
                layout=w.Layout(width="100%", height="70px"),
            ),
            "kit-comments-text",
        )
        self.send = classed(
            w.Button(
                description="Send comment" if self.book.is_faculty else "Send reply",
                icon="comment",
                layout=w.Layout(width="auto"),
            ),
            "kit-comments-send",
        )
        self.check = classed(
            w.Button(
                description="Check for new comments", icon="refresh", layout=w.Layout(width="auto")
            ),
            "kit-comments-check",
        )
        self.error = classed(field_error(self.text), "kit-comments-error")
        self.compose = classed(
            w.VBox([self.reply_to, self.text, w.HBox([self.send, self.check]), self.error]),
            "kit-comments-compose",
        )
        self.note = classed(w.HTML(), "kit-comments-note")
        classed(self, "kit-comments", css, "kit-panel-light")
        self.layout.padding = "6px 12px"
        self.children = [self.heading, self.threads, self.note, self.compose]
        self.send.on_click(self._on_send)
        self.check.on_click(self._on_check)

    # --- showing ------------------------------------------------------------------------

    def show(self, team_id: str | None, target: Any = "") -> None:
        """Show the threads on ``target`` of ``team_id``'s work; no team hides the panel."""
        self.team_id = team_id or None
        self.target = target.isoformat() if isinstance(target, dt.date) else str(target or "")
        if self.team_id is None or (self.about in ("chart", "report") and not self.target):
            self.layout.display = "none"
            self.shown = []
            return
        self.layout.display = None
        self.refresh()

    def refresh(self) -> None:
        """Read the threads again from the store and show them."""
        if self.team_id is None:
            return
        self.shown = self.book.threads(self.team_id, self.about, self.target)
        label = ABOUT_LABELS[self.about]
        self.threads.value = "".join(thread_html(t) for t in self.shown)
        faculty = self.book.is_faculty
        options: list[tuple[str, str]] = [("Start a new thread", "")] if faculty else []
        options += [
            (f"{t.first.author}: {_snippet(t.first.text)}", t.id) for t in reversed(self.shown)
        ]
        previous = self.reply_to.value
        self.reply_to.options = options
        if previous in {v for _l, v in options}:
            self.reply_to.value = previous
        elif options:
            waiting = [t.id for t in reversed(self.shown) if t.unanswered]
            self.reply_to.value = "" if faculty else (waiting or [options[0][1]])[0]
        can_write = faculty or bool(self.shown)
        self.compose.layout.display = None if can_write else "none"
        self.reply_to.layout.display = None if options else "none"
        if not self.shown:
            self.note.value = (
                f"<p class='kit-muted'>No comments on this {html.escape(label)} yet."
                + (
                    ""
                    if faculty
                    else " When faculty comment on it, you can read and answer them here."
                )
                + "</p>"
            )
        else:
            self.note.value = ""

    # --- handlers -----------------------------------------------------------------------

    @guarded()
    def _on_send(self, _button: w.Button) -> None:
        text, chosen = self.text.value, self.reply_to.value
        thread = next((t for t in self.shown if t.id == chosen), None)

        def send() -> None:
            assert self.team_id is not None
            if thread is None:
                self.book.start(self.team_id, self.about, self.target, text)
            else:
                self.book.reply(thread, text)

        if self.host.commit(send, error_line=self.error, after=self._after_send):
            self.alert.show(
                "Your comment is saved; the team sees it here."
                if self.book.is_faculty
                else "Your reply is saved; faculty see it on their dashboard.",
                "success",
            )

    def _after_send(self) -> None:
        self.text.value = ""
        set_field_error(self.error, None)
        self.refresh()

    @guarded()
    def _on_check(self, _button: w.Button) -> None:
        self.refresh()


__all__ = ["CommentsPanel", "comment_html", "team_threads_html", "thread_html", "unanswered_html"]
