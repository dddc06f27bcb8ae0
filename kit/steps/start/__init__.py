"""Start here: the BTS journey as a map of the apps, signing in, and the facilitator's join codes."""

from kit.steps.start.view import app

__all__ = ["app"]
