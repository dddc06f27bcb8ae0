"""The exercise models import no widgets, Bokeh or database driver (the pure-layer rule)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = (
    "import sys\nimport kit.exercises.red_beads, kit.exercises.funnel\n"
    "bad = {'ipywidgets', 'bokeh', 'sqlalchemy', 'psycopg', 'jupyter_bokeh', 'traitlets'}\n"
    "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & bad)))\n"
)


def test_exercise_models_are_pure() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
