"""Change package and driver diagrams: the collaborative's package, adopted and adapted by teams."""

from kit.steps.change_package.view import app

__all__ = ["app"]
