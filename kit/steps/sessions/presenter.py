"""The presenter view for the projector: the block on now, a running clock, what comes next.

The clock ticks in the kernel: the shared timer on the kernel's loop (``kit/ui/poller.py``)
redraws HTML widgets each second, so the
page needs no script of its own and Voilà sends only the changed text. Without a running
loop (a test, a script) nothing is scheduled and the caller ticks. ``clock`` is injectable:
tests set a fake clock and call ``tick()``. What is on is decided by
``kit.qi.agenda.presenter_state``, which the model tests check.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import ipywidgets as w

from kit.qi.agenda import TimedBlock, block_kinds, block_uses, presenter_state
from kit.ui.poller import Poller
from kit.ui.widgets import classed


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Presenter(w.VBox):
    """The projector's view: now, the block on, time left, what comes next. Ticks each second."""

    def __init__(
        self, blocks: Callable[[], list[TimedBlock]], clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        super().__init__()
        classed(self, "kit-sessions-presenter")
        self.blocks = blocks
        self.clock = clock
        self.offset = dt.timedelta(0)
        self.running = False
        #: ticks each second on the kernel's loop (``kit/ui/poller.py``); none in a test
        self.poller = Poller(self.tick, interval=1.0)
        self.now = classed(w.HTML(), "kit-sessions-clock")
        self.current = classed(w.HTML(), "kit-sessions-current")
        self.remaining = classed(w.HTML(), "kit-sessions-remaining")
        self.following = classed(w.HTML(), "kit-sessions-next")
        self.start_button = classed(
            w.Button(description="Start the clock", icon="play", button_style="primary"),
            "kit-sessions-start",
        )
        self.stop_button = classed(w.Button(description="Stop", icon="stop"), "kit-sessions-stop")
        self.rehearse = classed(
            w.Dropdown(description="Rehearse:", options=[("on the real time", -1)], value=-1),
            "kit-sessions-rehearse",
        )
        for b in (self.start_button, self.stop_button):
            b.layout.width = "auto"
        self.start_button.on_click(lambda _b: self.start())
        self.stop_button.on_click(lambda _b: self.stop())
        self.children = [
            w.HBox([self.start_button, self.stop_button, self.rehearse]),
            self.now,
            self.current,
            self.remaining,
            self.following,
        ]

    def set_days(self, days: int) -> None:
        self.rehearse.options = [("on the real time", -1)] + [
            (f"day {d + 1} from its start, now", d) for d in range(days)
        ]

    def local_now(self) -> dt.datetime:
        return self.clock() + self.offset

    def start(self) -> None:
        """Start ticking (rehearsal: shift the clock so the chosen day starts now)."""
        day = self.rehearse.value
        self.offset = dt.timedelta(0)
        if day is not None and day >= 0:
            firsts = [b for b in self.blocks() if b.day == day]
            if firsts:
                self.offset = firsts[0].start - self.clock()
        self.running = True
        self.tick()
        if not self.poller.running:
            self.poller.start()

    def stop(self) -> None:
        self.running = False
        self.poller.stop()
        self.tick()

    def tick(self) -> None:
        """Redraw for the clock's time (the poller calls it each second while running)."""
        try:
            self.show()
        except Exception:  # a timer's failure would go unseen: show it, stop ticking
            self.running = False
            self.poller.stop()
            self.current.value = "<p role='alert'>The presenter view stopped: reload the page.</p>"
            raise

    def show(self) -> None:
        blocks = self.blocks()
        if not blocks:
            self.current.value = "<p>This agenda has no blocks yet.</p>"
            return
        tz = blocks[0].start.tzinfo
        now = self.local_now().astimezone(tz)
        state = presenter_state(blocks, now)
        kinds = block_kinds()
        self.now.value = (
            f"<div style='font-size:280%;font-weight:700;font-variant-numeric:tabular-nums'>"
            f"<span class='kit-sessions-clock-text'>{now:%H:%M:%S}</span></div>"
            f"<div class='kit-small kit-muted'>{now:%A %d %B %Y} · {html.escape(str(tz))}"
            + (" · rehearsal" if self.offset else "")
            + ("" if self.running else " · clock stopped")
            + "</div>"
        )

        def block_html(timed: TimedBlock, size: str) -> str:
            b = timed.block
            extra = " · ".join(
                x for x in (kinds.get(b.kind, b.kind), b.lead, block_uses(b.app, b.exercise)) if x
            )
            return (
                f"<div style='font-size:{size};font-weight:600'>{html.escape(b.title)}</div>"
                f"<div>{timed.clock} · {html.escape(extra)}</div>"
            )

        if state.phase == "running" and state.current is not None:
            self.current.value = "<div class='kit-sessions-now-label'>Now</div>" + block_html(
                state.current, "220%"
            )
            self.remaining.value = f"<div style='font-size:180%'><span class='kit-sessions-left'>{state.remaining_text}</span> left</div>"
        elif state.phase == "before":
            self.current.value = "<div style='font-size:180%'>Not started yet</div>"
            self.remaining.value = f"<div style='font-size:180%'>Starts in <span class='kit-sessions-left'>{state.remaining_text}</span></div>"
        else:
            self.current.value = "<div style='font-size:180%'>The day is over. Thank you!</div>"
            self.remaining.value = ""
        self.following.value = (
            "<div class='kit-sessions-next-label'>Next</div>" + block_html(state.following, "140%")
            if state.following is not None
            else "<div class='kit-muted'>Nothing after this.</div>"
        )
