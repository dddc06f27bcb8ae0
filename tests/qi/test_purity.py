"""kit.qi and kit.content stay pure: no widgets, no Bokeh, no database driver.

Run in a fresh interpreter, because this test session may already have imported them.
"""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("ipywidgets", "bokeh", "sqlalchemy", "psycopg", "jupyter_bokeh", "traitlets")

SCRIPT = """
import sys
import kit.qi, kit.content
import kit.qi.aims, kit.qi.topics, kit.qi.drivers, kit.qi.team
kit.content.change_concepts(); kit.content.glossary()
loaded = sorted({name.split('.')[0] for name in sys.modules} & set(sys.argv[1:]))
print(','.join(loaded))
"""


def test_pure_layers_import_no_widgets_bokeh_or_database() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *FORBIDDEN],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "", f"pure layers loaded: {result.stdout.strip()}"
