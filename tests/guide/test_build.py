"""The facilitator guide builds into a website with MkDocs in strict mode (warnings fail)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.names import ROOT


def _need(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is missing: install the test extras")
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")


@pytest.mark.slow
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    _need("mkdocs")
    _need("material")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml")]
        + ["-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr
    for page in [
        "index.html",
        "journey/learning-session-1/index.html",
        "apps/dashboard/index.html",
        "apps/assessment/index.html",
        "apps/learning-sessions/index.html",
        "glossary/index.html",
        "troubleshooting/index.html",
        "handouts/participant-quick-start/index.html",
        "handouts/day-before-checklist/index.html",
        "hosting/where-to-run/index.html",
        "spc-deviations/index.html",
    ]:
        assert (site / page).is_file(), page
    assert not (site / "_tools").exists()
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert "Control limits" in glossary and "point-to-point" in glossary
