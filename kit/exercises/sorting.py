"""Sorting exercises: good aim or poor aim, and which kind of measure (outcome, process,
balancing). The learner puts each item in a group; the kit says which are right and why.

The aims come from ``kit/content/exercises.yaml`` and the reason each is good or poor is the
kit's own aim review (``kit.qi.aims``), so this exercise and the aim builder never disagree.
The measures come from the measure library (``kit/content/measure_library.yaml``), whose
entries each name their kind and their source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from kit.errors import KitInputError

AIM_GROUPS: tuple[tuple[str, str], ...] = (("good", "Good aim"), ("poor", "Poor aim"))
MEASURE_GROUPS: tuple[tuple[str, str], ...] = (
    ("outcome", "Outcome"),
    ("process", "Process"),
    ("balancing", "Balancing"),
)


@dataclass(frozen=True)
class Item:
    """One thing to sort: its key, what the learner reads, the right group and why."""

    key: str
    text: str
    answer: str
    why: str
    source: str


@dataclass(frozen=True)
class Marked:
    key: str
    chosen: str | None
    answer: str
    why: str

    @property
    def right(self) -> bool:
        return self.chosen == self.answer


@dataclass(frozen=True)
class SortResult:
    marked: tuple[Marked, ...]

    @property
    def right(self) -> int:
        return sum(m.right for m in self.marked)

    @property
    def total(self) -> int:
        return len(self.marked)

    @property
    def summary(self) -> str:
        unanswered = sum(m.chosen is None for m in self.marked)
        text = f"{self.right} of {self.total} right."
        if unanswered:
            text += f" {unanswered} not sorted yet."
        return text


def _content() -> dict:
    from kit.content import load

    return load("exercises")


def _citation(keys: str | list[str]) -> str:
    sources = _content()["sources"]
    return " ".join(sources[k] for k in ([keys] if isinstance(keys, str) else keys))


@cache
def aim_items(today: dt.date | None = None) -> tuple[Item, ...]:
    """The aims to sort, with the kit's review as the reason (``today`` for tests)."""
    from kit.qi.aims import review_free_text_aim

    items = []
    for entry in _content()["aims"]:
        review = review_free_text_aim(entry["text"], today=today)
        if review.passes:
            why = "All five elements are there: what, how much, by when, for whom and where."
        else:
            gaps = [f.message for f in review.findings if f.status != "ok"]
            why = " ".join(gaps) or review.summary
        items.append(
            Item(
                entry["key"],
                entry["text"],
                "good" if review.passes else "poor",
                why,
                _citation(entry["source"]),
            )
        )
    return tuple(items)


@cache
def measure_items(keys: tuple[str, ...] | None = None) -> tuple[Item, ...]:
    """Library measures to sort by kind: ``keys``, or three of each kind from the library."""
    from kit.qi.family import measure_library

    kinds = _content()["measure_kinds"]
    library = {m.key: m for m in measure_library()}
    if keys is None:
        chosen: list[str] = []
        for kind, _label in MEASURE_GROUPS:
            chosen += [k for k, m in library.items() if m.measure_kind == kind][:3]
        keys = tuple(chosen)
    items = []
    for key in keys:
        if key not in library:
            raise KitInputError(f"The measure library has no measure '{key}'.")
        m = library[key]
        kind = m.measure_kind
        items.append(
            Item(
                key,
                m.name,
                kind,
                f"{kinds[kind]['label']} measure: {kinds[kind]['definition']}",
                m.source,
            )
        )
    return tuple(items)


def mark(items: Sequence[Item], choices: Mapping[str, str | None]) -> SortResult:
    """Each item with the learner's group (None when not sorted yet) against the answer."""
    return SortResult(
        tuple(Marked(i.key, choices.get(i.key) or None, i.answer, i.why) for i in items)
    )
