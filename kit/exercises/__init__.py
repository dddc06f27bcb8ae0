"""Teaching experiments on variation, and the guided apps that run them in a room.

The models are pure (numpy, kit.spc, kit.qi; no widgets, Bokeh or database):
:mod:`kit.exercises.red_beads` (Deming's red beads), :mod:`kit.exercises.funnel` (his funnel
and its four rules), :mod:`kit.exercises.signals` (spot the signal, scored under a rule set),
:mod:`kit.exercises.sampling` (sample size and drifting definitions), :mod:`kit.exercises.sorting`
(good aim or poor, which kind of measure) and :mod:`kit.exercises.room` (room mode: the
facilitator's room and the participants' answers in the store). The views are in
``kit/exercises/views/``; a notebook's one call is ``from kit.exercises import app;
app("red-beads")``, imported lazily so that importing a model loads no widgets.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from kit.exercises.views import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
