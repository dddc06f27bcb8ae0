"""What every step model starts from: the store, and the store's ``Actor`` for the person.

A step model is plain Python over the store (no widgets: ``tests/qi/test_purity.py`` checks
it). It takes the ``Actor`` the store checks rights with, never the page's sign-in session,
so the same model serves a notebook, a script and a test. It offers ``reload()``, which the
view base (``kit/ui/step.py``) calls when someone chooses "Reload theirs" after a conflict.
"""

from __future__ import annotations

from typing import Any

from kit.errors import KitInputError
from kit.store.access import Actor


class StepModel:
    """The store and the person using a step; subclasses add the records they edit."""

    def __init__(self, store: Any, actor: Actor) -> None:
        if actor.role != "system" and not actor.collaborative_id:
            raise KitInputError("Sign in to a collaborative first.")
        self.store = store
        self.actor = actor

    @property
    def is_facilitator(self) -> bool:
        return self.actor.role == "facilitator"

    @property
    def collaborative_id(self) -> str:
        return str(self.actor.collaborative_id or "")

    @property
    def own_team_id(self) -> str | None:
        """The signed-in participant's team (None for faculty)."""
        return self.actor.team_id

    def reload(self) -> Any:
        """Read everything this step shows again from the store."""
        raise NotImplementedError
