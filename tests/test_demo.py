"""The demo collaborative is what a new facilitator sees first: it must be clean, current, and
tell its story under the kit's own default rules (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit import demo
from kit.content import change_concept_keys
from kit.demo import load_demo
from kit.qi import drivers, team
from kit.spc import analyze
from kit.store import Actor, Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    return demo.build_demo()


def test_demo_change_ideas_use_the_card_deck(records) -> None:
    keys = change_concept_keys()
    for diagram in records["driver_diagram"]:
        for idea in diagram.change_ideas:
            assert idea.change_concept is None or idea.change_concept in keys, idea
        assert not [w for w in drivers.check_diagram(diagram) if "deck" in w]


def test_demo_content_as_an_improvement_advisor_would_sign_it(records) -> None:
    """Issue 11: the aim's measure exists; socks are basics; the symbol serves risk assessment."""
    collab = records["collaborative"][0]
    assert "falls with harm" in collab.aim.lower()
    harm = [m for m in records["measure"] if "with harm" in m.name.lower()]
    assert harm and harm[0].measure_kind == "outcome" and harm[0].direction == "down"
    for diagram in records["driver_diagram"]:
        secondary = {s.id: s.text for s in diagram.secondary_drivers}
        for idea in diagram.change_ideas:
            if "non-slip socks" in idea.text.lower():
                assert idea.change_concept == "take_care_of_basics"
            if "falls-risk symbol" in idea.text.lower():
                assert [secondary[s] for s in idea.secondary_ids] == [
                    "Risk assessed within 24 hours"
                ]


def test_demo_has_seven_wards_two_years_of_data_and_one_roster_gap(records) -> None:
    assert len(records["team"]) == 7
    periods = {o.period for o in records["observation"]}
    assert len(periods) == demo.MONTHS == 24
    ls1 = next(m for m in records["collaborative"][0].timeline if m.kind == "learning_session")
    assert sum(p < ls1.start.replace(day=1) for p in periods) == demo.BASELINE_MONTHS
    gaps = [t.name for t in records["team"] if t.missing_roles()]
    assert gaps == ["St Anne's Medical Unit"]
    assert "no day-to-day leader" in team.roster_warnings(records["team"][2])[0]


def _falls(records, team_id: str):
    rows = sorted(
        (o for o in records["observation"] if o.measure_id == "m-falls" and o.team_id == team_id),
        key=lambda o: o.period,
    )
    return analyze(
        [o.numerator for o in rows],
        [o.denominator for o in rows],
        chart="u",
        direction="down",
        multiply=1000,
    )


def test_the_demo_story_shows_under_the_default_rules(records) -> None:
    """Improving wards signal, in the direction wanted; wards that never improve do not.

    The kit's default: a U chart with Anhøj's rules (``kit.spc.analyze``). A runs signal says
    the variation is not random; the direction is read from the points after the change,
    which sit below the centre line, and no point after LS1 is a concern.
    """
    for team_id in demo.IMPROVING:
        result = _falls(records, team_id)
        after = result.points.iloc[demo.BASELINE_MONTHS :]
        assert result.phases["runs_signal"].iloc[0], team_id
        assert after["y"].tail(8).mean() < result.points["cl"].iloc[0], team_id
        assert not (after["variation"].astype(str) == "concern").any(), team_id
    for team_id in demo.NOT_IMPROVING:
        result = _falls(records, team_id)
        assert not result.phases["runs_signal"].iloc[0], team_id
        assert not result.points["signal"].any(), team_id
    assert set(demo.IMPROVING) == {
        "team-riverside",
        "team-northfield",
        "team-eastgate",
        "team-kingsway",
    }
    assert set(demo.NOT_IMPROVING) == {"team-stanne", "team-millbrook"}


def test_riverside_aim_is_its_baseline_data(records) -> None:
    aim = next(a for a in records["aim"] if a.team_id == "team-riverside")
    rows = [
        o
        for o in records["observation"]
        if o.team_id == "team-riverside"
        and o.measure_id == "m-falls"
        and o.period < aim.baseline_period_end
    ]
    rate = sum(o.numerator for o in rows) / sum(o.denominator for o in rows) * 1000
    assert (aim.baseline, aim.target) == (round(rate, 1), 2.9) == (4.1, 2.9)


def test_shipped_workbook_matches_the_builder(tmp_path: Path) -> None:
    """datasets/demo-collaborative.json is regenerated with `python -m kit.datasets`."""
    fresh = tmp_path / "demo.json"
    demo.write_demo_workbook(str(fresh))
    shipped = ROOT / "datasets" / "demo-collaborative.json"
    assert json.loads(fresh.read_text()) == json.loads(shipped.read_text())


def test_load_demo_keeps_the_sign_in_details(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'kit.sqlite3'}") as store:
        assert load_demo(store) == "demo-falls"
        facilitator = store.sign_in_facilitator("demo-falls", "demo-facilitator")
        assert facilitator.role == "facilitator"
        for code, team_id in (
            ("RIV-2026", "team-riverside"),
            ("NOR-2026", "team-northfield"),
            ("ANN-2026", "team-stanne"),
        ):
            assert store.join(code).team_id == team_id
        assert store.join_codes("demo-falls", Actor.system()) == demo.JOIN_CODES


