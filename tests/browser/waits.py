"""Waiting on what the page and the database show, instead of sleeping past the autosave.

An app saves when typing pauses (``kit.ui.Debouncer``, 0.8 s); a test that sleeps a fixed
time is either slower than it needs to be or, on a busy machine, too early. These helpers wait
for the save-state line (``kit.ui.widgets.SaveState``, class ``kit-save-state``) or for the
database to show the change; and for text, an input's value or the main chart's data to show
on the page: the one way the browser tests wait on what a page shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: the save-state line's text while an edit waits for typing to pause
PENDING = "Unsaved changes"


def wait_until_pending(page, timeout_ms: float = 15_000) -> None:
    """The edit has reached the kernel and waits for the autosave (which has not run yet)."""
    page.wait_for_function(
        "text => { const el = document.querySelector('.kit-save-state');"
        " return el && el.textContent.includes(text); }",
        arg=PENDING,
        timeout=timeout_ms,
    )


def wait_until_saved(page, timeout_ms: float = 30_000) -> None:
    """Nothing waits to be saved and no save runs; a failed save fails the test.

    For edits that save at once (a click on a score, a button): their "pending" state may come
    and go before the page is looked at, so pair this with a database check of the edit."""
    page.wait_for_function(
        "() => { const el = document.querySelector('.kit-save-state');"
        " return el && !/Unsaved changes|Saving/.test(el.textContent); }",
        timeout=timeout_ms,
    )
    state = page.inner_text(".kit-save-state")
    assert "Not saved" not in state, state


def wait_until_settled(page, timeout_ms: float = 30_000) -> None:
    """The edit typed last has been taken up: first pending, then neither pending nor saving.

    Waiting for "pending" first means a save state left over from an earlier edit cannot
    satisfy the wait before the kernel has seen this one. A failed save fails the test.
    """
    wait_until_pending(page, timeout_ms)
    wait_until_saved(page, timeout_ms)


def wait_for_database(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 30) -> T:
    """Poll ``read()`` (a query of the store) until ``ok`` holds; the last value is returned."""
    deadline = time.monotonic() + timeout
    value = read()
    while not ok(value):
        assert time.monotonic() < deadline, f"the database did not show the change: {value!r}"
        time.sleep(0.2)
        value = read()
    return value


#: JavaScript: whether an element matching ``selector`` (a laid-out one, with ``visible``) shows
#: ``text``, whitespace normalised on both sides; ``present=false``: such elements are on the
#: page and none shows it
TEXT_IN = """([selector, text, present, visible]) => {
    const norm = s => s.replace(/\\s+/g, ' ');
    const want = norm(text);
    const els = [...document.querySelectorAll(selector)]
        .filter(el => !visible || el.offsetParent !== null);
    return els.length > 0 && els.some(el => norm(el.innerText).includes(want)) === present;
}"""


def text_in(
    page,
    selector: str,
    text: str,
    *,
    present: bool = True,
    visible: bool = False,
    timeout: float | None = None,
) -> None:
    """Until an element matching the CSS ``selector`` shows ``text`` (``present=False``: until
    such elements are there and none shows it any more).

    Any matching element counts, not only the first, and runs of whitespace (line breaks, the
    non-breaking spaces ipywidgets writes) count as one space on both sides, so a test names
    text as a person reads it. ``visible=True`` counts only elements laid out on the page (a
    banner hidden with ``display: none`` keeps its text). ``timeout`` (ms) defaults to the
    page's default timeout, which the test or its fixture chose for how slow its kernel may be.
    """
    page.wait_for_function(TEXT_IN, arg=[selector, text, present, visible], timeout=timeout)


def wait_for_value(page, selector: str, value: str, *, timeout: float | None = None) -> None:
    """Until the first input at ``selector`` holds ``value`` (set by the kernel, say);
    ``timeout`` as in :func:`text_in`."""
    page.wait_for_function(
        "([sel, value]) => { const el = document.querySelector(sel);"
        " return el && el.value === value; }",
        arg=[selector, value],
        timeout=timeout,
    )


#: JavaScript: the BokehJS source named ``name`` of the figure named ``kit-main-chart``, in the
#: newest document that has one (a page that switched measures keeps the old chart's document)
MAIN_CHART_SOURCE = """(name) => {
    const docs = Array.from((window.Bokeh && window.Bokeh.documents) || []).reverse();
    for (const doc of docs) {
        const models = Array.from(doc.all_models);
        if (!models.some(m => m.name === 'kit-main-chart')) continue;
        const source = models.find(m => m.name === name);
        if (source) return source;
    }
    return null;
}"""


def main_chart(page, expression: str, name: str) -> object:
    """``expression`` evaluated on the main chart's source ``name`` (as ``s``), or None."""
    return page.evaluate(
        f"(name) => {{ const s = ({MAIN_CHART_SOURCE})(name); return s ? ({expression}) : null; }}",
        name,
    )


def wait_for_main_chart(page, expression: str, name: str, *, timeout: float | None = None) -> None:
    """Until ``expression`` holds on the main chart's source ``name`` (as ``s``); ``timeout`` as
    in :func:`text_in`."""
    page.wait_for_function(
        f"(name) => {{ const s = ({MAIN_CHART_SOURCE})(name); return s && ({expression}); }}",
        arg=name,
        timeout=timeout,
    )
