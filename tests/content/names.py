"""The names of apps and exercises that exist, for tests that check content and the guide
only mention things a facilitator can open.

``kit/content/apps.yaml`` lists the apps when it exists; until then the notebooks folder is
the list (each app is ``notebooks/NN-name.ipynb``, its id ``NN``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "kit" / "content"
NOTEBOOKS = ROOT / "notebooks"


def notebook_files() -> set[str]:
    """Every notebook a facilitator can open, as ``notebooks/<name>.ipynb``."""
    return {f"notebooks/{path.name}" for path in NOTEBOOKS.glob("*.ipynb")}


def _ids_in(data: Any, key_words: tuple[str, ...]) -> set[str]:
    """Two-digit ids found under any of ``key_words`` in a YAML tree of unknown shape."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and re.fullmatch(r"\d\d", key):
                found.add(key)
            if key in key_words and isinstance(value, str | int):
                found.add(f"{int(value):02d}" if str(value).isdigit() else str(value))
            found |= _ids_in(value, key_words)
    elif isinstance(data, list):
        for item in data:
            found |= _ids_in(item, key_words)
    return found


def app_ids() -> set[str]:
    """Ids of the apps that exist: from ``apps.yaml`` when present, else the notebooks."""
    from_notebooks = {name[len("notebooks/") :][:2] for name in notebook_files()}
    apps_file = CONTENT / "apps.yaml"
    if not apps_file.is_file():
        return from_notebooks
    listed = _ids_in(yaml.safe_load(apps_file.read_text(encoding="utf-8")), ("id", "app"))
    return {i for i in listed if re.fullmatch(r"\d\d", i)} or from_notebooks


def exercise_ids() -> set[str]:
    """Ids of the exercises that exist (listed in ``apps.yaml`` under ``exercises``)."""
    apps_file = CONTENT / "apps.yaml"
    if not apps_file.is_file():
        return set()
    data = yaml.safe_load(apps_file.read_text(encoding="utf-8")) or {}
    exercises = data.get("exercises", []) if isinstance(data, dict) else []
    if isinstance(exercises, dict):
        return {str(k) for k in exercises}
    return {str(e.get("id", e.get("key"))) for e in exercises if isinstance(e, dict)}
