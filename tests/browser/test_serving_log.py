"""What the facilitator's terminal shows while ``bts-kit serve`` runs: no warning per kernel."""

from __future__ import annotations

import requests

from .conftest import bts_kit_serve_command, start_server


def test_kernels_start_without_a_transport_warning_in_the_terminal(tmp_path):
    """Jupyter's kernels warn "running over TCP without encryption" each time one starts; the
    kit's local kernels use Unix sockets (``kit.server.command.voila_command``), so the terminal
    stays readable. Opening an app proves kernels started (the preheated one and its refill)."""
    with start_server(tmp_path, bts_kit_serve_command(pool_size=1)) as server:
        page = requests.get(f"{server.url}voila/render/00-start-here.ipynb", timeout=180)
        assert page.status_code == 200
        assert "kit-app" in page.text or "jupyter-widgets" in page.text
        log = server.log_path.read_text(errors="replace")
    assert "without encryption" not in log, log
    assert "Traceback" not in log, log
    assert "Breakthrough Kit is starting" in log
