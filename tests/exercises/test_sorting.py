"""The sorting exercises score right, and their answers agree with the kit's own aim review
(kit.qi.aims, after IHI's "Setting Aims") and the measure library's kinds."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.content import load
from kit.exercises import sorting

TODAY = dt.date(2026, 3, 1)


def test_each_aims_label_agrees_with_the_kits_review() -> None:
    labels = {a["key"]: a["good"] for a in load("exercises")["aims"]}
    items = sorting.aim_items(TODAY)
    assert {i.key: i.answer == "good" for i in items} == labels
    assert {i.answer for i in items} == {"good", "poor"}


def test_a_poor_aims_reason_names_what_is_missing() -> None:
    vague = {i.key: i for i in sorting.aim_items(TODAY)}["falls_vague"]
    assert vague.answer == "poor"
    assert vague.why and "Setting Aims" in vague.source


def test_measures_are_sorted_by_the_librarys_kind() -> None:
    items = sorting.measure_items(("falls_rate",))
    assert items[0].answer == "outcome" and "NDNQI" in items[0].source
    default = sorting.measure_items()
    assert {i.answer for i in default} == {"outcome", "process", "balancing"}


def test_marking_counts_right_wrong_and_unsorted() -> None:
    items = (
        sorting.measure_items(("falls_rate",))
        + tuple(i for i in sorting.measure_items() if i.answer == "balancing")[:1]
    )
    balancing = items[1].key
    result = sorting.mark(items, {"falls_rate": "outcome", balancing: "process"})
    assert (result.right, result.total) == (1, 2)
    assert [m.right for m in result.marked] == [True, False]
    assert result.summary == "1 of 2 right."
    partial = sorting.mark(items, {"falls_rate": "outcome"})
    assert partial.summary == "1 of 2 right. 1 not sorted yet."


def test_an_unknown_measure_is_refused() -> None:
    from kit.errors import KitInputError

    with pytest.raises(KitInputError):
        sorting.measure_items(("no_such_measure",))
