"""A file the kernel made, offered as a link the browser saves without a server round trip.

Voilà serves no files from the kernel, so an export travels inside the page as a ``data:``
URL on an ``<a download>`` link: no temporary file is left on the server, and the link works
offline in a workshop room. Fine for the kit's exports (a few hundred kilobytes).
"""

from __future__ import annotations

import base64
import html


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An ``<a download>`` carrying ``data``; the file name and label are escaped."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='kit-download' download='{html.escape(filename)}' "
        f"href='data:{mime};base64,{encoded}'>{html.escape(label)}</a>"
    )
