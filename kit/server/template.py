"""Where the kit's Voilà template lives, and the app list its pages are built from.

Kept apart from the handlers so that hosting configs (``facilitator-guide/hosting/``,
``postBuild``) can read ``SHARE`` without importing Jupyter or Voilà.
"""

from __future__ import annotations

import json
from pathlib import Path

SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"
#: a Jupyter data folder holding only the ``python3`` kernel spec ``bts-kit serve``'s app kernels
#: start from (``kit.server.kernel_launcher``)
APP_KERNELS = SHARE.parent / "app-kernels"
TEMPLATE = "bts-kit"

#: the template's copy of the app list, written from ``kit/content/apps.yaml``
APPS_PARTIAL = SHARE / "voila" / "templates" / TEMPLATE / "kit-apps.j2"


def _literal(text: str) -> str:
    """A Jinja string literal (JSON's quoting is a subset Jinja reads back unchanged)."""
    return json.dumps(text, ensure_ascii=False)


def apps_partial() -> str:
    """The text of ``kit-apps.j2``: the app list as Jinja variables for the landing page
    (``tree.html``) and the notebook pages' top bar (``index.html.j2``).

    Why a written file rather than a variable the server injects: the landing page and the
    notebook pages are rendered by two Jinja environments (Voilà's and nbconvert's exporter,
    created per request), under ``bts-kit serve`` and under JupyterHub alike; an ``import`` of a
    template file works in all of them with no server configuration. ``tests/test_apps_list.py``
    fails when this file and ``apps.yaml`` disagree.
    """
    from kit.apps import apps

    listed = apps()
    by_notebook = ",\n".join(
        f"  {_literal(a.notebook)}: ({_literal(a.title)}, {_literal(a.line)}, {_literal(a.who)})"
        for a in listed
    )
    top_bar = ",\n".join(f"  ({_literal(a.notebook)}, {_literal(a.short)})" for a in listed)
    return (
        "{#- Written by `python -m kit.server.template` from kit/content/apps.yaml: edit that\n"
        "    file and run the command, never this one. -#}\n"
        "{#- notebook: (title, one line, who uses it), for the landing page -#}\n"
        f"{{%- set apps_by_notebook = {{\n{by_notebook}\n}} -%}}\n"
        "{#- (notebook, link text) in BTS order, for the top bar -#}\n"
        f"{{%- set top_bar = [\n{top_bar}\n] -%}}\n"
    )


def write_apps_partial(path: Path = APPS_PARTIAL) -> Path:
    """Write ``kit-apps.j2`` from ``kit/content/apps.yaml``; returns its path."""
    path.write_text(apps_partial(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"Wrote {write_apps_partial()}.")
