"""Every generated collaborative is coherent by the kit's own rules and imports through a workbook."""

from __future__ import annotations

import pytest

from kit.content import change_concept_keys
from kit.datasets import TOPICS, Settings, generate
from kit.datasets.export import workbook
from kit.qi import drivers, team
from kit.qi.records import RECORD_TYPES, Observation
from kit.qi.validation import check
from kit.store import Actor, Store
from kit.store.workbook import export_workbook, import_workbook, parse_workbook

CASES = [
    Settings(topic=topic, teams=teams, months=months, baseline_months=baseline, seed=seed)
    for topic in sorted(TOPICS)
    for teams, months, baseline, seed in ((3, 12, 4, 1), (9, 24, 12, 2), (14, 36, 24, 3))
]


@pytest.mark.parametrize("settings", CASES, ids=lambda s: f"{s.topic}-{s.teams}x{s.months}")
def test_records_pass_the_kits_validation(settings) -> None:
    g = generate(settings)
    keys = change_concept_keys()
    for kind, records in g.records.items():
        for record in records:
            again = check(RECORD_TYPES[kind], record.model_dump(mode="json"))
            assert again == record
            if isinstance(record, Observation):
                record.check_proportion()
    measures = {m.id: m for m in g.records["measure"]}
    assert {m.measure_kind for m in measures.values()} == {"outcome", "process", "balancing"}
    for m in measures.values():
        assert m.definition.numerator and m.definition.denominator and m.definition.data_source
    for diagram in g.records["driver_diagram"]:
        assert not [w for w in drivers.check_diagram(diagram) if "deck" in w]
        for idea in diagram.change_ideas:
            assert idea.change_concept is None or idea.change_concept in keys
    for t in g.records["team"]:
        assert len(t.members) >= 2 and not [w for w in team.roster_warnings(t) if "no members" in w]
    ids = {t.id for t in g.records["team"]}
    assert {a.team_id for a in g.records["aim"]} == ids
    assert all(a.measure_id in measures for a in g.records["aim"])
    periods = sorted({o.period for o in g.records["observation"]})
    assert len(periods) == settings.months
    ls1 = next(m for m in g.collaborative.timeline if m.kind == "learning_session")
    assert sum(p < ls1.start.replace(day=1) for p in periods) == settings.baseline_months


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_imports_through_the_workbook_path_and_exports_the_same(tmp_path, topic) -> None:
    g = generate(Settings(topic=topic, teams=6, months=18, baseline_months=6, seed=5))
    data = workbook(g.records)
    parse_workbook(data)
    actor = Actor.system()
    with Store.open(f"sqlite:///{tmp_path / 'kit.sqlite3'}") as store:
        summary = import_workbook(store, actor, data)
        assert summary.created == sum(len(v) for v in g.records.values())
        assert export_workbook(store, actor, g.collaborative.id) == data
        frame = store.observations(actor, collaborative_id=g.collaborative.id)
        assert len(frame) == len(g.records["observation"])


def test_two_generated_collaboratives_share_a_database(tmp_path) -> None:
    actor = Actor.system()
    with Store.open(f"sqlite:///{tmp_path / 'kit.sqlite3'}") as store:
        for seed in (1, 2):
            import_workbook(store, actor, workbook(generate(Settings(teams=3, seed=seed)).records))
        assert len(store.observations(actor, collaborative_id="falls-1")) == 3 * 24 * 4
