"""Charts that teach: each measure's chart, the choice explained, and what it is telling you."""

from __future__ import annotations

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    """``app`` is imported on first use, so importing the model loads no widgets."""
    if name == "app":
        from kit.steps.charts.view import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
