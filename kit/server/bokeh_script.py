"""BokehJS served to the kit's pages as a cached script file, from this server."""

from __future__ import annotations

from pathlib import Path

from tornado import web

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
