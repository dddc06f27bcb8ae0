"""Collaborative dashboard: every team at a glance for the facilitator, refreshed live."""

from __future__ import annotations

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    """``app`` is imported on first use, so importing the model loads no widgets."""
    if name == "app":
        from kit.steps.dashboard.view import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
