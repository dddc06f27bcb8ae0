"""Aim: the team's aim built from its elements, composed live, with feedback on each."""

from kit.steps.aim.view import app

__all__ = ["app"]
