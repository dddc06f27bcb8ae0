"""A kernel-side timer: run a callback every few seconds on the kernel's own asyncio loop.

ipykernel and Voila's kernels run asyncio, so a callback scheduled with ``call_later`` runs
between messages and its widget changes reach the open page without a reload. Used by the
exercises' room mode (``kit/exercises/views/base.py``), the collaborative dashboard's live
refresh (``kit/steps/dashboard/view.py``) and the presenter's clock
(``kit/steps/sessions/presenter.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("kit.ui")

POLL_SECONDS = 2.0


class Poller:
    """Run ``tick`` every ``interval`` seconds on the running event loop until stopped.

    Without a running loop (a script, a test) ``start`` returns False and nothing runs:
    tests call ``tick`` themselves, so no test depends on timing.
    """

    def __init__(self, tick: Callable[[], Any], interval: float = POLL_SECONDS) -> None:
        self.tick = tick
        self.interval = interval
        self._handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.ticks = 0

    @property
    def running(self) -> bool:
        return self._handle is not None

    def start(self) -> bool:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._schedule()
        return True

    def _schedule(self) -> None:
        assert self._loop is not None
        self._handle = self._loop.call_later(self.interval, self._run)

    def _run(self) -> None:
        self.ticks += 1
        try:
            self.tick()
        except Exception:  # a failed poll must not stop the next one
            log.exception("a periodic refresh failed")
        if self._handle is not None:
            self._schedule()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


__all__ = ["POLL_SECONDS", "Poller"]
