"""Start here: the BTS journey as a map of the apps, signing in, and the facilitator's join codes.

``app`` is imported when first used, so ``kit.steps.start.model`` loads no widgets.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from kit.steps.start.view import app

        return app
    raise AttributeError(f"module 'kit.steps.start' has no attribute {name!r}")
