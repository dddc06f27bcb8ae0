"""The pure layers stay pure: no widgets, no Bokeh, no Jupyter, no database driver.

``kit.qi`` and ``kit.content`` load no database library at all. Every step model (each
``kit/steps/<step>/model.py``, and every module of a ``model`` package, found on disk so a new
step is covered the day it is added) loads no widgets, charts or Jupyter modules, and nothing
of the widget layer ``kit.ui`` except the sign-in tokens. Each is imported in a fresh
interpreter, because this test session may already have imported them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kit

#: top-level packages a pure layer must never load
WIDGETS_AND_JUPYTER = (
    "ipywidgets",
    "bokeh",
    "jupyter_bokeh",
    "traitlets",
    "comm",
    "IPython",
    "ipykernel",
    "jupyter_client",
    "jupyter_core",
    "voila",
    "psycopg",
)
#: kit modules that are widgets or drawing
WIDGET_LAYERS = ("kit.ui.app", "kit.ui.widgets", "kit.ui.step", "kit.charts")

SCRIPT = """
import importlib, sys
for name in sys.argv[2].split(','):
    importlib.import_module(name)
exec(sys.argv[5])
forbidden = set(sys.argv[3].split(','))
layers = sys.argv[4].split(',')
loaded = {name.split('.')[0] for name in sys.modules} & forbidden
loaded |= {m for m in sys.modules for layer in layers if m == layer or m.startswith(layer + '.')}
print(','.join(sorted(loaded)))
"""


def loaded_by(modules: list[str], forbidden: tuple[str, ...], then: str = "pass") -> str:
    """Top-level packages in ``forbidden`` and widget layers loaded by importing ``modules``
    (then running ``then``) in a fresh interpreter, comma-separated."""
    args = [",".join(modules), ",".join(forbidden), ",".join(WIDGET_LAYERS), then]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "-", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def step_models() -> list[str]:
    """Every step model module on disk: ``kit/steps/*/model.py`` and ``kit/steps/*/model/*.py``."""
    steps = Path(kit.__file__).parent / "steps"
    files = sorted(steps.glob("*/model.py")) + sorted(steps.glob("*/model/**/*.py"))
    names = ["kit.steps.base", "kit.steps.versioned"]  # what every step model is built on
    for path in files:
        parts = path.relative_to(steps.parent.parent).with_suffix("").parts
        names.append(".".join(p for p in parts if p != "__init__"))
    return names


def test_every_step_folder_with_a_view_has_a_model_found():
    steps = Path(kit.__file__).parent / "steps"
    with_views = {p.parent.name for p in steps.glob("*/view.py")} | {
        p.parent.parent.name for p in steps.glob("*/view/__init__.py")
    }
    found = {name.split(".")[2] for name in step_models() if name.count(".") > 2}
    assert with_views and with_views <= found


def test_qi_and_content_import_no_widgets_bokeh_or_database() -> None:
    modules = [
        "kit.qi",
        "kit.content",
        "kit.qi.aims",
        "kit.qi.topics",
        "kit.qi.drivers",
        "kit.qi.team",
    ]
    calls = "import kit.content; kit.content.change_concepts(); kit.content.glossary()"
    loaded = loaded_by(modules, (*WIDGETS_AND_JUPYTER, "sqlalchemy"), calls)
    assert loaded == "", f"pure layers loaded: {loaded}"


@pytest.mark.parametrize("module", step_models())
def test_a_step_model_imports_no_widgets_charts_or_jupyter(module: str) -> None:
    loaded = loaded_by([module], WIDGETS_AND_JUPYTER)
    assert loaded == "", f"{module} loaded: {loaded}"


def test_the_check_sees_a_widget_import() -> None:
    """The check itself works: a view does load what a model must not."""
    assert "ipywidgets" in loaded_by(["kit.steps.aim.view"], WIDGETS_AND_JUPYTER)
