"""Kernels for the kit's pages: a manager whose culler spares freshly claimed preheated kernels,
a pool refill that does not compete with a visitor's page, and a cell timeout that spares the
cell waiting for its visitor.

Why the kernel manager: Voilà keeps a pool of preheated kernels and its culler already skips
kernels still *in* the pool, but a kernel taken from the pool keeps the ``last_activity`` of the
moment it was preheated. If that is older than the idle timeout, the next culler pass shuts it
down while the visitor's page is still connecting, and the page never loads. We notice claims
between culler passes and restamp the claimed kernel's activity, so culling stays a backstop
for abandoned pages only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


def _pooled_kernel_ids(manager: object) -> set[str]:
    """Kernel ids waiting in Voilà's preheat pools (empty when preheating is off)."""
    ids: set[str] = set()
    for pool in getattr(manager, "_pools", {}).values():
        for item in pool:
            try:
                if item.done() and not item.cancelled() and item.exception() is None:
                    ids.add(item.result()["kernel_id"])
            except Exception:  # a failed preheat: Voilà drops it itself
                continue
    return ids


class KitKernelManager(AsyncMappingKernelManager):
    """The base class Voilà wraps with its pooling manager (``multi_kernel_manager_class``)."""

    _kit_last_pooled: set[str] | None = None

    async def cull_kernels(self) -> None:
        pooled = _pooled_kernel_ids(self)
        if self._kit_last_pooled is not None:
            now = dt.datetime.now(dt.UTC)
            for kernel_id in self._kit_last_pooled - pooled:
                kernel = self._kernels.get(kernel_id)
                if kernel is not None and hasattr(kernel, "last_activity"):
                    # claimed by a visitor since the last pass: idle time starts now
                    kernel.last_activity = now
        self._kit_last_pooled = pooled
        await super().cull_kernels()


def _ready_in_pool(manager: object, notebook: str | None) -> int:
    """Preheated kernels of ``notebook`` that are started and waiting for a visitor."""
    ready = 0
    for item in getattr(manager, "_pools", {}).get(notebook, ()):
        try:
            if item.done() and not item.cancelled() and item.exception() is None:
                ready += 1
        except Exception:
            continue
    return ready


def install_refill_policy(manager: object) -> None:
    """Refill a notebook's pool at once when it ran dry, later when a kernel is still waiting.

    Voilà refills a pool ``fill_delay`` seconds after every visitor whatever the pool holds.
    A refill runs the app's imports, about a second of CPU, which on a small server competes
    with the page the visitor is loading. With the kit's policy a lone visitor's page loads
    undisturbed (another kernel is ready for whoever comes next, and the refill waits
    ``fill_delay``), while a burst that empties the pool gets its kernels started at once, no
    later than Voilà's own rule would. Only refills after a visitor (``delay=None``) change.
    """
    original = manager.fill_if_needed

    def fill_if_needed(delay=None, notebook_name=None, **kwargs):
        if delay is None:
            waiting = _ready_in_pool(manager, notebook_name)
            delay = manager.fill_delay if waiting else 0
        return original(delay=delay, notebook_name=notebook_name, **kwargs)

    manager.fill_if_needed = fill_if_needed


#: a cell that waits for its visitor: the notebook's one app call (or an explicit wait)
_WAITS_FOR_VISITOR = re.compile(r"wait_for_request|\bapp\(|\brun\(")


def cell_timeout(default: int | None) -> Callable[[dict], int | None]:
    """``VoilaExecutor.timeout_func`` for preheated kernels.

    nbclient times a cell from the moment it starts. A preheated kernel starts the app's cell
    when it enters the pool and the cell then waits in ``wait_for_request()`` for a visitor, so a
    kernel that waited in the pool longer than ``VoilaExecutor.timeout`` (120 s) fails its visitor
    with "Cell execution timed out". The cell that waits for the visitor gets no executor timeout
    (the culler and the app's own error handling cover it); every other cell keeps ``default``.
    """

    def timeout_for(cell: dict) -> int | None:
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        return None if _WAITS_FOR_VISITOR.search(source) else default

    return timeout_for
