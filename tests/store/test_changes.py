"""The store announces committed saves in this process (``kit/store/changes.py``)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from kit.demo import PRESENT_MONTH, load_demo
from kit.errors import KitInputError
from kit.qi import Observation
from kit.qi.chart_settings import ChartSettings
from kit.store import Actor, Store, changes

RIVERSIDE = Actor.participant("team-riverside", "Riverside", "demo-falls")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("changes") / "kit.sqlite3"
    opened = Store.open(f"sqlite:///{path}")
    load_demo(opened, today=PRESENT_MONTH)  # the shipped dates: 2027-03 follows the last
    yield opened
    opened.close()


def test_saves_are_announced_with_their_kind_and_team(store) -> None:
    heard: list[changes.Change] = []
    stop = changes.listen(heard.append)
    try:
        store.put_observations(
            [
                Observation(
                    measure_id="m-falls",
                    team_id="team-riverside",
                    period=dt.date(2027, 3, 1),
                    numerator=2,
                    denominator=900,
                )
            ],
            RIVERSIDE,
        )
        store.save(ChartSettings(team_id="team-riverside", measure_id="m-falls"), RIVERSIDE,
                   expected_version=None)  # fmt: skip
    finally:
        stop()
    assert [(c.kind, c.team_ids, c.store is store) for c in heard] == [
        ("observation", frozenset({"team-riverside"}), True),
        ("chart_settings", frozenset({"team-riverside"}), True),
    ]


def test_a_refused_save_is_not_announced_and_a_failing_listener_harms_no_one(store) -> None:
    heard: list[changes.Change] = []

    def broken(_change: changes.Change) -> None:
        raise RuntimeError("listener bug")

    stops = [changes.listen(broken), changes.listen(heard.append)]
    try:
        with pytest.raises(KitInputError):
            store.save(ChartSettings(team_id="team-nowhere", measure_id="m"), RIVERSIDE,
                       expected_version=None)  # fmt: skip
        assert heard == []
        store.save(ChartSettings(team_id="team-riverside", measure_id="m-harm"), RIVERSIDE,
                   expected_version=None)  # fmt: skip
        assert len(heard) == 1
    finally:
        for stop in stops:
            stop()


def test_listeners_are_held_weakly(store) -> None:
    class Chart:
        def __init__(self) -> None:
            self.heard = 0

        def on_change(self, _change: changes.Change) -> None:
            self.heard += 1

    chart = Chart()
    changes.listen(chart.on_change)
    before = len(changes._listeners)
    del chart
    gc.collect()
    changes.announce(store, "observation", {"team-riverside"})
    assert len(changes._listeners) == before - 1
