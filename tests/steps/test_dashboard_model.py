"""The dashboard's model on the demo: filters and orders from ``kit.qi.dashboard``, the
fingerprint that decides whether a refresh recomputes, and who may open it."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError, PermissionDenied
from kit.qi import Observation
from kit.qi.dashboard import filter_statuses, sort_statuses
from kit.steps.dashboard.model import DashboardModel, fingerprint
from kit.store import Actor

FACULTY = Actor("facilitator", None, "Facilitator", "demo-falls")


def test_rows_apply_the_qi_filters_and_orders(store):
    model = DashboardModel(store, Actor.system("test"))
    assert len(model.rows()) == 7
    expected = sort_statuses(filter_statuses(model.statuses, signal="improving"), "overdue")
    assert model.rows("overdue", signal="improving") == expected
    assert model.rows(completeness="below_50") == filter_statuses(
        sort_statuses(model.statuses), below_completeness=0.5
    )
    with pytest.raises(KitInputError, match="not one of the filters"):
        model.rows(signal="sometimes")


def test_refresh_recomputes_only_after_a_change(store):
    model = DashboardModel(store, Actor.system("test"))
    statuses = model.statuses
    assert model.refresh() is False and model.statuses is statuses
    measure = model.measures()[0]
    store.put_observations(
        [Observation(measure_id=measure.id, team_id="team-harbour", period=dt.date(2027, 3, 1),
                     numerator=1, denominator=800)],
        Actor.system("test"),
    )  # fmt: skip
    assert model.refresh() is True and model.statuses is not statuses
    assert model.months()[-1] == dt.date(2027, 3, 1)
    assert fingerprint(model.records) == model.digest


def test_a_team_member_may_not_open_the_dashboard(store):
    with pytest.raises(PermissionDenied):
        DashboardModel(store, Actor("participant", "team-riverside", "Riverside", "demo-falls"))


def test_shared_measures_come_outcome_first_and_teams_charted_by_name(store):
    model = DashboardModel(store, FACULTY)
    kinds = [str(m.measure_kind) for m in model.measures()]
    assert kinds == sorted(kinds, key=["outcome", "process", "balancing"].index)
    teams = model.charted_teams(model.measures()[0].id)
    names = [model.team_name(t) for t in teams]
    assert names == sorted(names, key=str.casefold) and len(teams) == 7
