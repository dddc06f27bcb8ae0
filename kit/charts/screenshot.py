"""A PNG of a standalone page, screenshot by the machine's headless Chromium.

Why Chromium and not a Python renderer: the kit's exports are Bokeh pages drawn by BokehJS in
a browser, so only a browser draws them as the participant sees them. Both the driver diagram
(``kit/charts/driver_diagram.py``) and a measure's chart (``kit/charts/teaching.py``) export
through here. A missing or failing browser is a ``KitInputError`` in plain words, so the app
can say so and still offer the HTML file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kit.errors import KitInputError

#: what the export offers instead when no PNG can be made
HTML_INSTEAD = "download the HTML file instead"


def find_chromium() -> str | None:
    """A headless-capable Chromium or Chrome on this machine, or None."""
    explicit = os.environ.get("KIT_CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def page_to_png(
    page: str, *, width: int, height: int, what: str = "chart", timeout: float = 60
) -> bytes:
    """The PNG of ``page`` (a whole HTML document) in a ``width`` x ``height`` window.

    ``what`` names the picture in the error ("could not draw the diagram here")."""
    browser = find_chromium()
    if browser is None:
        raise KitInputError(
            f"PNG export needs Chromium, which is not installed here; {HTML_INSTEAD} "
            "(it opens in any browser and can be printed to PDF)."
        )
    with tempfile.TemporaryDirectory(prefix="kit-png-") as folder:
        html_file = Path(folder) / "page.html"
        shot = Path(folder) / "page.png"
        html_file.write_text(page, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=5000",
            f"--screenshot={shot}",
            html_file.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired):
            raise KitInputError(
                f"PNG export needs Chromium, and it did not answer in time; {HTML_INSTEAD}."
            ) from None
        if not shot.exists() or shot.stat().st_size == 0:
            raise KitInputError(
                f"PNG export needs a working Chromium, and it could not draw the {what} here; "
                f"{HTML_INSTEAD}."
            )
        return shot.read_bytes()
