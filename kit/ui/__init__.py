"""Shared plumbing for the step apps: the shell, sign-in, alerts, save state, the step base.

Names are imported on first use (``__getattr__``), so importing ``kit.ui.session`` (the
sign-in tokens) loads no widgets; ``kit.ui.app``, ``kit.ui.widgets`` and ``kit.ui.step`` load
ipywidgets when something from them is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "APPS": "kit.ui.app",
    "AppContext": "kit.ui.app",
    "AppShell": "kit.ui.app",
    "load_bokeh": "kit.ui.app",
    "run": "kit.ui.app",
    "Identity": "kit.ui.session",
    "identify": "kit.ui.session",
    "issue_token": "kit.ui.session",
    "read_token": "kit.ui.session",
    "sign_in_with_code": "kit.ui.session",
    "ConflictBanner": "kit.ui.step",
    "StepView": "kit.ui.step",
    "edit_handler": "kit.ui.step",
    "Alert": "kit.ui.widgets",
    "Debouncer": "kit.ui.widgets",
    "SaveState": "kit.ui.widgets",
    "classed": "kit.ui.widgets",
    "guarded": "kit.ui.widgets",
    "message_for": "kit.ui.widgets",
    "wide": "kit.ui.widgets",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kit.ui' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
