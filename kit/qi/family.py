"""A team's family of measures: the collaborative's core measures plus the team's own.

A family is a small set, usually 4 to 10 measures, that together answer "how will we know
that a change is an improvement?": **outcome** measures (what happens to patients),
**process** measures (is the system doing what we planned) and **balancing** measures (are
we causing problems elsewhere) (Provost & Murray, *The Health Care Data Guide*, 2011; IHI,
"Science of Improvement: Establishing Measures"). More than about eight is hard for a small
team to collect every month and to read together, so the kit advises above
``MAX_MEASURES``.

Core measures are those the facilitator set for the collaborative (``Measure.team_id`` is
``None``): every team gets them and cannot remove them. Teams add their own, often by
adopting an entry of the measure library (``kit/content/measure_library.yaml``) and adapting
its definition to their setting (:func:`adopt_measure`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import ValidationError

from kit.content import load
from kit.errors import KitInputError
from kit.qi.definitions import Finding
from kit.qi.records import Measure, OperationalDefinition, new_id
from kit.qi.validation import friendly_messages

__all__ = [
    "MAX_MEASURES",
    "MIN_MEASURES",
    "Family",
    "LibraryMeasure",
    "adopt_measure",
    "check_family",
    "check_removal",
    "family_for_team",
    "library_entry",
    "measure_library",
]

#: a family of 4-10 measures is usual (Provost & Murray 2011). Above 8 a small team rarely
#: keeps every one up to date; below 3 it cannot hold an outcome, a process and a balancing
#: measure, so only those ends are advised on.
MIN_MEASURES = 3
MAX_MEASURES = 8

KIND_LABELS = {"outcome": "outcome", "process": "process", "balancing": "balancing"}


@dataclass(frozen=True)
class Family:
    """The measures one team reports: ``core`` (set by the facilitator) then ``own``."""

    team_id: str
    core: tuple[Measure, ...]
    own: tuple[Measure, ...]

    @property
    def measures(self) -> tuple[Measure, ...]:
        return self.core + self.own

    def of_kind(self, kind: str) -> list[Measure]:
        """The family's measures of one kind (outcome, process or balancing), core first."""
        return [m for m in self.measures if m.measure_kind == kind]

    def is_core(self, measure_id: str) -> bool:
        return any(m.id == measure_id for m in self.core)


def family_for_team(measures: Iterable[Measure], team_id: str, collaborative_id: str) -> Family:
    """Split a collaborative's measures into the core ones and this team's own.

    Measures of other teams and of other collaboratives are left out.
    """
    core: list[Measure] = []
    own: list[Measure] = []
    for m in measures:
        if m.collaborative_id != collaborative_id:
            continue
        if m.team_id is None:
            core.append(m)
        elif m.team_id == team_id:
            own.append(m)
    return Family(team_id, tuple(core), tuple(own))


# --- checks ---------------------------------------------------------------------------------


def check_kinds(family: Family) -> list[Finding]:
    """An outcome says whether patients are better off; a balancing measure, at what cost."""
    findings = []
    if not family.of_kind("outcome"):
        findings.append(
            Finding(
                "no_outcome",
                "The family has no outcome measure: add one that shows whether patients are "
                "better off (for example falls per 1,000 patient-days).",
            )
        )
    if not family.of_kind("process"):
        findings.append(
            Finding(
                "no_process",
                "The family has no process measure: add one that shows whether the changes "
                "are actually happening, so an outcome can be explained.",
            )
        )
    if not family.of_kind("balancing"):
        findings.append(
            Finding(
                "no_balancing",
                "The family has no balancing measure: add one that would show if the changes "
                "cause problems elsewhere (for example more restraint use while falls fall).",
            )
        )
    return findings


def check_size(
    family: Family, *, min_measures: int = MIN_MEASURES, max_measures: int = MAX_MEASURES
) -> list[Finding]:
    """A handful of measures is enough; many more are rarely all collected."""
    count = len(family.measures)
    if count > max_measures:
        return [
            Finding(
                "too_many",
                f"The family has {count} measures; more than about {max_measures} is hard to "
                "collect every month and to read together. Which would you stop looking at "
                "first? Keep the ones that answer 'is this change an improvement?'.",
            )
        ]
    if 0 < count < min_measures:
        return [
            Finding(
                "too_few",
                f"The family has {count} measure{'s' if count != 1 else ''}; a family usually "
                f"has at least {min_measures}, so that outcome, process and balancing are all "
                "covered.",
            )
        ]
    return []


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def check_duplicates(family: Family) -> list[Finding]:
    """Two measures with the same name split one team's data in two."""
    findings = []
    seen: dict[str, Measure] = {}
    for m in family.measures:
        key = _normal(m.name)
        if key in seen:
            which = (
                "a core measure of the collaborative"
                if family.is_core(seen[key].id)
                else "another of your measures"
            )
            findings.append(
                Finding(
                    "duplicate_name",
                    f"'{m.name}' has the same name as {which}; report the data under one of "
                    "them, or rename this one to say how it differs.",
                )
            )
        else:
            seen[key] = m
    return findings


