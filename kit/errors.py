"""Exceptions whose messages are written to be shown to a participant as they are.

Every layer raises these instead of library-specific errors so that the apps can show
``str(error)`` beside the field without parsing or rewording it.
"""

from __future__ import annotations


class KitInputError(ValueError):
    """Input that a participant can fix; the message says what is wrong and how to fix it."""


class Conflict(RuntimeError):
    """Someone else saved this record since it was loaded; nothing was overwritten."""


class PermissionDenied(PermissionError):
    """The caller's role may not do this (a team editing another team, for example)."""
