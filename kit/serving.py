"""Voilà plumbing that the kit needs and Voilà 0.5 lacks: a kernel manager whose culler spares
freshly claimed preheated kernels, and the paths of the kit's own template.

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
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE = "bts-kit"


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


def main(argv: list[str] | None = None) -> None:
    """``python -m kit.serving``: Voilà with gzip-compressed responses and a cell timeout that
    spares preheated kernels (see ``cell_timeout``).

    Voilà's page brings about 5 MB of JavaScript and CSS (Bokeh's inline resources add 2.7 MB
    in the page itself); compressed, that is a quarter of it over a workshop room's Wi-Fi. Voilà
    builds its Tornado application from ``init_settings`` before it applies
    ``tornado_settings``, so compression has to be switched on there.
    """
    from voila.app import Voila

    class KitVoila(Voila):
        def initialize(self, argv=None) -> None:
            super().initialize(argv)
            executor = self.config.VoilaExecutor
            if self.voila_configuration.preheat_kernel and "timeout_func" not in executor:
                executor.timeout_func = cell_timeout(executor.get("timeout"))

        def init_settings(self) -> dict:
            settings = super().init_settings()
            settings.setdefault("compress_response", True)
            return settings

    KitVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
