"""The models refuse, not only the views: every step model a participant's page holds refuses
another team's work and the facilitator's functions when called directly, as a crafted widget
message would reach them if a view forgot its own check.

``tests/security/test_access_widgets.py`` sends the messages through the widgets; this module
calls the models the widgets' handlers call, with the values a crafted message could carry,
and proves the store is unchanged afterwards.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kit.errors import PermissionDenied
from kit.exercises.room import RoomModel
from kit.steps.aim.model import AimModel
from kit.steps.assessment.model import AssessmentModel
from kit.steps.change_package.model import ChangePackageModel
from kit.steps.charts.model import ChartsModel
from kit.steps.dashboard.model import DashboardModel
from kit.steps.pdsa.model import PDSAModel
from kit.steps.report.model import ReportModel
from kit.steps.sessions.model import SessionsModel
from kit.steps.setup.model import SetupModel
from kit.store import Actor, Store

from .hostile import COLLAB, OTHER_TEAM, TEAM
from .test_access_widgets import rows_outside

ME = Actor.participant(TEAM, "Riverside member", COLLAB)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    from kit.demo import load_demo

    path = tmp_path_factory.mktemp("access-models") / "kit.sqlite3"
    with Store.open(f"sqlite:///{path}") as store:
        load_demo(store)
    return path


@pytest.fixture
def store(demo_file: Path, tmp_path: Path) -> Iterator[Store]:
    target = tmp_path / "kit.sqlite3"
    shutil.copy(demo_file, target)
    with Store.open(f"sqlite:///{target}") as opened:
        yield opened


TEAM_MODELS = [AimModel, PDSAModel, ReportModel, ChartsModel, ChangePackageModel]


@pytest.mark.parametrize("model", TEAM_MODELS, ids=lambda m: m.__name__)
def test_a_team_model_refuses_another_team(store: Store, model: type) -> None:
    before = rows_outside(str(store.url), TEAM)
    with pytest.raises(PermissionDenied):
        model(store, ME, OTHER_TEAM)  # a crafted ?team= or picker value at build time
    opened = model(store, ME)
    choose = getattr(opened, "select_team", None) or opened.select
    with pytest.raises(PermissionDenied):
        choose(OTHER_TEAM)  # a crafted team picker value afterwards
    assert opened.team_id == TEAM
    assert rows_outside(str(store.url), TEAM) == before


def _setup(store: Store) -> SetupModel:
    return SetupModel(store, ME)


#: the facilitator's functions, each called as a participant would reach it
FACULTY_CALLS: dict[str, Callable[[Store], Any]] = {
    "the dashboard": lambda s: DashboardModel(s, ME),
    "the learning-session agendas": lambda s: SessionsModel(s, ME),
    "the collaborative's rule set": lambda s: ChartsModel(s, ME).set_collaborative_rules("ihi"),
    "rewording the assessment scale": lambda s: AssessmentModel(s, ME).set_wording(
        3.0, "Hacked", "Hacked"
    ),
    "resetting the assessment wording": lambda s: AssessmentModel(s, ME).reset_wording(3.0),
    "rating another team": lambda s: _rate_other(s),
    "opening an exercise for the room": lambda s: RoomModel(s, ME, "red-beads").open_room({}),
    "the charter": lambda s: _setup(s).update_charter(aim="Hacked"),
    "the faculty list": lambda s: _setup(s).add_faculty_member("Mallory", "chair"),
    "adding a team": lambda s: _setup(s).add_team("Mallory's ward"),
    "renaming another team": lambda s: _setup(s).update_team(OTHER_TEAM, name="Hacked"),
    "renaming one's own team": lambda s: _setup(s).update_team(TEAM, name="Hacked"),
    "removing a team": lambda s: _setup(s).remove_team(OTHER_TEAM),
    "one's own team's members": lambda s: _setup(s).add_member(TEAM, "Mallory", "senior_leader"),
    "the join codes": lambda s: _setup(s).join_codes(),
    "a new join code": lambda s: _setup(s).new_join_code(OTHER_TEAM),
}


def _rate_other(store: Store) -> None:
    model = AssessmentModel(store, ME)
    month = model.months()[-1]
    model.rate(OTHER_TEAM, month, 1.0)


@pytest.mark.parametrize("what", list(FACULTY_CALLS))
def test_a_participant_cannot_reach_a_faculty_function(store: Store, what: str) -> None:
    before = rows_outside(str(store.url), TEAM)
    with pytest.raises(PermissionDenied):
        FACULTY_CALLS[what](store)
    assert rows_outside(str(store.url), TEAM) == before
