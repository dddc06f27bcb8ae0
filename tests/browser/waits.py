"""Waiting on what the page and the database show, instead of sleeping past the autosave.

An app saves when typing pauses (``kit.ui.Debouncer``, 0.8 s); a test that sleeps a fixed
time is either slower than it needs to be or, on a busy machine, too early. These helpers wait
for the save-state line (``kit.ui.widgets.SaveState``, class ``kit-save-state``) or for the
database to show the change.
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
