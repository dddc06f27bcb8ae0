"""What ``bts-kit serve`` runs as an app's kernel: ipykernel without its debugger.

Why: ipykernel imports debugpy when it starts, for JupyterLab's visual debugger. That is
about 8 MB of every kernel's resident memory (53 to 45 MB for a page with one button,
``tests/benchmarks/bench_serving.py``), and a Voilà page never debugs. Marking ``debugpy`` as absent before ipykernel loads makes
ipykernel take its own "debugpy is not installed" path; nothing else changes.

The server finds this launcher through the ``python3`` kernel spec in
``kit/share/app-kernels``, which ``kit.server.command.serve_environment`` puts first on the
Voilà server's ``JUPYTER_PATH`` only: JupyterLab keeps its debugger.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    """Start an ipykernel whose ``import debugpy`` fails as if debugpy were not installed."""
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # import of debugpy now fails
    # as ipykernel's own launcher does: the working directory leaves sys.path while the
    # kernel loads, and IPython puts it back
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
