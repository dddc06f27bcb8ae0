"""What a failed browser test leaves behind: a screenshot and the page's HTML in
``test-artifacts/``, and, printed into the test's output (all that CI keeps), the page's text,
its console warnings and errors, and the server log's last lines."""

from __future__ import annotations

import collections
import contextlib
import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def artifact_name(item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:150]


def save_artifacts(item, page, server: Any) -> Path:
    folder = ARTIFACTS / Path(item.fspath).stem
    folder.mkdir(parents=True, exist_ok=True)
    name = artifact_name(item)
    with contextlib.suppress(Exception):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    with contextlib.suppress(Exception):
        (folder / f"{name}.html").write_text(page.content())
    if server is not None:
        with contextlib.suppress(Exception):
            shutil.copyfile(server.log_path, folder / f"{name}.server.log")
    print_diagnosis(page, server)
    return folder


def print_diagnosis(page, server: Any, log_lines: int = 60) -> None:
    """What the page showed and the server's last log lines, printed into the test's output.

    CI keeps only what a run prints, not ``test-artifacts/``; a failure on a busy machine is
    read from this."""
    with contextlib.suppress(Exception):  # no page (None): the server log only
        text = page.evaluate("() => document.body ? document.body.innerText : ''")
        print(f"--- page {page.url} shows ---\n{text[:3000]}")
    console = getattr(page, "kit_console", None)
    if console:
        print(f"--- the page's console, last {len(console)} warnings and errors ---")
        print("\n".join(console))
    if server is not None:
        with contextlib.suppress(Exception):
            lines = Path(server.log_path).read_text(errors="replace").splitlines()
            # the routine start-up lines (one per notebook and kernel) would push out the rest
            lines = [line for line in lines if not any(r in line for r in ROUTINE_LOG)]
            print(f"--- server log, last {log_lines} lines but routine ones ---")
            print("\n".join(lines[-log_lines:]))


#: server log lines printed by every start, whatever happens after
ROUTINE_LOG = ("is not trusted", "Kernel started:", "is filled with", "Adapting from protocol")


def record_console(page) -> None:
    """Keep the page's last 40 console warnings and errors for ``print_diagnosis``: a widget
    the page failed to build is reported there, not as a page error."""
    kept: collections.deque[str] = collections.deque(maxlen=40)
    page.kit_console = kept

    def keep(message) -> None:
        if message.type in ("error", "warning"):
            kept.append(f"[{message.type}] {message.text[:500]}")

    page.on("console", keep)
