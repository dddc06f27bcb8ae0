"""The reference content loads, is complete and is shaped the way the apps expect."""

from __future__ import annotations

import pytest

import kit.content as content
from kit.errors import KitInputError

GROUP_NAMES = [
    "Eliminate waste",
    "Improve work flow",
    "Optimize inventory",
    "Change the work environment",
    "Enhance the producer/customer relationship",
    "Manage time",
    "Manage variation",
    "Design systems to avoid mistakes",
    "Focus on the product or service",
]


def test_change_concepts_has_the_nine_groups_in_order() -> None:
    deck = content.change_concepts()
    assert [g["name"] for g in deck["groups"]] == GROUP_NAMES
    assert "Langley" in deck["source"] and "Improvement Guide" in deck["source"]


def test_every_concept_has_key_name_and_own_description() -> None:
    deck = content.change_concepts()
    keys = []
    for group in deck["groups"]:
        assert group["key"] and group["description"]
        assert group["concepts"], group["name"]
        for concept in group["concepts"]:
            assert set(concept) == {"key", "name", "description"}
            assert 20 < len(concept["description"]) < 140
            keys.append(concept["key"])
    assert len(keys) == len(set(keys)) >= 70
    assert not set(keys) & {g["key"] for g in deck["groups"]}


@pytest.mark.parametrize(
    "name",
    [
        "Use reminders",
        "Use constraints",
        "Stop tampering",
        "Develop operational definitions",
        "Minimize handoffs",
        "Do tasks in parallel",
        "Find and remove bottlenecks",
        "Reduce wait time",
        "Listen to customers",
    ],
)
def test_domain_examples_are_in_the_deck(name: str) -> None:
    names = {c["name"] for g in content.change_concepts()["groups"] for c in g["concepts"]}
    assert any(n.startswith(name) for n in names)


def test_find_change_concept_knows_groups_and_concepts() -> None:
    card = content.find_change_concept("use_reminders")
    assert card["group"] == "avoid_mistakes" and not card["is_group"]
    assert content.find_change_concept("manage_time")["is_group"]
    with pytest.raises(KitInputError, match="not a change concept"):
        content.find_change_concept("use_magic")


def test_topic_criteria_match_the_bts_criteria() -> None:
    data = content.topic_criteria()
    keys = [c["key"] for c in data["criteria"]]
    assert keys == ["gap", "better_performers", "buildable", "shared_problem", "belief"]
    assert data["readiness_criterion"] in keys
    for c in data["criteria"]:
        assert c["label"] and c["question"].endswith("?") and c["weight"] > 0
        assert sorted(c["anchors"]) == [1, 2, 3, 4, 5]


def test_assessment_scale_runs_from_one_to_five_in_halves() -> None:
    data = content.assessment_scale()
    assert [lv["score"] for lv in data["levels"]] == [1 + i / 2 for i in range(9)]
    assert "0.5" in data["note_half_level"]


@pytest.mark.parametrize(
    "key",
    [
        "aim",
        "driver",
        "primary_driver",
        "secondary_driver",
        "change_idea",
        "change_concept",
        "change_package",
        "outcome_measure",
        "process_measure",
        "balancing_measure",
        "operational_definition",
        "pdsa",
        "learning_session",
        "action_period",
        "prework",
        "storyboard",
        "run_chart",
        "control_chart",
        "median",
        "centre_line",
        "shift",
        "trend",
        "run",
    ],
)
def test_glossary_defines(key: str) -> None:
    entry = content.glossary()[key]
    assert entry["term"] and len(entry["definition"]) > 20


def test_aim_prompts_cover_the_five_elements() -> None:
    assert set(content.aim_prompts()["elements"]) == {
        "what",
        "for_whom",
        "where",
        "how_much",
        "by_when",
    }


def test_load_is_cached_and_names_missing_files() -> None:
    assert content.load("glossary") is content.load("glossary")
    with pytest.raises(KitInputError, match="no content file"):
        content.load("nonesuch")
