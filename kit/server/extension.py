"""The kit as a Jupyter server extension, for Voilà under JupyterHub or Binder.

Enabled with ``--ServerApp.jpserver_extensions=kit.server.extension=True`` (the hosting guide's
``jupyterhub_config.py`` and ``z2jh-values.yaml``, and ``postBuild``). ``bts-kit serve`` does not
need it: its own Voilà application (``kit.server.voila_app``) adds the same route.
"""

from __future__ import annotations

import os

from kit.envnames import BOKEH_FROM_PAGE
from kit.server.bokeh_script import bokeh_handlers
from kit.server.session_cookie import session_handlers
from kit.server.template import TEMPLATE


def _jupyter_server_extension_points() -> list[dict]:
    """This module is the extension: Jupyter calls ``_load_jupyter_server_extension`` below."""
    return [{"module": "kit.server.extension"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.web_app.add_handlers(
        ".*$", bokeh_handlers(serverapp.base_url) + session_handlers(serverapp.base_url)
    )
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
