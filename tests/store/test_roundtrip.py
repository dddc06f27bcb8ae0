"""Every record kind survives the store unchanged, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.errors import KitInputError
from kit.qi import (
    RECORD_TYPES,
    Aim,
    Assessment,
    ChangeIdea,
    Collaborative,
    Criterion,
    DriverDiagram,
    FacultyMember,
    Measure,
    Member,
    Milestone,
    MonthlyReport,
    Observation,
    OperationalDefinition,
    PDSACycle,
    PrimaryDriver,
    Record,
    SecondaryDriver,
    Team,
    TopicBallot,
    TopicCandidate,
    TopicSelection,
)
from kit.qi.agenda import Agenda, AgendaBlock, AgendaDay
from kit.qi.chart_settings import ChartSettings, ExcludedPoint
from kit.qi.feedback import FeedbackComment
from kit.store import Actor, Store

from .conftest import SYSTEM, World


def full_records(world: World) -> list[Record]:
    """One richly filled record of every kind, hostile text included."""
    c, north = world.collaborative.id, world.north.id
    primary = PrimaryDriver(text="Reliable discharge planning")
    secondary = SecondaryDriver(text="Plan from admission", primary_ids=[primary.id])
    idea = ChangeIdea(
        text="Estimated date of discharge on the board",
        secondary_ids=[secondary.id],
        change_concept="standardise",
        origin="adapted",
    )
    return [
        Collaborative(
            name="Ünïcode & <b>tags</b> 'quotes' \"double\"",
            topic="Discharge",
            aim="50% before noon",
            sponsor="Board",
            faculty=[FacultyMember(name="Dr Chair", role="chair")],
            timeline=[
                Milestone(kind="prework", start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 1)),
                Milestone(
                    kind="learning_session",
                    number=1,
                    start=dt.date(2026, 2, 2),
                    end=dt.date(2026, 2, 3),
                ),
            ],
            assessment_wording={"2.5": {"label": "Tests; no gains", "description": "=SUM(A1)"}},
        ),
        Agenda(
            collaborative_id=c,
            meeting="ls1",
            title="LS1, day one; <b>",
            date=dt.date(2026, 2, 2),
            timezone="Europe/London",
            days=[AgendaDay(blocks=[AgendaBlock(title="Welcome, all", minutes=20, app="02")])],
        ),
        Team(
            collaborative_id=c,
            name="East Ward",
            organisation="General Hospital",
            members=[
                Member(name="Lee", role="senior_leader", email="lee@example.org"),
                Member(name="Kim", role="day_to_day_leader"),
            ],
        ),
        TopicSelection(
            collaborative_id=c, criteria=[Criterion(key="impact", label="Impact", weight=2.5)]
        ),
        TopicCandidate(collaborative_id=c, title="Falls", description="=1+1 ; DROP TABLE x"),
        TopicBallot(collaborative_id=c, voter="Fay", scores={"t1": {"impact": 4}}),
        Aim(
            team_id=north,
            what="Discharges before noon",
            for_whom="adults",
            where="North Ward",
            measure_id=world.shared_measure.id,
            baseline=0.2,
            target=0.5,
            unit="%",
            direction="up",
            baseline_period_end=dt.date(2026, 3, 31),
            by_when=dt.date(2027, 3, 31),
            free_text="We will ... \n\t emoji 🚑",
        ),
        DriverDiagram(
            collaborative_id=c,
            team_id=north,
            aim_text="Home by noon",
            primary_drivers=[primary],
            secondary_drivers=[secondary],
            change_ideas=[idea],
        ),
        Measure(
            collaborative_id=c,
            team_id=north,
            name="Length of stay",
            measure_kind="balancing",
            definition=OperationalDefinition(
                numerator="days", denominator="", data_source="PAS", frequency="weekly"
            ),
            unit="days",
            direction="down",
            chart="xbar",
            multiply=1,
            baseline=6.25,
            target=5.0,
            driver_id=primary.id,
        ),
        Observation(
            measure_id=world.shared_measure.id,
            team_id=north,
            period=dt.date(2026, 4, 1),
            numerator=3,
            denominator=10,
            note="first month",
        ),
        ChartSettings(
            team_id=north,
            measure_id=world.shared_measure.id,
            phase_starts=[dt.date(2026, 6, 1)],
            baseline_end=dt.date(2026, 5, 1),
            excluded=[ExcludedPoint(period=dt.date(2026, 4, 1), reason="IT outage <b>'")],
        ),
        PDSACycle(
            team_id=north,
            change_idea_id=idea.id,
            title="EDD on the board, one bay",
            prediction="Half the bay",
            study_notes="Two thirds",
            act="adapt",
            measure_ids=[world.shared_measure.id],
            start=dt.date(2026, 4, 1),
            end=dt.date(2026, 4, 14),
        ),
        Assessment(
            team_id=north,
            month=dt.date(2026, 5, 1),
            score=2.5,
            rated_by="faculty",
            rater="Dr Chair",
            rated_at=dt.datetime(2026, 5, 3, 10, 30, tzinfo=dt.UTC),
        ),
        MonthlyReport(
            team_id=north, month=dt.date(2026, 5, 1), accomplishments="Started", submitted=True
        ),
        FeedbackComment(
            team_id=north,
            about="report",
            target="2026-05-01",
            author="Dr Chair",
            by_faculty=True,
            text="<script>alert('x')</script>\n=SUM(A1) 🚑",
            created_at=dt.datetime(2026, 5, 4, 9, 15, 30, 123456, tzinfo=dt.UTC),
        ),
    ]


def test_samples_cover_every_kind(world: World) -> None:
    assert {r.kind for r in full_records(world)} == set(RECORD_TYPES)


def test_every_kind_round_trips(world: World) -> None:
    store = world.store
    for record in full_records(world):
        saved = store.save(record, SYSTEM, expected_version=None)
        assert saved.version == 1
        loaded = store.get(type(record), record.id, SYSTEM)
        assert loaded.record == record, record.kind
        assert loaded.record.model_dump(mode="json") == record.model_dump(mode="json")
        assert loaded.version == 1
        assert loaded.updated_by == "Breakthrough Kit"
        assert loaded.updated_at.tzinfo is not None
        assert record.id in [s.record.id for s in store.find(type(record), SYSTEM)]
        changed = store.save(loaded.record, SYSTEM, expected_version=1)
        assert changed.version == 2
        assert store.get(type(record), record.id, SYSTEM).record == record


def test_find_filters_by_collaborative_team_and_fields(world: World) -> None:
    store = world.store
    other = store.save(Collaborative(name="Other"), SYSTEM, expected_version=None).record
    store.save(
        Measure(collaborative_id=other.id, name="X", measure_kind="outcome", direction="up"),
        SYSTEM,
        expected_version=None,
    )
    mine = store.find(Measure, SYSTEM, collaborative_id=world.collaborative.id)
    assert {s.record.name for s in mine} == {"Discharges before noon", "Falls"}
    shared = store.find(Measure, SYSTEM, collaborative_id=world.collaborative.id, team_id=None)
    assert [s.record.name for s in shared] == ["Discharges before noon"]
    north = store.find(Measure, SYSTEM, team_id=world.north.id)
    assert [s.record.name for s in north] == ["Falls"]
    by_field = store.find(Measure, SYSTEM, measure_kind="outcome")
    assert {s.record.name for s in by_field} == {"Falls", "X"}
    aims = store.find(Aim, SYSTEM, collaborative_id=world.collaborative.id)
    assert {s.record.id for s in aims} == {world.north_aim.id, world.south_aim.id}
    with pytest.raises(KitInputError, match="no field 'colour'"):
        store.find(Measure, SYSTEM, colour="red")


def test_missing_record_is_not_found(store: Store) -> None:
    with pytest.raises(KitInputError, match="not found"):
        store.get(Aim, "nope", SYSTEM)


def test_references_must_exist(store: Store) -> None:
    with pytest.raises(KitInputError, match="Team 'ghost' not found"):
        store.save(Aim(team_id="ghost"), SYSTEM, expected_version=None)
    with pytest.raises(KitInputError, match="Collaborative 'ghost' not found"):
        store.save(Team(collaborative_id="ghost", name="T"), SYSTEM, expected_version=None)


def test_observations_frame(world: World) -> None:
    store = world.store
    points = [
        Observation(
            measure_id=world.north_measure.id,
            team_id=world.north.id,
            period=dt.date(2026, m, 1),
            value=float(m),
        )
        for m in (3, 1, 2)
    ]
    assert store.put_observations(points, SYSTEM) == 3
    assert store.put_observations(points, SYSTEM) == 0  # identical: nothing new
    frame = store.observations(SYSTEM, measure_id=world.north_measure.id)
    assert list(frame.columns) == [
        "id",
        "measure_id",
        "team_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "note",
    ]
    assert [p.month for p in frame["period"]] == [1, 2, 3]
    assert frame["value"].tolist() == [1.0, 2.0, 3.0]
    assert frame["numerator"].isna().all()
    # upsert by (measure, team, period): a corrected value replaces, history keeps the old one
    fix = Observation(
        measure_id=world.north_measure.id,
        team_id=world.north.id,
        period=dt.date(2026, 2, 1),
        value=20.0,
    )
    assert store.put_observations([fix], SYSTEM) == 1
    frame = store.observations(SYSTEM, team_id=world.north.id)
    assert frame["value"].tolist() == [1.0, 20.0, 3.0]
    kept_id = frame["id"].tolist()[1]
    history = store.revisions(Observation, kept_id, SYSTEM)
    assert [r.record.value for r in history] == [2.0, 20.0]
    empty = store.observations(SYSTEM, team_id=world.south.id)
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_put_observations_is_all_or_nothing(world: World) -> None:
    good = Observation(
        measure_id=world.shared_measure.id,
        team_id=world.north.id,
        period=dt.date(2026, 1, 1),
        numerator=1,
        denominator=2,
    )
    bad = Observation(
        measure_id=world.shared_measure.id,
        team_id=world.north.id,
        period=dt.date(2026, 2, 1),
        numerator=5,
        denominator=2,
    )
    with pytest.raises(KitInputError, match="larger than the denominator"):
        world.store.put_observations([good, bad], SYSTEM)
    assert world.store.observations(SYSTEM).empty
    with pytest.raises(KitInputError, match="twice|Two data points"):
        world.store.put_observations([good, good.model_copy(update={"id": "x2"})], SYSTEM)
    assert world.store.observations(SYSTEM).empty


def test_observation_period_is_unique_per_measure_and_team(world: World) -> None:
    point = Observation(
        measure_id=world.north_measure.id,
        team_id=world.north.id,
        period=dt.date(2026, 1, 1),
        value=1,
    )
    world.store.save(point, SYSTEM, expected_version=None)
    again = point.model_copy(update={"id": "another"})
    with pytest.raises(KitInputError, match="already a value for Jan 2026"):
        world.store.save(again, SYSTEM, expected_version=None)


def test_store_opens_twice_and_reopens(db_url: str) -> None:
    with Store.open(db_url) as first:
        saved = first.save(Collaborative(name="C"), Actor.system(), expected_version=None)
    with Store.open(db_url) as second:
        assert second.get(Collaborative, saved.record.id, SYSTEM).record.name == "C"
