"""Who in this kernel wants to hear that data was saved: charts that redraw in place.

A chart open in one app (``kit/steps/charts/``) must update when another widget in the same
kernel saves data (the data-entry grid, an import). The store announces each save here after
it is committed; listeners filter on the store, the kind and the team. In-process only: another
person's kernel hears nothing (a "refresh" re-reads the store). A bound method (a view's handler) is held
weakly, so a closed page's chart is never kept alive by this list.
"""

from __future__ import annotations

import inspect
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("kit.store")


@dataclass(frozen=True)
class Change:
    """One committed save: which store, which kind of record, which teams' work."""

    store: Any
    kind: str
    team_ids: frozenset[str]


class _Strong:
    """A plain function or a builtin's method, held as it is (it belongs to no view)."""

    def __init__(self, callback: Callable[[Change], Any]) -> None:
        self.callback = callback

    def __call__(self) -> Callable[[Change], Any]:
        return self.callback


_listeners: list[Callable[[], Any]] = []


def listen(callback: Callable[[Change], Any]) -> Callable[[], None]:
    """Call ``callback(change)`` after every save in this process; returns the way to stop."""
    # a view's handler is held weakly, so it goes with its view
    ref: Callable[[], Any] = (
        weakref.WeakMethod(callback) if inspect.ismethod(callback) else _Strong(callback)
    )
    _listeners.append(ref)

    def stop() -> None:
        if ref in _listeners:
            _listeners.remove(ref)

    return stop


def announce(store: Any, kind: str, team_ids: set[str] | frozenset[str]) -> None:
    """Tell every live listener; a listener's failure is logged, never the saver's problem."""
    change = Change(store, kind, frozenset(t for t in team_ids if t))
    for ref in list(_listeners):
        callback = ref()
        if callback is None:
            _listeners.remove(ref)
            continue
        try:
            callback(change)
        except Exception:
            log.exception("a listener to saved %s failed", kind)
