"""The exercise apps: one builder per exercise, each an ``ExerciseView`` over the room model,
wrapped in the kit's ``AppShell`` (sign-in, header) like every step. The ids and titles are
the ``exercises:`` entries of ``kit/content/apps.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from kit.exercises.room import RoomModel
from kit.exercises.views.base import ExerciseView
from kit.ui.app import AppContext, AppShell, run


def _red_beads(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises.views.red_beads_view import RedBeadsView

    return RedBeadsView(context, model)


def _funnel(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises.views.funnel_view import FunnelView

    return FunnelView(context, model)


def _signals(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises.views.signals_view import SignalView

    return SignalView(context, model)


def _sampling(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises.views.sampling_view import SamplingView

    return SamplingView(context, model)


def _aims(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises import sorting
    from kit.exercises.views.sorting_view import SortView

    return SortView(
        context,
        model,
        sorting.aim_items(),
        sorting.AIM_GROUPS,
        "Is each of these a good aim or a poor one? A good aim says what will improve, how "
        "much, by when, for whom and where.",
    )


def _measures(context: AppContext, model: RoomModel) -> ExerciseView:
    from kit.exercises import sorting
    from kit.exercises.views.sorting_view import SortView

    return SortView(
        context,
        model,
        sorting.measure_items(),
        sorting.MEASURE_GROUPS,
        "Which kind of measure is each of these: outcome, process or balancing?",
    )


#: exercise id -> (builder, whether it draws Bokeh charts)
BUILDERS: dict[str, tuple[Callable[[AppContext, RoomModel], ExerciseView], bool]] = {
    "red-beads": (_red_beads, True),
    "funnel": (_funnel, True),
    "spot-the-signal": (_signals, True),
    "sampling": (_sampling, True),
    "good-aim": (_aims, False),
    "measure-kind": (_measures, False),
}


def build(exercise: str, context: AppContext) -> w.Widget:
    builder, _charts = BUILDERS[exercise]
    view = builder(context, RoomModel(context.store, context.actor, exercise))
    view.load()
    view.start_polling()
    return view


def app(exercise: str, store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The exercise ``exercise`` (its id in apps.yaml); ``params`` stand in for the page's
    query string in tests."""
    from kit.apps import exercises

    if exercise not in BUILDERS:
        raise KeyError(f"No exercise '{exercise}'; the exercises are {', '.join(BUILDERS)}.")
    title = next((e.title for e in exercises() if e.id == exercise), exercise)
    shell = AppShell(
        title, lambda context: build(exercise, context), store=store, css_name=exercise
    )
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=BUILDERS[exercise][1])


__all__ = ["BUILDERS", "app", "build"]
