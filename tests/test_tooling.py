"""The tooling tells the truth: every ``.PHONY`` target has a rule, ``make benchmark`` calls a
script that exists and runs every benchmark, ``make lint`` needs no browser, CI runs lint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = (ROOT / "Makefile").read_text()


def _rules() -> dict[str, str]:
    """Target name -> its prerequisites line, for every rule in the Makefile."""
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.$()/-]+):(?!=)(.*)$", MAKEFILE, re.MULTILINE)
    }


def test_every_phony_target_has_a_rule():
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.MULTILINE).group(1).split()
    rules = _rules()
    assert [t for t in phony if t not in rules] == []


def test_make_benchmark_runs_a_script_that_runs_every_benchmark():
    recipe = re.search(r"^benchmark:.*\n((?:\t.*\n)+)", MAKEFILE, re.MULTILINE).group(1)
    script = re.search(r"(tests/benchmarks/\S+\.py)", recipe).group(1)
    assert (ROOT / script).exists()
    listed = subprocess.run(
        [sys.executable, str(ROOT / script), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert listed == sorted(p.name for p in (ROOT / "tests" / "benchmarks").glob("bench_*.py"))
    assert len(listed) >= 2


def test_lint_needs_the_test_extras_but_not_chromium():
    rules = _rules()
    prerequisites = rules["lint"].split()
    seen, stack = set(), list(prerequisites)
    while stack:  # everything lint depends on, transitively
        target = stack.pop()
        if target in seen or target not in rules:
            continue
        seen.add(target)
        stack += rules[target].split()
    for target in seen | {"lint"}:
        recipe = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)*)", MAKEFILE, re.MULTILINE)
        assert "chromium" not in recipe.group(1).lower(), f"lint installs Chromium via {target}"
    assert any(
        "[test]"
        in (re.search(rf"^{re.escape(t)}:.*\n((?:\t.*\n)*)", MAKEFILE, re.MULTILINE).group(1))
        for t in seen
    )


def test_ci_runs_lint_and_fails_when_it_fails():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci
    commands = [line.strip() for line in ci.splitlines() if line.strip().startswith("make ")]
    assert commands.index("make lint") < commands.index("make test")