def check_family(
    family: Family, *, min_measures: int = MIN_MEASURES, max_measures: int = MAX_MEASURES
) -> list[Finding]:
    """Every piece of advice about the family as a whole; an empty list means none."""
    if not family.measures:
        return [
            Finding(
                "empty",
                "The family has no measures yet: start with an outcome, a process and a "
                "balancing measure (the measure library has examples).",
            )
        ]
    return [
        *check_kinds(family),
        *check_size(family, min_measures=min_measures, max_measures=max_measures),
        *check_duplicates(family),
    ]


def check_removal(family: Family, measure_id: str) -> None:
    """Refuse to take a core measure out of a team's family: the facilitator set it for all.

    Raises ``KitInputError``; a team's own measures may be removed.
    """
    for m in family.core:
        if m.id == measure_id:
            raise KitInputError(
                f"'{m.name}' is a core measure of the collaborative: every team reports it, so "
                "it cannot be removed here. Ask the facilitator if it does not fit your setting."
            )
    if not any(m.id == measure_id for m in family.own):
        raise KitInputError("That measure is not in this team's family.")


# --- the measure library --------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryMeasure:
    """One library entry: the fields a ``Measure`` takes, plus where the definition comes from."""

    key: str
    name: str
    topic: str
    topic_name: str
    measure_kind: str
    fields: dict[str, Any]
    source: str
    typical: str = ""
    pairs: tuple[str, ...] = ()


@cache
def measure_library() -> tuple[LibraryMeasure, ...]:
    """Every entry of ``kit/content/measure_library.yaml``, checked once per process.

    Raises ``KitInputError`` naming the entry when one would not make a valid measure, so a
    facilitator who edits the file learns which line to fix.
    """
    data = load("measure_library")
    topics: dict[str, str] = data["topics"]
    entries = []
    for raw in data["measures"]:
        item = dict(raw)
        key = item.pop("key")
        source = str(item.pop("source", "")).strip()
        if not source:
            raise KitInputError(f"Measure library entry '{key}' does not cite a source.")
        topic = item.pop("topic")
        typical = str(item.pop("typical", "")).strip()
        pairs = tuple(item.pop("pairs", ()))
        try:
            Measure.model_validate({**item, "collaborative_id": "library", "library_key": key})
        except ValidationError as error:
            problems = " ".join(friendly_messages(Measure, error))
            raise KitInputError(f"Measure library entry '{key}': {problems}") from None
        entries.append(
            LibraryMeasure(
                key=key,
                name=item["name"],
                topic=topic,
                topic_name=str(topics.get(topic) or topic),
                measure_kind=item["measure_kind"],
                fields=item,
                source=source,
                typical=typical,
                pairs=pairs,
            )
        )
    return tuple(entries)


def library_entry(key: str) -> LibraryMeasure:
    """One library entry by key, or a ``KitInputError`` in plain words."""
    for entry in measure_library():
        if entry.key == key:
            return entry
    raise KitInputError(f"The measure library has no measure called '{key}'.")


def adopt_measure(
    key: str,
    *,
    collaborative_id: str,
    team_id: str | None,
    **overrides: Any,
) -> Measure:
    """A new ``Measure`` from a library entry, adapted by ``overrides``.

    ``team_id=None`` makes it a core measure (the facilitator's choice for every team).
    ``overrides`` may set any measure field; a ``definition`` override is a dict of the
    definition fields to change, merged into the library's definition so a team rewrites only
    what differs in its setting (its data source, say). The source citation stays with the
    library entry (``library_key``), so the form can show where the wording came from.
    Raises ``KitInputError`` with every problem when the adapted measure is not valid.
    """
    entry = library_entry(key)
    fields = {name: value for name, value in entry.fields.items() if name != "definition"}
    definition = dict(entry.fields.get("definition") or {})
    changed_definition = overrides.pop("definition", None) or {}
    if isinstance(changed_definition, OperationalDefinition):
        changed_definition = changed_definition.model_dump()
    definition.update(changed_definition)
    data = {
        **fields,
        "id": new_id(),
        "collaborative_id": collaborative_id,
        "team_id": team_id,
        "library_key": key,
        "definition": definition,
        **overrides,
    }
    try:
        return Measure.model_validate(data)
    except ValidationError as error:
        raise KitInputError(" ".join(friendly_messages(Measure, error))) from None
