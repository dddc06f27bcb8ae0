"""The measure library: every topic the issue names, cited, valid, and adoptable with changes."""

from __future__ import annotations

import pytest

import kit.content as content
from kit.errors import KitInputError
from kit.qi.definitions import review_definition
from kit.qi.family import adopt_measure, library_entry, measure_library
from kit.qi.records import OperationalDefinition

#: (library key, kind of measure, a word its source citation must hold)
REQUIRED = [
    ("falls_rate", "outcome", "NDNQI"),
    ("falls_with_harm", "outcome", "NDNQI"),
    ("pressure_injury_prevalence", "outcome", "NDNQI"),
    ("clabsi_rate", "outcome", "NHSN"),
    ("sepsis_bundle", "process", "Surviving Sepsis"),
    ("sepsis_mortality", "outcome", "Miller"),
    ("hand_hygiene", "process", "World Health Organization"),
    ("readmissions_30day", "outcome", "CMS"),
    ("third_next_available", "outcome", "IHI"),
]


@pytest.mark.parametrize(("key", "kind", "cited"), REQUIRED)
def test_the_library_holds_each_required_measure_with_its_source(
    key: str, kind: str, cited: str
) -> None:
    entry = library_entry(key)
    assert entry.measure_kind == kind
    assert cited in entry.source


def test_every_entry_is_a_valid_unambiguous_definition() -> None:
    entries = measure_library()
    assert len({e.key for e in entries}) == len(entries) >= 12
    for entry in entries:
        measure = adopt_measure(entry.key, collaborative_id="c", team_id="t")
        assert measure.library_key == entry.key
        # only the team's own numbers are left to fill in
        codes = {f.code for f in review_definition(measure)}
        assert codes <= {"baseline_missing", "target_missing"}, (entry.key, codes)
        assert entry.topic_name and entry.source


def test_every_topic_has_a_balancing_or_process_partner_that_exists() -> None:
    keys = {e.key for e in measure_library()}
    for entry in measure_library():
        assert set(entry.pairs) <= keys, entry.key
    kinds = {e.measure_kind for e in measure_library()}
    assert kinds == {"outcome", "process", "balancing"}


def test_typical_values_name_their_source() -> None:
    for entry in measure_library():
        if entry.typical:
            assert any(ch.isdigit() for ch in entry.typical)
            assert "(" in entry.typical and ")" in entry.typical, entry.key


def test_adopt_and_adapt_keeps_the_library_wording_except_what_the_team_changes() -> None:
    measure = adopt_measure(
        "falls_rate",
        collaborative_id="c",
        team_id="t1",
        name="Falls on Ward 7",
        baseline=4.1,
        target=2.0,
        definition={"data_source": "Datix; ward census"},
    )
    library = library_entry("falls_rate")
    assert measure.name == "Falls on Ward 7"
    assert measure.team_id == "t1" and measure.collaborative_id == "c"
    assert measure.definition.data_source == "Datix; ward census"
    assert measure.definition.numerator == library.fields["definition"]["numerator"]
    assert (measure.chart, measure.multiply, measure.direction) == ("u", 1000, "down")
    assert review_definition(measure) == []


def test_adopting_twice_gives_two_records() -> None:
    first = adopt_measure("hand_hygiene", collaborative_id="c", team_id="t1")
    second = adopt_measure("hand_hygiene", collaborative_id="c", team_id="t2")
    assert first.id != second.id


def test_a_facilitator_adopts_a_core_measure_for_every_team() -> None:
    core = adopt_measure("clabsi_rate", collaborative_id="c", team_id=None)
    assert core.team_id is None


def test_an_operational_definition_object_can_replace_the_definition() -> None:
    definition = OperationalDefinition(numerator="Our count", denominator="Our days")
    measure = adopt_measure("falls_rate", collaborative_id="c", team_id="t", definition=definition)
    assert measure.definition.numerator == "Our count"
    assert measure.definition.data_source == ""


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"has_denominator": False}, "needs a numerator and a denominator"),
        ({"multiply": 0}, "Multiply by must be above 0"),
        ({"direction": "sideways"}, "Direction of improvement must be one of"),
    ],
)
def test_an_invalid_adaptation_is_refused_in_plain_words(overrides: dict, words: str) -> None:
    with pytest.raises(KitInputError, match=words):
        adopt_measure("falls_rate", collaborative_id="c", team_id="t", **overrides)


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(KitInputError, match="no measure called 'falls'"):
        library_entry("falls")


def test_the_file_loads_through_the_content_loader() -> None:
    data = content.load("measure_library")
    assert "source_note" in data
    assert set(data["topics"]) >= {
        "falls",
        "pressure_injuries",
        "clabsi",
        "sepsis",
        "hand_hygiene",
        "readmissions",
        "access",
    }