def test_bts_kit_demo_loads_a_generated_collaborative_beside_the_demo(
    tmp_path: Path, capsys
) -> None:
    from kit.cli import main

    url = f"sqlite:///{tmp_path / 'kit.sqlite3'}"
    args = ["--database", url, "demo", "--topic", "sepsis", "--teams", "30", "--months", "36"]
    assert main([*args, "--seed", "7"]) == 0
    assert "sepsis-7" in capsys.readouterr().out
    assert main(["--database", url, "demo"]) == 0
    assert main([*args, "--seed", "7"]) == 2
    assert "already" in capsys.readouterr().err
    assert main(["--database", url, "demo", "--teams", "101"]) == 2
    assert "3 to 100 teams" in capsys.readouterr().err
    with Store.open(url) as store:
        frame = store.observations(Actor.system(), collaborative_id="sepsis-7")
        assert len(frame) == 30 * 36 * 3
        assert store.sign_in_facilitator("sepsis-7", "demo-facilitator").role == "facilitator"


# --- the demo is current whenever it is loaded (issue 10) ----------------------------------


def _loaded(today):
    from kit.qi import Aim, Collaborative

    with Store.open("sqlite://") as store:
        load_demo(store, today=today)
        actor = Actor.system()
        collab = store.find(Collaborative, actor)[0].record
        aims = [s.record for s in store.find(Aim, actor)]
    return collab, aims


def test_loaded_for_its_present_month_the_demo_keeps_the_shipped_dates() -> None:
    shipped = demo.build_demo()["collaborative"][0]
    collab, aims = _loaded(demo.PRESENT_MONTH)
    assert collab.timeline == shipped.timeline
    assert collab.aim == shipped.aim
    assert {a.by_when for a in aims} == {
        m.end for m in shipped.timeline if m.kind == "action_period" and m.number == 3
    }


@pytest.mark.parametrize("months_later", [0, 1, 7, 14, 40])
def test_the_demo_loaded_later_is_as_current_as_on_the_day_it_was_made(months_later) -> None:
    """Issue 10: the demo's dates were fixed, so its aims' "by when" passed with real time and
    were flagged as past. Loaded any day, its aims are due at least 3 months ahead and before
    the collaborative closes, and the aim review judges every date as it did when shipped."""
    import datetime as dt

    from kit.datasets.shift import shift_date
    from kit.qi.aim_review import review_aim

    today = shift_date(dt.date(2026, 11, 20), months_later)
    collab, aims = _loaded(today)
    closes = max(m.end for m in collab.timeline)
    assert closes > today
    for aim in aims:
        finding = review_aim(aim, today=today, ends_on=closes).finding("by_when")
        assert finding.status == "ok", finding.message
    shipped = demo.build_demo()["collaborative"][0].timeline
    for moved, original in zip(collab.timeline, shipped, strict=True):
        assert moved.start == shift_date(original.start, months_later)
        assert moved.end == demo.shifted(original.end, today)
        if moved.kind in {"learning_session", "closing_congress"}:
            assert moved.end - moved.start == original.end - original.start
    assert f"by {demo.shifted(dt.date(2027, 3, 1), today):%B %Y}" in collab.aim


def test_moving_a_workbook_moves_dates_months_ids_and_dates_in_words() -> None:
    import datetime as dt

    from kit.datasets.shift import shift_date, shift_workbook

    assert shift_date(dt.date(2026, 5, 31), 1) == dt.date(2026, 6, 30)  # a month-end stays one
    assert shift_date(dt.date(2026, 1, 30), 1) == dt.date(2026, 2, 28)
    assert shift_date(dt.date(2026, 2, 28), 1) == dt.date(2026, 3, 31)
    assert shift_date(dt.date(2026, 3, 16), -15) == dt.date(2024, 12, 16)
    book = {
        "records": {
            "assessment": [
                {
                    "id": "as-team-x-f-202612",
                    "team_id": "team-x",
                    "month": "2026-12-01",
                    "rated_at": "2026-12-25T10:00:00Z",
                }
            ],
            "pdsa_cycle": [{"plan_when": "1 day from 06 December 2026", "note": "by March 2027"}],
        },
        "observations": [{"id": "o-team-x-falls-2026-12", "period": "2026-12", "value": 2026}],
    }
    moved = shift_workbook(book, 2)
    assert moved["records"]["assessment"] == [
        {
            "id": "as-team-x-f-202702",
            "team_id": "team-x",
            "month": "2027-02-01",
            "rated_at": "2027-02-25T10:00:00Z",
        }
    ]
    assert moved["records"]["pdsa_cycle"] == [
        {"plan_when": "1 day from 06 February 2027", "note": "by May 2027"}
    ]
    assert moved["observations"] == [
        {"id": "o-team-x-falls-2027-02", "period": "2027-02", "value": 2026}
    ]
    assert shift_workbook(book, 0) == book
