"""Small widgets every app shares: alerts, the save-state line, guarded handlers, autosave.

Voilà hides tracebacks, so a handler that fails silently is the worst bug a participant can
meet; ``guarded`` makes every failure a sentence on screen and a line in the log.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import functools
import html
import logging
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from kit.errors import Conflict, KitInputError, PermissionDenied

log = logging.getLogger("kit.ui")

FRIENDLY_FAILURE = (
    "Something went wrong on our side and your last action did not finish. "
    "Your saved work is safe; try again, and tell your facilitator if it keeps happening."
)


def message_for(error: BaseException) -> str:
    """What a participant reads for an error: our own messages as they are, others hidden."""
    if isinstance(error, KitInputError | Conflict | PermissionDenied):
        return str(error)
    return FRIENDLY_FAILURE


class Alert(w.HTML):
    """A message area that is empty until something needs saying."""

    LEVELS = ("error", "warning", "info", "success")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("kit-alert")

    def show(self, text: str, level: str = "error") -> None:
        assert level in self.LEVELS
        self.value = f'<div class="kit-alert-{level}" role="alert">{html.escape(text)}</div>'

    def clear(self) -> None:
        self.value = ""

    @property
    def text(self) -> str:
        """The message without markup, for tests."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.value))


class SaveState(w.HTML):
    """'Saved 10:32', 'Saving...' or 'Not saved: ...': participants trust what they can see."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("kit-save-state")
        self.state = "idle"
        self.detail = ""
        self._render()

    def _render(self) -> None:
        text = {
            "idle": "",
            "pending": "Unsaved changes…",
            "saving": "Saving…",
            "saved": f"Saved {self.detail}",
            "error": f"Not saved: {self.detail}",
        }[self.state]
        self.value = f'<span class="kit-save-{self.state}">{html.escape(text)}</span>'

    def set(self, state: str, detail: str = "") -> None:
        self.state, self.detail = state, detail
        self._render()

    def saved(self, when: dt.datetime | None = None) -> None:
        when = when or dt.datetime.now()
        self.set("saved", when.strftime("%H:%M:%S"))

    def failed(self, error: BaseException) -> None:
        self.set("error", message_for(error))


def guarded(alert_attr: str = "alert") -> Callable:
    """Wrap a view's handler: disable the clicked control while it runs, show failures.

    The handler's first argument after ``self`` is the widget or change event that fired it;
    a widget with ``disabled`` is disabled for the duration so a double click cannot save twice.
    """

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            control = args[0] if args and hasattr(args[0], "disabled") else None
            alert = getattr(self, alert_attr, None)
            if control is not None:
                control.disabled = True
            try:
                if alert is not None:
                    alert.clear()
                return handler(self, *args, **kwargs)
            except Exception as error:  # every failure becomes words on screen
                if not isinstance(error, KitInputError | Conflict | PermissionDenied):
                    log.exception("handler %s failed", handler.__qualname__)
                if alert is not None:
                    alert.show(message_for(error))
                return None
            finally:
                if control is not None:
                    control.disabled = False

        return run

    return decorate


def after_this_cell(action: Callable[[], None]) -> None:
    """Run ``action`` as soon as the kernel has finished the cell (or event) now running.

    Why: Voilà sends the rest of a page only when the app's cell has finished, and the browser
    then spends half a second loading Voilà's scripts before it asks for the widgets. Building
    an app's body in that half second, instead of before the cell ends, lets the kernel and
    the browser work at the same time (``tests/benchmarks/bench_serving.py``); the page shows
    a loading line meanwhile. Without a running loop (a script, a test) ``action`` runs at once.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        action()
        return
    loop.call_soon(action)


