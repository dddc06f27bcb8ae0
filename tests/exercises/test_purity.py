"""The exercise models import no widgets, Bokeh or database driver (the pure-layer rule); the
room model works over the store (like every step model) but loads no widgets or Jupyter."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = (
    "import importlib, sys\n"
    "for name in sys.argv[1].split(','): importlib.import_module(name)\n"
    "bad = set(sys.argv[2].split(','))\n"
    "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & bad)))\n"
)
WIDGETS = "ipywidgets,bokeh,jupyter_bokeh,traitlets,IPython,ipykernel,comm"
PURE = (
    "kit.exercises.red_beads,kit.exercises.funnel,kit.exercises.signals,"
    "kit.exercises.sorting,kit.exercises.sampling"
)


@pytest.mark.parametrize(
    ("modules", "bad"),
    [
        (PURE, WIDGETS + ",sqlalchemy,psycopg"),
        ("kit.exercises.room", WIDGETS),
    ],
    ids=["models", "room"],
)
def test_exercise_models_are_pure(modules: str, bad: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, modules, bad],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == ""
