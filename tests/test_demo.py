"""The demo collaborative is what a new facilitator sees first: it must be clean and current."""

from __future__ import annotations

import json
from pathlib import Path

from kit import demo
from kit.content import change_concept_keys
from kit.qi import drivers, team

ROOT = Path(__file__).resolve().parents[1]


def test_demo_change_ideas_use_the_card_deck() -> None:
    keys = change_concept_keys()
    for diagram in demo.build_demo()["driver_diagram"]:
        for idea in diagram.change_ideas:
            assert idea.change_concept is None or idea.change_concept in keys, idea
        assert not [w for w in drivers.check_diagram(diagram) if "deck" in w]


def test_demo_has_three_teams_a_year_of_data_and_one_roster_gap() -> None:
    records = demo.build_demo()
    assert len(records["team"]) == 3
    periods = {o.period for o in records["observation"]}
    assert len(periods) == 12
    gaps = [t.name for t in records["team"] if team.roster_warnings(t)]
    assert "St Anne's Medical Unit" in gaps


def test_shipped_workbook_matches_the_builder(tmp_path: Path) -> None:
    """datasets/demo-collaborative.json is regenerated with `make demo-workbook`."""
    fresh = tmp_path / "demo.json"
    demo.write_demo_workbook(str(fresh))
    shipped = ROOT / "datasets" / "demo-collaborative.json"
    assert json.loads(fresh.read_text()) == json.loads(shipped.read_text())