class Debouncer:
    """Run ``action`` once typing pauses: each call restarts the timer.

    In a kernel the asyncio loop is running and the timer is real; without a loop (a plain
    script or a test) the action runs at once, so behaviour never depends on timing in tests.
    An edit still waiting when the kernel shuts down (the participant closed the tab, and the
    page asked the server to stop its kernel) is saved on the way out: ``flush_pending``.
    """

    def __init__(self, action: Callable[[], None], delay: float = 0.8) -> None:
        self.action = action
        self.delay = delay
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.action()
            return
        self._handle = loop.call_later(self.delay, self._fire)
        _PENDING.add(self)

    def _fire(self) -> None:
        self._handle = None
        _PENDING.discard(self)
        self.action()

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def flush(self) -> None:
        """Save now (a button press, a page about to close)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
            _PENDING.discard(self)
            self.action()


#: debouncers with an edit waiting for typing to pause
_PENDING: weakref.WeakSet[Debouncer] = weakref.WeakSet()


def flush_pending() -> int:
    """Run every edit still waiting for typing to pause; returns how many ran.

    Registered with ``atexit``: ipykernel stops its loop on a shutdown request and the
    interpreter then exits normally, so an edit typed just before the tab closed reaches the
    store instead of dying with its timer. A failing save is logged, and the others still run.
    """
    ran = 0
    for debouncer in list(_PENDING):
        try:
            debouncer.flush()
            ran += 1
        except Exception:
            log.exception("an edit waiting to be saved could not be saved at shutdown")
    return ran


atexit.register(flush_pending)


W = TypeVar("W", bound=w.Widget)


def classed(widget: W, *css: str) -> W:
    """``widget`` with CSS classes added: the hooks the stylesheet and browser tests use."""
    for name in css:
        widget.add_class(name)
    return widget


def wide(**more: str) -> w.Layout:
    """A full-width layout; each widget needs its own (a shared Layout hides them all)."""
    return w.Layout(width="100%", **more)


S = TypeVar("S", bound=w.Widget)


class SharedLook:
    """One layout per set of layout properties, and one style per style class, shared by the
    widgets of a view whose look never changes once they are made: headings, form labels,
    the cells of a grid.

    Why: an ipywidgets widget otherwise makes a layout and a style model of its own, and each
    is sent to the page in full (about 1 KB of state for a layout) and built there. The
    measures page went from 760 models to 461 once its grid and form rows shared theirs
    (``tests/benchmarks/bench_serving.py``). Never hide, resize or restyle a widget made with a
    shared look: that would change every widget sharing it (``wide()`` gives a widget its own).
    """

    def __init__(self) -> None:
        self._layouts: dict[tuple[tuple[str, str], ...], w.Layout] = {}
        self._styles: dict[type, w.Widget] = {}

    def layout(self, **properties: str) -> w.Layout:
        key = tuple(sorted(properties.items()))
        if key not in self._layouts:
            self._layouts[key] = w.Layout(**properties)
        return self._layouts[key]

    def style(self, style_class: type[S]) -> S:
        if style_class not in self._styles:
            self._styles[style_class] = style_class()
        found = self._styles[style_class]
        assert isinstance(found, style_class)
        return found

    def html(self, value: str = "", *css: str, **layout: str) -> w.HTML:
        """An HTML widget (text that changes, in a box that does not) with the shared look."""
        from ipywidgets.widgets.widget_string import HTMLStyle

        # the classes go in with the first state: added after, each is one more message
        return w.HTML(
            value, layout=self.layout(**layout), style=self.style(HTMLStyle), _dom_classes=css
        )

    def text(self, *css: str, placeholder: str = "", **layout: str) -> w.Text:
        """A one-line text box with the shared look."""
        from ipywidgets.widgets.widget_string import TextStyle

        return w.Text(
            placeholder=placeholder,
            layout=self.layout(**layout),
            style=self.style(TextStyle),
            _dom_classes=css,
        )


def field_error(widget: w.Widget) -> w.HTML:
    """A message line meant to sit beside ``widget``."""
    line = w.HTML(layout=w.Layout(margin="0 0 0 8px"))
    line.add_class("kit-field-error")
    return line


def set_field_error(line: w.HTML, text: str | None) -> None:
    line.value = f'<span class="kit-error" role="alert">{html.escape(text)}</span>' if text else ""
