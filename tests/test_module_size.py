"""No module in ``kit/`` over 600 lines: a file that long is doing several jobs, and the next
app would copy its plumbing again (issue 9). Split along the seams instead."""

from __future__ import annotations

from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"
LIMIT = 600
MODULES = sorted(KIT.rglob("*.py"))


def test_the_kit_has_modules():
    assert len(MODULES) > 20


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(KIT.parent)))
def test_no_module_is_over_600_lines(module: Path):
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{module.relative_to(KIT.parent)} has {lines} lines (limit {LIMIT})"
