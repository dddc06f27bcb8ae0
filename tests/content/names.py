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


def _apps_file() -> dict[str, Any]:
    """``kit/content/apps.yaml`` as data, or an empty mapping while it does not exist."""
    apps_file = CONTENT / "apps.yaml"
    if not apps_file.is_file():
        return {}
    data = yaml.safe_load(apps_file.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def app_ids() -> set[str]:
    """Ids (``"00"``-``"10"``) of the apps that exist: the number of each notebook listed in
    ``apps.yaml`` that is really in notebooks/, or every notebook while there is no list."""
    present = {name[len("notebooks/") :][:2]: name for name in notebook_files()}
    listed = [a.get("notebook", "") for a in _apps_file().get("apps", []) if isinstance(a, dict)]
    if not listed:
        return set(present)
    return {
        str(nb)[:2]
        for nb in listed
        if re.fullmatch(r"\d\d-.+\.ipynb", str(nb)) and f"notebooks/{nb}" in notebook_files()
    }


def exercise_ids() -> set[str]:
    """Ids of the exercises that exist (``apps.yaml``'s ``exercises`` list; none before it)."""
    exercises = _apps_file().get("exercises") or []
    if isinstance(exercises, dict):
        return {str(k) for k in exercises}
    return {str(e.get("id")) for e in exercises if isinstance(e, dict) and e.get("id")}
