"""Set-up and topic selection: the page, one section per part of the model.

The facilitator sees the charter, the timeline (with its Bokeh chart), enrolment (teams,
members, BTS-role warnings, join codes) and the vote's topics and weights; everyone sees the
charter and timeline read-only, their own ballot and the shared results (ranking, readiness
advice and the spread of every individual rating).

Each section is its own class and module (``charter.py``, ``timeline.py``, ``enrolment.py``,
``topics.py``, ``ballot.py``, ``results.py``) over the one ``SetupModel``; this page is the
``StepView`` they save through (``kit/ui/step.py``): text when typing pauses, choices and
dates at once, a bad value beside its field, a stale edit as the conflict banner.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from kit.steps.setup.model import SetupModel
from kit.steps.setup.view.ballot import NO_SCORE, BallotSection
from kit.steps.setup.view.charter import CharterSection, SummarySection
from kit.steps.setup.view.enrolment import EnrolmentSection, OwnTeamSection
from kit.steps.setup.view.results import ResultsSection
from kit.steps.setup.view.section import Section
from kit.steps.setup.view.timeline import TimelineSection
from kit.steps.setup.view.topics import TopicsSection
from kit.ui.app import AppContext, AppShell, run
from kit.ui.step import StepView

__all__ = ["NO_SCORE", "SetupView", "app", "build"]


class SetupView(StepView[SetupModel]):
    """The set-up and topic-selection page for one signed-in person."""

    css_class = "kit-setup"

    def __init__(self, context: AppContext, model: SetupModel) -> None:
        super().__init__(context, model)
        self.timeline = TimelineSection(self)
        sections: list[Section]
        if model.is_facilitator:
            self.charter = CharterSection(self)
            self.enrolment = EnrolmentSection(self)
            self.topics = TopicsSection(self)
            sections = [self.charter, self.timeline, self.enrolment, self.topics]
        else:
            self.summary = SummarySection(self)
            self.own_team = OwnTeamSection(self)
            sections = [self.summary, self.timeline, self.own_team]
        self.ballot = BallotSection(self)
        self.results = ResultsSection(self)
        self.sections = [*sections, self.ballot, self.results]
        self.children = [self.conflict, *self.sections]
        self.load()

    def show_model(self) -> None:
        for section in self.sections:
            section.show()


def build(context: AppContext) -> w.Widget:
    return SetupView(context, SetupModel(context.store, context.actor))


def app(store: Any = None, params: dict[str, str] | None = None) -> AppShell:
    """The set-up and topic-selection app; ``params`` stands in for the query string in tests."""
    shell = AppShell(
        "Set-up and topic selection", build, audience="everyone", store=store, css_name="setup"
    )
    if params is not None:
        return shell.start(params)
    return run(shell, uses_bokeh=True)
