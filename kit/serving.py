"""Voilà plumbing that the kit needs and Voilà 0.5 lacks: a kernel manager whose culler spares
freshly claimed preheated kernels, a pool refill that does not compete with a visitor's page,
BokehJS served as a cached script file (also as a Jupyter server extension, for JupyterHub),
and the paths of the kit's own template.

Why the kernel manager: Voilà keeps a pool of preheated kernels and its culler already skips
kernels still *in* the pool, but a kernel taken from the pool keeps the ``last_activity`` of the
moment it was preheated. If that is older than the idle timeout, the next culler pass shuts it
down while the visitor's page is still connecting, and the page never loads. We notice claims
between culler passes and restamp the claimed kernel's activity, so culling stays a backstop
for abandoned pages only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web

from kit.envnames import BOKEH_FROM_PAGE

SHARE = Path(__file__).resolve().parent / "share" / "jupyter"
TEMPLATE = "bts-kit"

#: where the kit's template finds BokehJS (below the server's base URL)
BOKEH_ROUTE = "voila/kit/bokeh/"


class BokehScriptHandler(web.StaticFileHandler):
    """Serves the installed Bokeh's own ``bokeh.min.js`` to the kit's pages.

    Why not inline, as ``output_notebook`` does: an inline copy travels inside every chart page
    (2.8 MB of escaped text), is compressed afresh for each view and is evaluated from scratch
    each time; a script file is fetched once per browser, revalidated with a cheap 304, and
    Chromium keeps its compiled code. It comes from this server, never a CDN, so a workshop room
    without internet still draws its charts. Only the core bundle is served: the kit's charts
    need neither Bokeh's widgets, tables nor WebGL.
    """

    ALLOWED = frozenset({"bokeh.min.js"})

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if Path(absolute_path).name not in self.ALLOWED:
            raise web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def set_extra_headers(self, path: str) -> None:
        # revalidate every time (a 304 on a warm cache): an upgraded Bokeh must never meet
        # a stale script, whose version would not match the charts the kernel sends
        self.set_header("Cache-Control", "no-cache")


def bokeh_handlers(base_url: str) -> list[tuple]:
    """The Tornado route for ``BokehScriptHandler`` below ``base_url``."""
    from bokeh.util.paths import bokehjs_path
    from jupyter_server.utils import url_path_join

    return [
        (
            url_path_join(base_url, BOKEH_ROUTE, "(.*)"),
            BokehScriptHandler,
            {"path": str(Path(bokehjs_path()) / "js")},
        )
    ]


def _jupyter_server_extension_points() -> list[dict]:
    """``kit.serving`` as a Jupyter server extension, for Voilà under JupyterHub or Binder."""
    return [{"module": "kit.serving"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.web_app.add_handlers(".*$", bokeh_handlers(serverapp.base_url))
    # the kit's template loads the script, so the app kernels this server starts (they inherit
    # its environment) can skip their inline copy; with another template they keep it
    voila = serverapp.config.get("VoilaConfiguration", {})
    if voila.get("template") == TEMPLATE:
        os.environ.setdefault(BOKEH_FROM_PAGE, "1")
    # Voilà as a server extension fills in MathJax on a CDN, and its page then loads it, when
    # the server names no MathJax URL or configuration (standalone Voilà sets both to None and
    # loads none). The kit's apps typeset no LaTeX, and a room without internet must not reach
    # out: both None, no request.
    serverapp.web_app.settings.setdefault("mathjax_url", None)
    serverapp.web_app.settings.setdefault("mathjax_config", None)


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


def main(argv: list[str] | None = None) -> None:
    """``python -m kit.serving``: Voilà with gzip-compressed responses, BokehJS as a cached
    script file (``BokehScriptHandler``), the kit's pool refill policy
    (``install_refill_policy``) and a cell timeout that spares preheated kernels
    (``cell_timeout``).

    Voilà's page brings about 5 MB of JavaScript and CSS (BokehJS adds 1.3 MB on chart pages);
    compressed, that is a quarter of it over a workshop room's Wi-Fi. Voilà builds its Tornado
    application from ``init_settings`` before it applies ``tornado_settings``, so compression
    has to be switched on there.
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
            if self.voila_configuration.preheat_kernel:
                install_refill_policy(self.kernel_manager)
            return settings

        def init_handlers(self) -> list:
            # ahead of Voilà's own routes, whose last one catches every path
            return bokeh_handlers(self.server_url) + super().init_handlers()

    KitVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
