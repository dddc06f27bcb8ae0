"""The glossary says what an improvement advisor would sign.

Source for the chart terms: Provost & Murray, The Health Care Data Guide (2011): control
limits are three sigma from the centre line with sigma estimated from the point-to-point
variation (moving ranges, or the binomial / Poisson model), not the standard deviation of all
the data.
"""

from __future__ import annotations

import kit.content as content


def _text(key: str) -> str:
    return " ".join(content.glossary()[key]["definition"].split()).lower()


def test_control_limits_are_three_sigma_from_point_to_point_variation() -> None:
    text = _text("control_limits")
    assert "three sigma" in text
    assert "point-to-point" in text and "moving range" in text
    assert "binomial" in text and "poisson" in text
    assert "not from the standard deviation of all the data" in text
    assert "about three standard deviations" not in text


def test_sigma_and_moving_range_are_defined_the_same_way() -> None:
    assert "not from the standard deviation of all" in _text("sigma")
    assert "consecutive points" in _text("moving_range")


def test_limits_are_not_targets() -> None:
    assert "not targets" in _text("control_limits")
    assert "not a control limit" in _text("target")


def test_rule_based_terms_say_which_rule_set_gives_the_number() -> None:
    assert "six or more" in _text("shift") and "eight or more" in _text("shift")
    assert "five or more" in _text("trend") and "anhøj rules have no trend rule" in _text("trend")
    assert "person judges" in _text("astronomical_point")


def test_every_term_has_a_name_a_definition_and_a_source() -> None:
    sources = content.load("glossary")["sources"]
    for key, entry in content.glossary().items():
        assert entry["term"] and len(entry["definition"]) > 20, key
        named = entry["source"] if isinstance(entry["source"], list) else [entry["source"]]
        assert named and set(named) <= set(sources), key


def test_the_length_in_the_glossary_is_the_collaborative_length() -> None:
    assert content.collaborative_length()["wording"] in _text("breakthrough_series")
